"""In Debian's Chromium, the demo teacher's day with a tracker: narrow the grid to three
students, enter a quick check for the class by keyboard and see the levels recolour, refuse
a bad score on its cell, change the method and watch the recompute finish; axe finds nothing
serious on the settings, entry and progress pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from masterly.assessments.models import Evidence
from masterly.trackers.models import Tracker
from tests.browser.conftest import (  # noqa: F401 - the autouse fixture of browser tests
    _browser_test_setup,
    screenshot,
)
from tests.queued_tasks import run_queued_tasks
from tests.tracker_pages.conftest import Pages
from tests.tracker_pages.test_tracker_pages_browser import a_class, assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_teacher_narrows_scores_by_keyboard_and_changes_the_method(page: Any, pages: Pages) -> None:
    a_class(pages)  # nine students, scores on 6.RP.A.1 and 6.RP.A.2
    run_queued_tasks()  # the tracker's first recompute
    sign_in(page, "teacher")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trackers").click()
    page.get_by_role("link", name="Period 1 math").click()
    page.get_by_role("heading", level=1, name="Period 1 math").wait_for()
    assert page.locator(".grid-student").count() == 9
    page.get_by_role("link", name="Colour-blind safe").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="Colour-blind safe").get_attribute("aria-current")

    # Students: show only three of them, pin one.
    page.get_by_role("navigation", name="Tracker settings").get_by_role(
        "link", name="Students"
    ).click()
    page.get_by_role("heading", level=1, name="Students").wait_for()
    assert_accessible(page)
    for name in ("Pupil000", "Pupil001", "Pupil002"):
        page.locator("tbody tr", has_text=name).get_by_role("checkbox").first.check()
    page.locator("tbody tr", has_text="Pupil002").get_by_role("checkbox").last.check()
    screenshot(page, "tracker-settings-students")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Showing the 3 students chosen under Students.").wait_for()
    assert page.locator(".grid-student").count() == 3
    assert "Pupil002" in page.locator(".grid-student").first.inner_text()  # pinned first
    screenshot(page, "tracker-grid-three-students")

    # A cell's explanation.
    page.locator(".grid-cell a").first.click()
    page.get_by_role("heading", name="How the level was calculated").wait_for()
    page.go_back()

    # A quick check for the class, typed down the column with the keyboard.
    page.get_by_role("link", name="Quick check", exact=True).click()
    page.get_by_role("textbox", name="Title").fill("Unit rate exit ticket")
    page.get_by_role("checkbox", name="6.RP.A.2", exact=False).check()
    page.get_by_role("button", name="Create and enter scores").click()
    page.get_by_role("heading", level=1, name="Unit rate exit ticket").wait_for()
    inputs = page.locator("input.score-input")
    assert inputs.count() == 9  # entry is for the whole class, whatever the grid shows
    inputs.first.click()
    for points in ("4", "3", "1", "2", "4", "0", "3", "4", "2"):
        page.keyboard.type(points)
        page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # leaves the last cell: it saves too
    page.wait_for_function(
        "() => document.querySelectorAll('.score-cell.is-saving').length === 0"
        " && document.querySelector('#entry-status').textContent.startsWith('Saved')"
    )
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-level]')].every(c => c.textContent !== 'NS')"
    )
    assert Evidence.objects.filter(assessment__title="Unit rate exit ticket").count() == 9
    chips = page.locator("[data-level]").all_inner_texts()
    assert "M" in chips and "R" in chips
    # Recoloured by class, each chip drawn in the colour its class names (no style attribute,
    # ADR 19), so the levels differ in colour.
    drawn = page.eval_on_selector_all(
        "[data-level]",
        "chips => chips.map(c => [c.textContent, [...c.classList].find(n => n.startsWith('lc-')),"
        " getComputedStyle(c).backgroundColor])",
    )
    for _, colour_class, background in drawn:
        red, green, blue = (int(colour_class[i : i + 2], 16) for i in (3, 5, 7))
        assert background == f"rgb({red}, {green}, {blue})"
    assert len({background for _, _, background in drawn}) == len({level for level, *_ in drawn})
    screenshot(page, "quick-check-entry")
    assert_accessible(page)

    # A bad score: refused on its cell, nothing saved for it.
    inputs.nth(1).fill("7")
    inputs.nth(1).press("Enter")
    page.locator(
        ".cell-error", has_text="Points earned (7.00) cannot be more than points possible (4.00)."
    ).wait_for()
    assert inputs.nth(1).get_attribute("aria-invalid") == "true"
    screenshot(page, "quick-check-bad-score")
    inputs.nth(1).focus()
    inputs.nth(1).press("Escape")
    saved = Evidence.objects.filter(assessment__title="Unit rate exit ticket")
    assert sorted(str(e.points_earned) for e in saved) == sorted(
        ["4.00", "3.00", "1.00", "2.00", "4.00", "0.00", "3.00", "4.00", "2.00"]
    )

    # Back on the grid, the cells show the new levels.
    page.get_by_role("link", name="Back to the tracker").click()
    page.get_by_role("heading", level=1, name="Period 1 math").wait_for()
    assert "NS" not in page.locator(f'a[href$="/{pages.ratio_2.pk}/"]').all_inner_texts()

    # Settings: from the decaying average to the highest score, recomputed on the queue.
    page.get_by_role("navigation", name="Tracker settings").get_by_role(
        "link", name="Settings"
    ).click()
    page.get_by_role("heading", level=1, name="Settings").wait_for()
    assert_accessible(page)
    screenshot(page, "tracker-settings")
    page.get_by_role("combobox", name="Calculation method").select_option("highest")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Recomputing mastery in Period 1 math").wait_for()
    screenshot(page, "recompute-waiting")
    run_queued_tasks()
    page.get_by_text("Done", exact=True).wait_for(timeout=20_000)  # the page refreshes itself
    screenshot(page, "recompute-done")
    assert_accessible(page)
    assert Tracker.objects.get(pk=pages.tracker.pk).method == "highest"

    for name in ("Mastery Tracker", "Tools & Accommodations", "More"):
        page.goto(reverse("tracker_grid", args=[pages.tracker.pk]))
        page.get_by_role("navigation", name="Tracker settings").get_by_role(
            "link", name=name
        ).click()
        page.wait_for_load_state("networkidle")
        screenshot(page, f"tracker-settings-{name}")
        assert_accessible(page)
