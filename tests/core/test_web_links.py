"""Only plain http(s) addresses become links; every trick browsers forgive is shown as text."""

from __future__ import annotations

import pytest
from django.template import Context, Template

from masterly.core.web_links import web_url

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "&#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "/relative/path",
    "relative",
    "ftp://files.example.org/x",
    "file:///etc/passwd",
    "http://",
    "https:///no-host",
    "https:\\\\evil.example",
    "http:/evil.example",
    " https://leading-space.example",
    "https://tab\tinside.example",
    "https://nbsp\u00a0inside.example",
    "https://example.org/\\@evil.example",
    "https://[::1",
    "",
]


@pytest.mark.parametrize("address", HOSTILE)
def test_anything_but_a_plain_web_address_is_not_a_link(address: str) -> None:
    assert web_url(address) is None


@pytest.mark.parametrize(
    "address",
    [
        "https://case.example.org/uri/d0c0",
        "HTTP://CASE.EXAMPLE.ORG/X",
        "http://127.0.0.1:8000/a?b=c&d=e#f",
        "https://例え.jp/標準",
    ],
)
def test_a_web_address_is_a_link(address: str) -> None:
    assert web_url(address) == address


def render(address: object, label: object = None) -> str:
    template = Template("{% load web_links %}{{ address|web_link:label }}")
    return template.render(Context({"address": address, "label": label}))


def test_the_filter_links_a_web_address_with_its_label_escaped() -> None:
    assert render("https://example.org/?a=1&b=2", "<b>Source</b>") == (
        '<a href="https://example.org/?a=1&amp;b=2" rel="noopener noreferrer">'
        "&lt;b&gt;Source&lt;/b&gt;</a>"
    )
    assert render("https://example.org/") == (
        '<a href="https://example.org/" rel="noopener noreferrer">https://example.org/</a>'
    )


def test_the_filter_shows_anything_else_as_escaped_text() -> None:
    assert render('javascript:alert("x")') == "javascript:alert(&quot;x&quot;)"
    assert render("javascript:alert(1)", "Elsewhere") == "Elsewhere"
    assert render("", "Elsewhere") == "Elsewhere"
    assert render(None) == ""
