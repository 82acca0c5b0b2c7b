"""LaTeX typed by a teacher, turned into MathML by latex2mathml, or refused in plain words.

The MathML keeps the LaTeX it came from in ``<annotation encoding="application/x-tex">`` (the
standard place for it), so a text equivalent, a search and an editor can show the teacher's own
words again.
"""

from __future__ import annotations

import html
import re
from xml.etree.ElementTree import Element, SubElement, tostring

from django.utils.translation import gettext
from latex2mathml import exceptions as latex_errors
from latex2mathml.converter import convert_to_element

from masterly.assessments.content.errors import ContentRejected

MAX_LATEX_CHARS = 2000
# latex2mathml recurses once per level of braces; far below Python's recursion limit, and far
# above any real formula.
MAX_BRACE_DEPTH = 50
TEX_ENCODING = "application/x-tex"

# latex2mathml writes characters as the literal text "&#x0002B;" and decodes them only when it
# serialises; we serialise ourselves, so they are decoded here.
_CHARACTER_REFERENCE = re.compile(r"&#x([0-9A-Fa-f]{1,6});")
# latex2mathml keeps a command it does not know as the identifier "\foo": a typo, not math.
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")
_MATH_TOKENS = {"mi", "mn", "mo"}
# Elements with a fixed number of parts: fewer means LaTeX that stopped short ("\\frac{a").
_ARITY = {"mfrac": 2, "mroot": 2, "msub": 2, "msup": 2, "munder": 2, "mover": 2,
          "msubsup": 3, "munderover": 3}  # fmt: skip


def _reason(error: BaseException) -> str:
    reasons: dict[type[BaseException], str] = {
        latex_errors.NoAvailableTokensError: gettext(
            "it ends too early (a {, \\left, \\begin or a command is missing what follows it)"
        ),
        latex_errors.MissingSuperScriptOrSubscriptError: gettext("a ^ or _ has nothing after it"),
        latex_errors.DoubleSubscriptsError: gettext("one thing has two subscripts (_)"),
        latex_errors.DoubleSuperscriptsError: gettext("one thing has two superscripts (^)"),
        latex_errors.ExtraLeftOrMissingRightError: gettext("a \\left has no \\right"),
        latex_errors.MissingEndError: gettext("a \\begin has no \\end"),
        latex_errors.NumeratorNotFoundError: gettext("a fraction has no numerator"),
        latex_errors.DenominatorNotFoundError: gettext("a fraction has no denominator"),
        latex_errors.LimitsMustFollowMathOperatorError: gettext(
            "\\limits must follow an operator such as \\sum"
        ),
        RecursionError: gettext("it is nested too deeply"),
    }
    return reasons.get(type(error), gettext("it is not LaTeX Masterly can read"))


def rejected(latex: str, reason: str) -> ContentRejected:
    shown = latex if len(latex) <= 80 else latex[:77] + "…"
    return ContentRejected(
        gettext("This math could not be read: “%(latex)s” — %(reason)s.")
        % {"latex": shown, "reason": reason}
    )


def _decoded(text: str | None) -> str | None:
    if text is None:
        return None
    return _CHARACTER_REFERENCE.sub(lambda match: chr(int(match.group(1), 16)), text)


def _brace_depth(latex: str) -> int:
    depth = deepest = 0
    for character in latex:
        depth += {"{": 1, "}": -1}.get(character, 0)
        deepest = max(deepest, depth)
    return deepest


def mathml_for(source: str, *, display: bool) -> str:
    """The MathML for one fragment of LaTeX as it stood in the teacher's HTML (entities and all).

    Raises ContentRejected naming the fragment when latex2mathml cannot read it.
    """
    latex = html.unescape(source).strip()
    if not latex:
        raise rejected(source, gettext("there is nothing between the math delimiters"))
    if len(latex) > MAX_LATEX_CHARS:
        raise rejected(
            latex, gettext("it is longer than %(limit)d characters") % {"limit": MAX_LATEX_CHARS}
        )
    if _brace_depth(latex) > MAX_BRACE_DEPTH:
        raise rejected(latex, gettext("it is nested too deeply"))
    try:
        converted = convert_to_element(latex, display="block" if display else "inline")
    except Exception as error:  # any failure of the converter is the input's fault
        raise rejected(latex, _reason(error)) from None
    for element in converted.iter():
        if len(element) < _ARITY.get(str(element.tag), 0):
            raise rejected(latex, gettext("a command such as \\frac is missing a part"))
        element.text = _decoded(element.text)
        element.tail = _decoded(element.tail)
        unknown = _UNKNOWN_COMMAND.search(element.text or "")
        if element.tag in _MATH_TOKENS and unknown:
            raise rejected(
                latex,
                gettext("%(command)s is not a command Masterly knows") % {"command": unknown[0]},
            )
    math = Element("math", display="block" if display else "inline")
    semantics = SubElement(math, "semantics")
    children = list(converted)
    if len(children) == 1:
        semantics.append(children[0])
    else:  # <semantics> shows its first child only
        SubElement(semantics, "mrow").extend(children)
    annotation = SubElement(semantics, "annotation", encoding=TEX_ENCODING)
    annotation.text = latex
    return tostring(math, encoding="unicode")
