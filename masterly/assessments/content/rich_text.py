"""Rich text: a teacher's HTML with LaTeX in \\( … \\) or \\[ … \\], kept as safe HTML + MathML."""

from __future__ import annotations

import re
from html import unescape

import lxml.html
from django.utils.translation import gettext
from lxml import etree

from masterly.assessments.content.errors import ContentRejected
from masterly.assessments.content.latex import TEX_ENCODING, mathml_for
from masterly.assessments.content.policy import CLEANER

MAX_SOURCE_CHARS = 200_000
# Each formula costs latex2mathml about a millisecond and grows twentyfold when stored.
MAX_FORMULAS = 500
# Sanitising can join text that markup kept apart ("\<b></b>(" stays, "\<span>(" becomes "\("),
# so conversion and sanitising repeat until nothing changes; real content settles in one or two.
_MAX_PASSES = 4

# Where the scanner stops to look: existing MathML, a comment, a tag, or a math opener. LaTeX is
# read from the raw source, so "\( a<b \)" is math, not a tag <b.
_NEXT = re.compile(r"<math\b|<!--|<[!?/]?[A-Za-z]|\\\(|\\\[", re.IGNORECASE)
_TAG = re.compile(r"""<[!?/]?[A-Za-z](?:"[^"]*"|'[^']*'|[^'">])*>?""")
_CLOSERS = {"\\(": "\\)", "\\[": "\\]"}
# Characters XML cannot hold (QTI export writes this HTML as XML) and no page needs.
_NOT_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")


def _with_mathml(source: str) -> str:
    """The source with each \\( … \\) and \\[ … \\] outside tags and existing MathML converted."""
    lowered = source.lower()
    pieces: list[str] = []
    position = 0
    math_closes = True  # once no "</math" follows, none follows later either
    formulas = 0
    while (found := _NEXT.search(source, position)) is not None:
        start, opener = found.start(), found.group()
        pieces.append(source[position:start])
        end = -1
        if opener.lower() == "<math" and math_closes:
            close = lowered.find("</math", start)
            math_closes = close != -1
            end = lowered.find(">", close) + 1 if math_closes else -1
        if opener in _CLOSERS:
            close = source.find(_CLOSERS[opener], found.end())
            if close == -1:  # an opener never closed is text
                pieces.append(source[start:])
                return "".join(pieces)
            formulas += 1
            if formulas > MAX_FORMULAS:
                raise ContentRejected(
                    gettext("This text holds more than %(limit)d formulas; split it up.")
                    % {"limit": MAX_FORMULAS}
                )
            pieces.append(mathml_for(source[found.end() : close], display=opener == "\\["))
            position = close + 2
            continue
        if opener == "<!--":
            close = source.find("-->", start)
            end = len(source) if close == -1 else close + 3
        elif end <= 0:
            tag = _TAG.match(source, start)
            end = tag.end() if tag else found.end()
        pieces.append(source[start:end])
        position = end
    pieces.append(source[position:])
    return "".join(pieces)


def _safe_pass(source: str) -> str:
    # Stripped on the way out too: a character reference (&#8;) can produce one.
    return _NOT_TEXT.sub("", CLEANER.clean(_with_mathml(_NOT_TEXT.sub("", source))))


def rich_text(source: str) -> str:
    """Sanitised HTML with MathML; the same again when given its own output.

    Raises ContentRejected for LaTeX latex2mathml cannot read, naming the fragment.
    """
    if len(source) > MAX_SOURCE_CHARS:
        raise ContentRejected(
            gettext("This text is longer than %(limit)d characters; split it up.")
            % {"limit": MAX_SOURCE_CHARS}
        )
    html = _safe_pass(source)
    for _ in range(_MAX_PASSES):
        again = _safe_pass(html)
        if again == html:
            return html
        html = again
    raise ContentRejected(gettext("This text could not be made safe to show; simplify its markup."))


# MathML as rich_text stores it: its LaTeX in the annotation, no MathML nested inside.
_STORED_MATH = re.compile(
    r'<math display="(?P<display>inline|block)"><semantics>(?:(?!</?math\b).)*?'
    rf'<annotation encoding="{re.escape(TEX_ENCODING)}">(?P<latex>[^<]*)</annotation>'
    r"</semantics></math>",
    re.DOTALL,
)


def editable_source(html: str) -> str:
    """Stored rich text as a teacher edits it: each formula back as its LaTeX in \\( … \\).

    rich_text of the result gives the stored text again. MathML without LaTeX (imported from
    QTI, say) stays MathML.
    """

    def latex(match: re.Match[str]) -> str:
        opener, closer = ("\\[", "\\]") if match["display"] == "block" else ("\\(", "\\)")
        return f"{opener}{unescape(match['latex'])}{closer}"

    return _STORED_MATH.sub(latex, html)


_BLOCKS = {"p", "br", "li", "tr", "td", "th", "h2", "h3", "h4", "blockquote", "pre", "caption"}


def plain_text(html: str) -> str:
    """The words of rich text on one line: math as its LaTeX, images as their alternative text."""
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for math in root.xpath("//*[local-name()='math'][not(ancestor::*[local-name()='math'])]"):
        latex = math.xpath(
            f"./*[local-name()='semantics']/*[local-name()='annotation'][@encoding='{TEX_ENCODING}']"
        )
        _replace_with_text(math, f" {(latex[0] if latex else math).text_content()} ")
    for element in root.iter("img"):
        element.text = f" {element.get('alt') or ''} "
    for element in root.iter(*_BLOCKS):
        element.tail = " " + (element.tail or "")
    return " ".join("".join(root.itertext()).split())


def _replace_with_text(element: etree._Element, text: str) -> None:
    parent = element.getparent()
    if parent is None:
        return
    previous = element.getprevious()
    joined = text + (element.tail or "")
    if previous is not None:
        previous.tail = (previous.tail or "") + joined
    else:
        parent.text = (parent.text or "") + joined
    parent.remove(element)
