"""Item content between QTI's XML and Masterly's rich text (``assessments.content``).

In: an element's content as HTML (names without namespace, MathML kept), images pointed at
placeholders the import replaces with the images it stores; ``rich_text`` then sanitises it
like anything a teacher types. Out: stored HTML as XML in the QTI namespace, MathML in its own.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from html import escape

import lxml.html
from django.utils.translation import gettext
from lxml import etree

from masterly.integrations.qti.errors import QtiProblem
from masterly.integrations.qti.package import package_path
from masterly.integrations.qti.vocabulary import MATHML
from masterly.integrations.qti.xml import local, name

PLACEHOLDER = "/assessments/images/qti-{n}/"
# QTI elements that are not content: they are read on their own, never shown in a stem.
NOT_CONTENT = {
    "rubricBlock", "feedbackBlock", "feedbackInline", "modalFeedback", "templateBlock",
    "templateInline", "printedVariable", "companionMaterialsInfo",
}  # fmt: skip


@dataclass
class ImageRef:
    path: str
    # None: no showing of it has an ``alt`` attribute; "": decorative (``alt=""``), as HTML
    # and QTI mean it, imported as such (ADR 21).
    alt: str | None
    placeholder: str


@dataclass
class Images:
    """The package's images the content points at, one placeholder per file."""

    by_path: dict[str, ImageRef] = field(default_factory=dict)

    def placeholder(self, path: str, alt: str | None) -> str:
        found = self.by_path.get(path)
        if found is None:
            found = ImageRef(path, alt, PLACEHOLDER.format(n=len(self.by_path) + 1))
            self.by_path[path] = found
        elif not found.alt and alt is not None and (alt or found.alt is None):
            found.alt = alt
        return found.placeholder


def to_html(
    element: etree._Element,
    *,
    file: str,
    where: str,
    images: Images,
    problems: list[QtiProblem],
    skip: frozenset[str] = frozenset(),
) -> str:
    """The content of ``element`` as HTML; interactions and ``skip`` names are left out."""
    body = copy.deepcopy(element)
    for each in list(body.iter()):
        if not isinstance(each.tag, str):
            continue
        if each is not body and (name(each) in NOT_CONTENT or name(each) in skip):
            _remove(each)
            continue
        each.tag = local(each)
        for key in list(each.attrib):
            if key.startswith("{") or key in {"class", "id", "style"}:
                del each.attrib[key]
        if each.tag == "img":
            _point_at_placeholder(each, file, where, images, problems)
    etree.cleanup_namespaces(body)
    parts = [escape(body.text, quote=False)] if body.text else []
    parts += [etree.tostring(each, encoding="unicode", method="html") for each in body]
    return "".join(parts).strip()


def _remove(element: etree._Element) -> None:
    """Drop ``element`` but keep the text after it; a paragraph left empty goes too."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail or ""
    previous = element.getprevious()
    if previous is not None:
        previous.tail = (previous.tail or "") + tail
    else:
        parent.text = (parent.text or "") + tail
    parent.remove(element)
    if local(parent) == "p" and len(parent) == 0 and not (parent.text or "").strip():
        _remove(parent)


def _point_at_placeholder(
    img: etree._Element, file: str, where: str, images: Images, problems: list[QtiProblem]
) -> None:
    src = img.get("src", "")
    path = package_path(file, src)
    if path is None:
        problems.append(
            QtiProblem(
                file,
                where,
                gettext(
                    "the image %(src)r is not a file in the package (Masterly shows only "
                    "images it stores); add the file to the package."
                )
                % {"src": src},
            )
        )
        return
    given = img.get("alt")
    alt = None if given is None else " ".join(given.split())
    img.set("src", images.placeholder(path, alt))


# ------------------------------------------------------------------ out


def to_xml(parent: etree._Element, html: str, namespace: str) -> None:
    """Append stored rich text to ``parent`` as XML: HTML in ``namespace``, MathML in its own."""
    if not html.strip():
        return
    holder = lxml.html.fragment_fromstring(html, create_parent="div")
    parent.text = (parent.text or "") + (holder.text or "")
    for each in holder:
        if isinstance(each.tag, str):
            parent.append(_xml_element(each, namespace, in_math=False))


def _xml_element(source: etree._Element, namespace: str, *, in_math: bool) -> etree._Element:
    in_math = in_math or source.tag == "math"
    element = etree.Element(f"{{{MATHML if in_math else namespace}}}{source.tag}")
    for key, value in source.attrib.items():
        element.set(key, value)
    element.text = source.text
    for each in source:
        if isinstance(each.tag, str):
            element.append(_xml_element(each, namespace, in_math=in_math))
    element.tail = source.tail
    return element
