"""In Debian's Chromium: a teacher renames and recolours their tracker's Mastery level on its
Settings page and the grid's legend and cells use it at once. axe finds nothing serious."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from masterly.trackers.models import RecomputeRun
from tests.browser.conftest import (  # noqa: F401 - the autouse fixture of browser tests
    _browser_test_setup,
    screenshot,
)
from tests.tracker_pages.conftest import Pages
from tests.tracker_pages.test_tracker_pages_browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_teacher_renames_the_mastery_level_and_the_grid_uses_it(page: Any, pages: Pages) -> None:
    pages.record(pages.world.student, pages.ratio_1, 4)  # 100 %: Mastery
    runs = RecomputeRun.objects.count()
    sign_in(page, "teacher")
    page.goto(reverse("tracker_settings", args=[pages.tracker.pk]))
    page.get_by_role("heading", level=1, name="Settings").wait_for()
    expect(page.get_by_text("In force: the built-in default.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Mastery level name").fill("Proficient")
    page.get_by_label("Mastery level colour (traffic light)").fill("#1B5E20")
    screenshot(page, "tracker-settings-level-names")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Settings saved.")).to_be_visible()
    legend = page.locator(".level-chip.lc-1b5e20").first
    expect(legend).to_have_text("M")
    expect(page.get_by_text("Proficient").first).to_be_visible()
    cell = page.locator(".grid-student").first.locator("xpath=..").locator("a.cell").first
    expect(cell).to_have_css("background-color", "rgb(27, 94, 32)")
    expect(cell).to_have_css("color", "rgb(255, 255, 255)")  # readable on the dark green
    assert RecomputeRun.objects.count() == runs  # a rename recalculates nothing
    screenshot(page, "tracker-grid-renamed-level")
    assert_accessible(page)

    page.goto(reverse("tracker_settings", args=[pages.tracker.pk]))
    expect(page.get_by_text("In force: this tracker's own setting.").first).to_be_visible()
    expect(page.get_by_label("Mastery level name")).to_have_value("Proficient")
