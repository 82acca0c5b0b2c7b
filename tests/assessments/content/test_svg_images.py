"""checked_image on SVG: rebuilt from an allow-list, or refused when it cannot be made safe."""

from __future__ import annotations

import pytest
from lxml import etree

from masterly.assessments.content import ContentRejected, checked_image

SVG = 'xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'


def checked(body: str, attributes: str = 'width="120" height="80"') -> str:
    image = checked_image(f"<svg {SVG} {attributes}>{body}</svg>".encode(), filename="d.svg")
    assert (image.content_type, image.extension) == ("image/svg+xml", "svg")
    return image.data.decode()


def test_a_drawing_is_kept_with_its_size() -> None:
    image = checked_image(
        f'<?xml version="1.0"?><svg {SVG} width="120px" height="80"><title>Axes</title>'
        '<path d="M0 0L10 10" stroke="black"/><circle cx="5" cy="5" r="2" fill="url(#g)"/>'
        '<defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient>'
        "</defs></svg>".encode(),
        filename="axes.svg",
    )

    assert (image.width, image.height) == (120, 80)
    root = etree.fromstring(image.data)
    names = [etree.QName(element).localname for element in root.iter()]
    assert names == ["svg", "title", "path", "circle", "defs", "linearGradient", "stop"]
    assert root.find("{http://www.w3.org/2000/svg}circle").get("fill") == "url(#g)"


def test_the_size_falls_back_to_the_view_box() -> None:
    image = checked_image(
        f'<svg {SVG} viewBox="0 0 300 150" width="100%"><rect width="1"/></svg>'.encode(),
        filename="box.svg",
    )

    assert (image.width, image.height) == (300, 150)


@pytest.mark.parametrize(
    "body",
    [
        "<script>alert(1)</script>",
        '<rect width="1" height="1" onclick="alert(1)" onload="alert(1)"/>',
        '<foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script>'
        "</body></foreignObject>",
        '<image href="https://evil.example/track.png" width="1" height="1"/>',
        '<image xlink:href="data:image/svg+xml,&lt;svg onload=alert(1)&gt;"/>',
        '<use href="https://evil.example/sprite.svg#a"/>',
        '<use xlink:href="javascript:alert(1)"/>',
        '<a href="javascript:alert(1)"><text>x</text></a>',
        '<set attributeName="href" to="javascript:alert(1)"/>',
        '<animate attributeName="href" values="javascript:alert(1)"/>',
        '<rect width="1" height="1" style="fill:url(https://evil.example/a)"/>',
        "<style>@import url(https://evil.example/a.css);</style>",
        "<style>rect { fill: url(https://evil.example/a) }</style>",
        '<rect width="1" height="1" fill="url(https://evil.example/a#b)"/>',
        '<iframe xmlns="http://www.w3.org/1999/xhtml" src="https://evil.example/"/>',
        "<?xml-stylesheet href='https://evil.example/a.css'?><!-- evil.example -->",
        '<metadata><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">alert'
        "</rdf:RDF></metadata>",
    ],
)
def test_anything_that_runs_or_fetches_is_removed(body: str) -> None:
    svg = checked(f'<rect width="5" height="5" fill="green"/>{body}')

    assert '<rect width="5" height="5" fill="green"/>' in svg
    assert "alert" not in svg and "evil.example" not in svg
    assert "script" not in svg and "foreignObject" not in svg


def test_the_xlink_namespace_survives_only_as_fragment_references() -> None:
    svg = checked('<defs><path id="p" d="M0 0"/></defs><use xlink:href="#p"/><use href="#p"/>')

    assert 'xlink:href="#p"' in svg and 'href="#p"' in svg


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&c;</text></svg>',
            "it declares a DOCTYPE or entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>',
            "it declares a DOCTYPE or entities",
        ),
        (
            b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">'
            b'<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>',
            "it declares a DOCTYPE or entities",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="1">\n  <rect width="1">\n</svg>',
            "it is not well-formed XML (line 3, column",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>&nbsp;</text></svg>',
            "it is not well-formed XML (line 1, column",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<g>" * 5000 + b"</g>" * 5000,
            "it is not well-formed XML (line 1, column",
        ),
        (b"<svg><rect/></svg>", "its outermost element is not <svg>"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>',
            "it has no width and height or viewBox",
        ),
    ],
)
def test_an_svg_that_cannot_be_made_safe_is_refused_saying_why(data: bytes, reason: str) -> None:
    with pytest.raises(ContentRejected) as refused:
        checked_image(data, filename="bad.svg")

    assert refused.value.message.startswith(
        f"bad.svg is an SVG image Masterly cannot accept: {reason}"
    )
