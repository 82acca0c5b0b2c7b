"""In Debian's Chromium: the teacher opens the tracker list, a tracker, switches the colour
mode, opens a cell and reads its explanation; axe finds nothing serious on the pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.browser.conftest import (  # noqa: F401 - the autouse fixture of browser tests
    PHONE,
    _browser_test_setup,
    screenshot,
    serious_violations,
)
from tests.factories import PASSWORD
from tests.tracker_pages.conftest import AssessmentFactory, Pages

pytestmark = pytest.mark.browser


def sign_in(page: Any, login: str) -> None:
    page.goto(reverse("account_login"))
    page.get_by_label("Username or email address").fill(login)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def assert_accessible(page: Any) -> None:
    found = serious_violations(page)
    assert not found, "axe found serious or critical problems:\n" + "\n".join(found)


def a_class(pages: Pages) -> None:
    quiz = AssessmentFactory(title="Ratios quick check")
    students = [pages.world.student, *pages.add_students(8)]
    for number, student in enumerate(students):
        pages.record(student, pages.ratio_1, number % 5, assessment=quiz)
        if number % 3:
            pages.record(student, pages.ratio_2, (number * 3) % 5)
    pages.record(pages.world.student, pages.ratio_1, 3)


def test_teacher_reads_the_grid_and_a_cell(page: Any, pages: Pages) -> None:
    a_class(pages)
    sign_in(page, "teacher")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trackers").click()
    page.get_by_role("heading", level=1, name="Mastery trackers").wait_for()
    screenshot(page, "tracker-list")
    assert_accessible(page)

    page.get_by_role("link", name="Create a tracker").click()
    page.get_by_role("button", name="Create tracker").click()
    page.get_by_text("The tracker was not created").wait_for()
    screenshot(page, "tracker-create-errors")
    assert_accessible(page)
    page.get_by_role("link", name="Trackers", exact=True).first.click()

    page.get_by_role("link", name="Period 1 math").click()
    page.get_by_role("heading", level=1, name="Period 1 math").wait_for()
    assert page.locator(".grid-student").count() == 9
    screenshot(page, "tracker-grid-traffic-light")
    assert_accessible(page)

    page.get_by_role("link", name="Skittles").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("link", name="Skittles").get_attribute("aria-current") == "true"
    screenshot(page, "tracker-grid-skittles")
    assert_accessible(page)
    page.goto(reverse("tracker_grid", args=[pages.tracker.pk]))  # remembered
    assert page.get_by_role("link", name="Skittles").get_attribute("aria-current") == "true"

    page.emulate_media(media="print")
    screenshot(page, "tracker-grid-print")
    page.emulate_media(media="screen")
    page.set_viewport_size(PHONE)
    screenshot(page, "tracker-grid-phone")
    page.set_viewport_size({"width": 1280, "height": 800})

    student = pages.world.student
    page.locator(f'a[href$="/cells/{student.pk}/{pages.ratio_1.pk}/"]').click()
    page.get_by_role("heading", name="How the level was calculated").wait_for()
    assert "s2 = 0.35" in page.locator(".calc-steps").inner_text()
    page.get_by_text("The whole explanation").click()
    assert "Method: Decaying average" in page.locator("pre.explain").inner_text()
    screenshot(page, "tracker-cell")
    assert_accessible(page)

    page.get_by_role("combobox", name="Level").select_option("M")
    page.get_by_role("textbox", name="Reason").fill("Explained ratios at the board")
    page.get_by_role("button", name="Override the level").click()
    page.get_by_text("Overridden by the teacher").wait_for()
    screenshot(page, "tracker-cell-overridden")

    page.goto(reverse("tracker_reteach_groups", args=[pages.tracker.pk, pages.ratio_1.pk]))
    page.get_by_role("heading", level=1).wait_for()
    screenshot(page, "tracker-reteach-groups")
    assert_accessible(page)
