"""print_html: each formula becomes an SVG drawing (paths) that WeasyPrint can print."""

from __future__ import annotations

import logging

import lxml.html
import pytest

from masterly.assessments.content import print_html, rich_text

SVG = "{http://www.w3.org/2000/svg}"


def test_each_formula_becomes_an_svg_in_its_place() -> None:
    html = rich_text(r"<p>Solve \( \frac{3}{4} + x^2 = 7 \) for x, then \[ \sqrt{x} \] done.</p>")

    printed = print_html(html)

    assert "<math" not in printed
    paragraph = lxml.html.fragment_fromstring(printed)
    inline, block = paragraph.findall("svg")
    assert paragraph.text == "Solve " and inline.tail == " for x, then " and block.tail == " done."
    assert inline.find("title").text == r"\frac{3}{4} + x^2 = 7"
    assert inline.get("role") == "img" and inline.get("aria-label") == r"\frac{3}{4} + x^2 = 7"
    assert len(inline.findall("path")) >= 6  # glyphs are drawn as paths, not text
    assert inline.get("width").endswith("em") and inline.get("height").endswith("em")
    assert inline.get("style").startswith("vertical-align:-")  # sits on the baseline
    assert block.get("style") == "display:block;margin:0.5em auto"


def test_text_without_math_is_returned_as_it_is() -> None:
    html = rich_text("<p>No math <b>here</b>.</p>")

    assert print_html(html) == html


def test_html_inside_mtext_is_drawn_as_its_text() -> None:
    printed = print_html(rich_text("<p><math><mtext>a <b>bold</b> word</mtext></math></p>"))

    assert "<svg" in printed and "<b>" not in printed


def test_math_ziamath_cannot_typeset_prints_as_its_latex(caplog: pytest.LogCaptureFixture) -> None:
    broken = (
        '<p><math display="inline"><semantics><mroot><mi>x</mi></mroot>'
        '<annotation encoding="application/x-tex">\\sqrt[]{x}</annotation></semantics></math></p>'
    )

    with caplog.at_level(logging.WARNING, logger="masterly.assessments.content.printing"):
        printed = print_html(broken)

    assert printed == "<p><code>\\sqrt[]{x}</code></p>"
    assert "ziamath could not typeset" in caplog.text
