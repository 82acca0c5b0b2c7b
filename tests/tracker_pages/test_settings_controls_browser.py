"""In Chromium at 1280 px: a select whose choices are phrases shows its longest choice whole
(the tracker's Levels, what families may see of an assigned assessment); a student's extended
time factor sits beside its checkbox."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from masterly.assessments.composition import services as composition
from masterly.assessments.models import Assessment
from tests.browser.conftest import _browser_test_setup  # noqa: F401 - the browser tests' autouse fixture
from tests.tracker_pages.conftest import DAY, Pages
from tests.tracker_pages.test_tracker_pages_browser import sign_in

pytestmark = pytest.mark.browser

# The select's width beside the width it takes when free to fit its longest choice (a copy
# beside it, sized by the CSSOM, which the page's policy allows).
_SHOWN_AND_NEEDED = """(select) => {
    const free = select.cloneNode(true);
    free.style.width = "auto";
    free.style.maxWidth = "none";
    select.after(free);
    const needed = free.getBoundingClientRect().width;
    free.remove();
    return [select.getBoundingClientRect().width, needed];
}"""


def assert_whole(select: Any) -> None:
    shown, needed = select.evaluate(_SHOWN_AND_NEEDED)
    assert shown >= needed - 0.5, f"{select}: {shown:.0f} px shown, {needed:.0f} px needed"


def test_the_levels_select_shows_its_longest_choice(page: Any, pages: Pages) -> None:
    sign_in(page, "teacher")
    page.goto(reverse("tracker_settings", args=[pages.tracker.pk]))
    assert_whole(page.get_by_label("Levels", exact=True))


def test_what_families_may_see_shows_each_choice_whole(page: Any, pages: Pages) -> None:
    assessment = composition.assessment_create(
        actor=pages.world.teacher, title="Ratios", kind=Assessment.Kind.QUICK_CHECK, assessed_on=DAY
    )
    sign_in(page, "teacher")
    page.goto(reverse("assessment_assign", args=[assessment.pk]))
    for label in (
        "Students and parents see the assessment",
        "… the answer key",
        "… the item analysis",
    ):
        assert_whole(page.get_by_label(label))


def test_the_extended_time_factor_sits_beside_its_checkbox(page: Any, pages: Pages) -> None:
    sign_in(page, "teacher")
    page.goto(reverse("tracker_tools", args=[pages.tracker.pk]))
    name = pages.world.student.display_name
    box = page.get_by_label(f"Extended time: {name}").bounding_box()
    factor = page.get_by_label(f"Extended time factor: {name}").bounding_box()
    assert factor["x"] >= box["x"] + box["width"], (box, factor)
    assert factor["y"] < box["y"] + box["height"] and box["y"] < factor["y"] + factor["height"]
