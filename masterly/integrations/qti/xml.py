"""XML read defusedxml-style, and QTI 2.x and 3 names read alike.

The parser never resolves entities, never touches the network and keeps lxml's limits on
depth and text size; a document type declaration is refused outright (QTI needs none, and it
is where entity bombs and external entities live). QTI 3 spells names ``qti-choice-interaction``
and ``response-identifier``, QTI 2.x ``choiceInteraction`` and ``responseIdentifier``: both are
read through :func:`name` and :func:`attr`.
"""

from __future__ import annotations

import functools
import re

from django.utils.translation import gettext
from lxml import etree

from masterly.integrations.qti.errors import QtiImportRejected, QtiProblem

_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_KEBAB = re.compile(r"-([a-z])")
_CAMEL = re.compile(r"([A-Z])")


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse(data: bytes, file: str) -> etree._Element:
    """The document's root, or QtiImportRejected naming the file and line."""
    found = _DOCTYPE.search(data)
    if found is not None:
        raise _doctype_refused(file, data.count(b"\n", 0, found.start()) + 1)
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        line = error.position[0] if error.position else 0
        raise QtiImportRejected(
            [
                QtiProblem(
                    file,
                    gettext("line %(line)d") % {"line": line},
                    gettext("this is not well-formed XML: %(error)s. Fix the file.")
                    % {"error": error.msg},
                )
            ]
        ) from None
    if root.getroottree().docinfo.doctype:  # one the byte search missed (UTF-16, say)
        raise _doctype_refused(file, 1)
    return root


def _doctype_refused(file: str, line: int) -> QtiImportRejected:
    return QtiImportRejected(
        [
            QtiProblem(
                file,
                gettext("line %(line)d") % {"line": line},
                gettext(
                    "a document type declaration (<!DOCTYPE …>) is refused: QTI needs "
                    "none, and it can carry entity bombs or external files. Remove it."
                ),
            )
        ]
    )


def local(element: etree._Element) -> str:
    tag = element.tag
    return _local(tag) if isinstance(tag, str) else ""


@functools.cache
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def name(element: etree._Element) -> str:
    """The element's QTI name in 2.x form: ``qti-choice-interaction`` → ``choiceInteraction``."""
    tag = element.tag
    return _qti_name(tag) if isinstance(tag, str) else ""


@functools.cache  # a package repeats a few dozen names thousands of times
def _qti_name(tag: str) -> str:
    tag = _local(tag)
    if tag.startswith("qti-"):
        return _KEBAB.sub(lambda m: m.group(1).upper(), tag[4:])
    return tag


def attr(element: etree._Element, camel: str, default: str = "") -> str:
    """An attribute by its 2.x name, read in its QTI 3 spelling too."""
    value = element.get(camel)
    if value is None:
        value = element.get(_CAMEL.sub(lambda m: "-" + m.group(1).lower(), camel))
    return default if value is None else value


def children(element: etree._Element, wanted: str) -> list[etree._Element]:
    return [child for child in element if name(child) == wanted]


def child(element: etree._Element, wanted: str) -> etree._Element | None:
    found = children(element, wanted)
    return found[0] if found else None


def descendants(element: etree._Element, wanted: str) -> list[etree._Element]:
    return [each for each in element.iter() if isinstance(each.tag, str) and name(each) == wanted]


def line_of(element: etree._Element) -> str:
    return gettext("line %(line)s") % {"line": element.sourceline or "?"}
