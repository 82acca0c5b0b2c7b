"""Math for print: each MathML element drawn as an inline SVG by ziamath (ADR 16).

WeasyPrint does not lay out MathML, so the PDF of a test would show its math as loose letters.
ziamath typesets MathML with its bundled STIX Two Math font and writes the glyphs as SVG paths,
which WeasyPrint draws as vector graphics. Sizes are in ``em``, so the math follows the font
size of the text around it, and the SVG sits on the text's baseline.
"""

from __future__ import annotations

import logging
from xml.etree import ElementTree

import lxml.html
import ziamath
from lxml import etree

from masterly.assessments.content.latex import TEX_ENCODING

logger = logging.getLogger(__name__)

# Glyphs as plain paths, not <symbol>s with ids: WeasyPrint draws them simply, and a page with
# many formulas holds no duplicate ids.
ziamath.config.svg2 = False
_TOKENS = {"mi", "mn", "mo", "mtext"}
# The size ziamath lays out at; the SVG is then scaled to 1em, so only precision depends on it.
_LAYOUT_SIZE = 24.0


def print_html(html: str) -> str:
    """The rich text with every <math> replaced by an SVG drawing of it (for WeasyPrint)."""
    if "<math" not in html:
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for math in root.xpath("//math[not(ancestor::math)]"):
        drawing = _drawing(math)
        drawing.tail = math.tail
        math.getparent().replace(math, drawing)
    return (root.text or "") + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in root
    )


def _drawing(math: etree._Element) -> etree._Element:
    latex = "".join(math.xpath(f"./semantics/annotation[@encoding='{TEX_ENCODING}']//text()"))
    try:
        typeset = ziamath.Math(_presentation(math), size=_LAYOUT_SIZE, title=latex or None)
        svg = typeset.svgxml()
    except Exception:  # math ziamath cannot typeset still prints, as its LaTeX
        logger.warning("ziamath could not typeset %r", latex, exc_info=True)
        fallback = etree.Element("code")
        fallback.text = latex or math.text_content()
        return fallback
    width, height = (float(svg.attrib[name]) / _LAYOUT_SIZE for name in ("width", "height"))
    baseline = (typeset.getyofst() - typeset.margin) / _LAYOUT_SIZE
    svg.attrib.update(
        width=f"{width:.3f}em",
        height=f"{height:.3f}em",
        role="img",
        style=(
            "display:block;margin:0.5em auto"
            if math.get("display") == "block"
            else f"vertical-align:{baseline:.3f}em"
        ),
    )
    if latex:
        svg.attrib["aria-label"] = latex
    drawing = etree.fromstring(ElementTree.tostring(svg, encoding="unicode"))
    etree.strip_tags(drawing, etree.Comment)
    return drawing


def _presentation(math: etree._Element) -> ElementTree.Element:
    """The MathML as ziamath reads it: plain ElementTree, without the LaTeX annotation."""

    def copy(element: etree._Element) -> ElementTree.Element:
        made = ElementTree.Element(str(element.tag), dict(element.attrib))
        made.tail = element.tail
        if element.tag in _TOKENS:  # text only: HTML inside <mtext> is allowed but not drawn
            made.text = element.text_content()
            return made
        made.text = element.text
        for child in element:
            if not isinstance(child.tag, str) or child.tag == "annotation":
                continue
            made.append(copy(child))
        return made

    presented = copy(math)
    presented.tail = None
    semantics = presented.find("semantics")
    if semantics is not None and len(semantics):
        presented.remove(semantics)
        presented.append(semantics[0])
    return presented
