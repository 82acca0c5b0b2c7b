"""The toolbar holds only the tools a student has: without an accommodation there is nothing
in the page to turn it on with. Reduced answer choices are removed on the server."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client

from masterly.assessments.models import Tool
from tests.taking_tools.conftest import TakePage

pytestmark = pytest.mark.django_db

# What each tool puts in the page, and nothing else does.
MARKUP = {
    Tool.TEXT_TO_SPEECH: "data-tts-play",
    Tool.MAGNIFIER: "data-zoom-in",
    Tool.LINE_READER: "data-line-reader",
    Tool.CALCULATOR: "data-calculator",
}


def test_no_tools_no_toolbar_and_no_script() -> None:
    html = render_to_string("portals/taking/_tools.html", {"tools": frozenset()})
    assert html.strip() == ""


@pytest.mark.parametrize("tool", list(MARKUP))
def test_each_tool_alone_puts_only_its_own_control_in_the_page(tool: Tool) -> None:
    html = render_to_string("portals/taking/_tools.html", {"tools": frozenset({tool.value})})
    assert MARKUP[tool] in html
    assert "taking/tools.js" in html
    for other, marker in MARKUP.items():
        if other != tool:
            assert marker not in html, f"{other} is in the page of a student without it"


def test_tools_without_a_control_add_no_toolbar() -> None:
    """Extended time and reduced answer choices work on the server: nothing to press."""
    tools = frozenset({Tool.EXTENDED_TIME.value, Tool.REDUCED_ANSWER_CHOICES.value})
    html = render_to_string("portals/taking/_tools.html", {"tools": tools})
    assert "data-test-tools" in html
    assert all(marker not in html for marker in MARKUP.values())


def test_reduced_answer_choices_leave_the_dropped_option_out_of_the_page(
    client: Client, take_page: TakePage
) -> None:
    client.force_login(take_page.world.student)
    url = take_page.attempt_url()
    full = client.get(url).content.decode()
    take_page.tools_set("reduced_answer_choices")
    reduced = client.get(url).content.decode()
    assert full.count('data-tts-part="option"') == 3
    assert reduced.count('data-tts-part="option"') == 2
    assert '<span class="option__text">12</span>' in full.replace("<p>", "").replace("</p>", "")
    assert ">12<" not in reduced.replace("<p>", "").replace("</p>", "")
