"""SVG rebuilt from an allow-list, or refused: drawing only, nothing that runs or fetches.

Parsed by lxml with no DTD, no entities and no network; a document declaring a DOCTYPE or an
ENTITY is refused before parsing (the billion-laughs XML bomb lives there). Kept: shapes, paths,
text, gradients, clip paths and masks, with their presentation attributes. Dropped: scripts,
event handlers, ``foreignObject``, ``image``, links, animation (it can rewrite ``href``), styles
that fetch (``url(`` other than ``url(#…)``, ``@import``), and every reference that is not to a
fragment of the same document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext
from lxml import etree

from masterly.assessments.content.errors import ContentRejected

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_ELEMENTS = {
    "svg", "g", "defs", "symbol", "use", "title", "desc",
    "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker",
    "style",
}  # fmt: skip
_ATTRIBUTES = {
    "id", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "d",
    "points", "width", "height", "viewBox", "preserveAspectRatio", "transform", "version",
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray",
    "stroke-dashoffset", "opacity", "color", "display", "visibility", "clip-path", "clip-rule",
    "mask", "marker-start", "marker-mid", "marker-end", "font-family", "font-size",
    "font-style", "font-weight", "text-anchor", "dominant-baseline", "alignment-baseline",
    "baseline-shift", "letter-spacing", "word-spacing", "text-decoration", "dx", "dy",
    "rotate", "textLength", "lengthAdjust", "startOffset", "offset", "stop-color",
    "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod", "patternUnits",
    "patternContentUnits", "patternTransform", "clipPathUnits", "maskUnits",
    "maskContentUnits", "markerWidth", "markerHeight", "markerUnits", "refX", "refY",
    "orient", "style", "class", "type", "href", XLINK_HREF, XML_SPACE,
}  # fmt: skip
_FETCHES = re.compile(r"@import|url\s*\(\s*(?![\s'\"]*#)|expression\s*\(|\\", re.IGNORECASE)
_DECLARES = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*(px)?\s*")


@dataclass(frozen=True)
class SafeSvg:
    data: bytes
    width: int
    height: int


def looks_like_svg(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<?xml", b"<svg", b"<!--", b"<!doctype svg")) and b"<svg" in data


def _refused(filename: str, reason: str) -> ContentRejected:
    return ContentRejected(
        gettext("%(file)s is an SVG image Masterly cannot accept: %(reason)s.")
        % {"file": filename, "reason": reason}
    )


def sanitised_svg(data: bytes, *, filename: str) -> SafeSvg:
    if _DECLARES.search(data):
        raise _refused(filename, gettext("it declares a DOCTYPE or entities"))
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        raise _refused(
            filename,
            gettext("it is not well-formed XML (line %(line)d, column %(column)d: %(error)s)")
            % {"line": line, "column": column, "error": error.msg},
        ) from None
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise _refused(filename, gettext("its outermost element is not <svg>"))
    _keep_safe_parts(root)
    width, height = _size(root)
    if width <= 0 or height <= 0:
        raise _refused(filename, gettext("it has no width and height or viewBox"))
    return SafeSvg(etree.tostring(root, xml_declaration=True, encoding="utf-8"), width, height)


def _keep_safe_parts(root: etree._Element) -> None:
    for element in list(root.iter()):
        if element is not root and element.getparent() is None:
            continue  # inside a subtree already removed
        qname = etree.QName(element)
        if qname.namespace != SVG_NAMESPACE or qname.localname not in _ELEMENTS:
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)  # and its text; tails belong to the parent
            continue
        for attribute, value in list(element.attrib.items()):
            if not _safe_attribute(str(attribute), value):
                del element.attrib[attribute]
        if qname.localname == "style" and element.text and _FETCHES.search(element.text):
            element.text = ""
    etree.cleanup_namespaces(root)


def _safe_attribute(attribute: str, value: str) -> bool:
    if attribute not in _ATTRIBUTES:
        return False
    if attribute in {"href", XLINK_HREF}:
        return value.startswith("#")
    return not _FETCHES.search(value)


def _size(root: etree._Element) -> tuple[int, int]:
    view_box = (root.get("viewBox") or "").replace(",", " ").split()
    box = [float(part) for part in view_box if _LENGTH.fullmatch(part.lstrip("-"))]
    sizes = []
    for attribute, index in (("width", 2), ("height", 3)):
        length = _LENGTH.fullmatch(root.get(attribute) or "")
        if length:
            sizes.append(round(float(length.group(1))))
        elif len(box) == 4:
            sizes.append(round(box[index]))
        else:
            sizes.append(0)
    return sizes[0], sizes[1]
