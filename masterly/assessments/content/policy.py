"""What rich text may hold: nh3's allow-list for HTML and the MathML latex2mathml writes.

Nothing outside these lists survives: no ``style``, ``class``, ``id`` or event handler, no
``href`` on MathML, no ``maction`` or ``annotation-xml`` (which could carry HTML), no SVG.
Images may point only at Masterly's own item-image route; links only to http(s) pages.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import nh3

from masterly.assessments.content.latex import TEX_ENCODING

# The item-image route (owned by the items pages); the id is whatever that route names.
ITEM_IMAGE_PATH = re.compile(r"/assessments/images/(?P<image_id>[A-Za-z0-9_-]{1,64})/")

_HTML_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "blockquote", "pre", "code",
    "strong", "em", "b", "i", "u", "s", "sub", "sup", "small", "mark",
    "ul", "ol", "li",
    "table", "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "th", "td",
    "img", "a",
}  # fmt: skip
_MATHML_TAGS = {
    "math", "semantics", "annotation",
    "mrow", "mi", "mn", "mo", "mtext", "mspace",
    "mfrac", "msqrt", "mroot", "msub", "msup", "msubsup", "munder", "mover", "munderover",
    "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose",
}  # fmt: skip
_MATHML_ATTRIBUTES = {
    "mathvariant", "mathcolor", "mathbackground", "mathsize", "displaystyle", "scriptlevel",
    "accent", "accentunder", "fence", "form", "largeop", "lspace", "rspace", "separator",
    "stretchy", "symmetric", "maxsize", "minsize", "movablelimits", "linethickness",
    "notation", "depth", "height", "width", "voffset", "linebreak",
    "columnalign", "columnlines", "columnspacing", "rowalign", "rowlines", "rowspacing", "frame",
}  # fmt: skip

_ATTRIBUTES: dict[str, set[str]] = {
    "img": {"src", "alt", "width", "height"},
    "a": {"href", "title"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start"},
    "math": {"display"},
    "annotation": {"encoding"},
    **dict.fromkeys(_MATHML_TAGS - {"math", "semantics", "annotation"}, _MATHML_ATTRIBUTES),
}

_WHOLE_NUMBER = re.compile(r"[0-9]{1,4}")
# Lengths, colours, keywords: letters, digits and . # % + - and spaces; never ( : ; or quotes,
# so no url(), javascript: or CSS can ride in a MathML attribute.
_MATHML_VALUE = re.compile(r"[A-Za-z0-9.#%+\- ]{0,64}")
_CHOICES = {
    ("math", "display"): {"inline", "block"},
    ("th", "scope"): {"row", "col", "rowgroup", "colgroup"},
    ("annotation", "encoding"): {TEX_ENCODING},
}
_NUMBERS = {"width", "height", "colspan", "rowspan", "span", "start"}


def _web_link(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def _allowed_value(tag: str, attribute: str, value: str) -> str | None:
    """nh3's attribute filter: the value kept, or None to drop the attribute."""
    if (tag, attribute) in _CHOICES:
        return value if value in _CHOICES[tag, attribute] else None
    if tag == "img" and attribute == "src":
        return value if ITEM_IMAGE_PATH.fullmatch(value) else None
    if tag == "a" and attribute == "href":
        return value if _web_link(value) else None
    if tag in _MATHML_TAGS:
        return value if _MATHML_VALUE.fullmatch(value) else None
    if attribute in _NUMBERS:
        return value if _WHOLE_NUMBER.fullmatch(value) else None
    return value


CLEANER = nh3.Cleaner(
    tags=_HTML_TAGS | _MATHML_TAGS,
    clean_content_tags={"script", "style"},
    attributes=_ATTRIBUTES,
    attribute_filter=_allowed_value,
    strip_comments=True,
    link_rel="noopener noreferrer",
    url_schemes={"http", "https"},
)
