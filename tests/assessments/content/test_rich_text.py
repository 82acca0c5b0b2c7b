"""rich_text: teacher HTML and LaTeX in, sanitised HTML with MathML out; hostile input made safe."""

from __future__ import annotations

import lxml.html
import pytest

from masterly.assessments.content import ContentRejected, editable_source, plain_text, rich_text
from tests.assessments.content.safety import assert_safe

HOSTILE = [
    "<script>alert(1)</script><p>kept</p>",
    "<p>kept<img src=x onerror=alert(1)></p>",
    '<p>kept<a href="javascript:alert(1)">x</a></p>',
    '<p>kept<a href="JaVaScRiPt&#58;alert(1)">x</a></p>',
    '<p>kept<a href="&#106;avascript:alert(1)">x</a></p>',
    '<p>kept<a href="java&#x09;script:alert(1)">x</a></p>',
    '<p>kept<a href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">x</a></p>',
    "<p>kept</p><svg onload=alert(1)><script>alert(1)</script></svg>",
    '<p>kept</p><svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<p>kept<math><maction actiontype="statusline"><mi>x</mi><mtext>y</mtext></maction></math></p>',
    '<p>kept<math href="javascript:alert(1)"><mi xlink:href="javascript:alert(1)">x</mi>'
    "</math></p>",
    '<p>kept<math><annotation-xml encoding="text/html"><img src=x onerror=alert(1)>'
    "</annotation-xml></math></p>",
    "<p>kept<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
    "</table></mtext></math></p>",
    '<p style="background:url(https://evil.example/)" class="x" id="y" onclick="alert(1)">kept</p>',
    '<p>kept</p><iframe src="https://evil.example/"></iframe><object data="x"></object>',
    '<p>kept</p><form action="https://evil.example/"><input name="q"></form>',
    "<p>kept</p><!-- <script>alert(1)</script> -->",
    "<p>kept</p><style>p { background: url(https://evil.example/) }</style>",
    '<p>kept<img src="https://evil.example/a.png"><img src="//evil.example/assessments/images/1/">'
    '<img src="/assessments/images/1/../../admin/"><img src="data:image/png;base64,AAAA"></p>',
    r"<p>kept \(\href{javascript:alert(1)}{x}\)</p>",
    r"<p>kept \(\color{red;background:url(https://evil.example/)}{x}\)</p>",
    r"<p>kept \(\text{<img src=x onerror=alert(1)>}\)</p>",
    "<p>kept<math><mi>x</mi></math><mi>stray</mi></p>",
]


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_html_comes_out_safe_with_the_harmless_part_kept(source: str) -> None:
    html = rich_text(source)

    assert_safe(html)
    assert "kept" in html
    # What was hostile may stay as inert text (a teacher's LaTeX, say), never in markup.
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    markup = " ".join(" ".join([element.tag, *element.attrib.values()]) for element in root.iter())
    assert "alert" not in markup and "evil.example" not in markup
    assert rich_text(html) == html


def test_ordinary_rich_text_is_kept_as_written() -> None:
    source = (
        "<p>Read <strong>both</strong> <em>passages</em>: H<sub>2</sub>O, x<sup>2</sup>.</p>"
        "<ol><li>one</li><li>two</li></ol>"
        '<table><caption>Data</caption><tr><th scope="col">a</th></tr><tr><td colspan="2">1'
        "</td></tr></table>"
        '<p><img src="/assessments/images/42/" alt="A number line" width="300" height="40"></p>'
    )

    html = rich_text(source)

    assert "<strong>both</strong>" in html and "<sub>2</sub>" in html and "<li>two</li>" in html
    assert '<th scope="col">a</th>' in html and '<td colspan="2">1</td>' in html
    assert '<img src="/assessments/images/42/" alt="A number line" width="300" height="40">' in html


def test_a_web_link_is_kept_and_cannot_reach_back_to_its_opener() -> None:
    html = rich_text('<p><a href="https://example.org/data">the data</a></p>')

    link = lxml.html.fragment_fromstring(html).find("a")
    assert link.get("href") == "https://example.org/data"
    assert link.get("rel") == "noopener noreferrer"


def test_a_relative_or_mail_link_loses_its_target() -> None:
    html = rich_text('<p><a href="/admin/">x</a><a href="mailto:a@b.c">y</a></p>')

    assert "href" not in html


def test_attribute_values_out_of_range_are_dropped() -> None:
    html = rich_text(
        '<table><tr><th scope="evil">a</th><td rowspan="9999999">b</td></tr></table>'
        '<img src="/assessments/images/7/" width="100%" alt="x">'
    )

    assert "scope" not in html and "rowspan" not in html and "width" not in html


def test_latex_becomes_mathml_that_keeps_its_source() -> None:
    html = rich_text(r"<p>Simplify \( \frac{a}{b} < x^2 \) and \[ \sqrt{2} \]</p>")

    root = lxml.html.fragment_fromstring(html)
    inline, block = root.findall(".//math")
    assert inline.get("display") == "inline" and block.get("display") == "block"
    assert inline.find(".//mfrac") is not None and block.find(".//msqrt") is not None
    assert inline.find(".//annotation").text == r"\frac{a}{b} < x^2"
    assert "\\(" not in html and "\\[" not in html


def test_latex_written_with_entities_reads_the_same_as_typed() -> None:
    assert rich_text(r"\( a &lt; b \)") == rich_text(r"\( a < b \)")


def test_delimiters_inside_a_tag_are_left_alone() -> None:
    html = rich_text(r'<img src="/assessments/images/1/" alt="\(x\)">')

    assert 'alt="\\(x\\)"' in html and "<math" not in html


def test_an_opener_never_closed_stays_text() -> None:
    assert rich_text(r"<p>costs \( 5</p>") == r"<p>costs \( 5</p>"


@pytest.mark.parametrize(
    ("source", "named", "reason"),
    [
        (r"<p>\( \frac{a \)</p>", r"\frac{a", "missing a part"),
        (r"<p>\( \fracc{a}{b} \)</p>", r"\fracc{a}{b}", r"\fracc is not a command"),
        (r"<p>\( x^ \)</p>", "x^", "^ or _ has nothing after it"),
        (r"<p>\( x_1_2 \)</p>", "x_1_2", "two subscripts"),
        (r"<p>\( \left( x \)</p>", r"\left( x", r"\left has no \right"),
        (r"<p>\( \sqrt \)</p>", r"\sqrt", "ends too early"),
        (r"<p>\(  \)</p>", "", "nothing between the math delimiters"),
        ("<p>\\(" + "{" * 3000 + "x" + "}" * 3000 + "\\)</p>", "{{{{", "longer than 2000"),
        ("<p>\\(" + "{" * 51 + "x" + "}" * 51 + "\\)</p>", "{{{{", "nested too deeply"),
    ],
)
def test_latex_that_cannot_be_read_is_refused_naming_the_fragment(
    source: str, named: str, reason: str
) -> None:
    with pytest.raises(ContentRejected) as refused:
        rich_text(source)

    assert f"“{named}" in refused.value.message
    assert reason in refused.value.message


def test_text_with_too_many_formulas_is_refused() -> None:
    assert rich_text(r"\(x\)" * 500).count("<math") == 500

    with pytest.raises(ContentRejected, match="more than 500 formulas"):
        rich_text(r"\(x\)" * 501)


def test_text_longer_than_the_limit_is_refused() -> None:
    with pytest.raises(ContentRejected, match="longer than 200000 characters"):
        rich_text("<p>" + "x" * 200_001 + "</p>")


def test_plain_text_reads_math_as_its_latex_and_images_as_their_alternative_text() -> None:
    html = rich_text(
        r"<p>Solve \( x^2 = 4 \).</p><ul><li>one</li><li>two</li></ul>"
        '<img src="/assessments/images/3/" alt="A right triangle"><p>a &amp; b</p>'
    )

    assert plain_text(html) == "Solve x^2 = 4 . one two A right triangle a & b"


def test_plain_text_of_nothing_is_nothing() -> None:
    assert plain_text("") == "" and plain_text("  ") == ""


def test_a_teacher_edits_math_as_the_latex_they_typed() -> None:
    html = rich_text(r"<p>If \( a < b \& c \), then \[ \frac{1}{2} \]</p>")

    source = editable_source(html)

    assert source == r"<p>If \(a < b \& c\), then \[\frac{1}{2}\]</p>"
    assert rich_text(source) == html


def test_mathml_without_its_latex_stays_mathml_for_editing() -> None:
    html = rich_text("<p><math><mi>x</mi></math></p>")

    assert editable_source(html) == html == "<p><math><mi>x</mi></math></p>"
