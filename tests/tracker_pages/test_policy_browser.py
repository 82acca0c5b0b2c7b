"""In Debian's Chromium: the district admin lowers the district's Mastery cut score and
watches the trackers that follow it recompute (progress, then the grid's colours change);
the school leader opens a teacher's tracker read-only. axe finds nothing serious."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from masterly.trackers.models import PolicyRun
from tests.browser.conftest import (  # noqa: F401 - the autouse fixture of browser tests
    _browser_test_setup,
    screenshot,
)
from tests.queued_tasks import run_queued_tasks
from tests.tracker_pages.conftest import Pages
from tests.tracker_pages.test_tracker_pages_browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_admin_lowers_the_district_cut_score_and_the_grid_follows(page: Any, pages: Pages) -> None:
    pages.record(pages.world.student, pages.ratio_1, 2.8)  # 70 %: Near Mastery at 80
    sign_in(page, "admin")
    page.goto(reverse("tracker_grid", args=[pages.tracker.pk]))
    cell = page.locator(".grid-student").first.locator("xpath=..").locator("a.cell").first
    assert cell.inner_text().startswith("NM")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Policy").click()
    page.get_by_role("link", name="Demo District (district policy)").click()
    page.get_by_role("heading", level=1, name="District policy of Demo District").wait_for()
    assert_accessible(page)
    page.get_by_label("Set the mastery scale here").check()
    page.get_by_label("Level 1 from (%)").fill("65")
    page.get_by_role("button", name="Save the policy").click()
    page.get_by_text("Policy saved.").wait_for()
    page.get_by_text("Waiting to start — 0 of 0 trackers (0 %)").wait_for()
    screenshot(page, "policy-district-queued")
    assert_accessible(page)

    run_queued_tasks()  # the worker applies the policy, recomputing the tracker
    assert PolicyRun.objects.get().status == PolicyRun.Status.DONE
    page.wait_for_load_state("load")
    page.reload()
    page.get_by_text("1 of 1 tracker (100 %)").wait_for()
    screenshot(page, "policy-district-done")

    page.goto(reverse("tracker_grid", args=[pages.tracker.pk]))
    cell = page.locator(".grid-student").first.locator("xpath=..").locator("a.cell").first
    assert cell.inner_text().startswith("M")
    assert "level-m" in (cell.get_attribute("class") or "")
    screenshot(page, "policy-grid-after")


def test_leader_opens_a_teachers_tracker_read_only(page: Any, pages: Pages) -> None:
    pages.record(pages.world.student, pages.ratio_1, 3)
    sign_in(page, "leader")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Trackers").click()
    page.get_by_role("heading", level=1, name="Your schools' mastery trackers").wait_for()
    screenshot(page, "leader-tracker-list")
    assert_accessible(page)
    page.get_by_role("link", name="Period 1 math").click()
    page.get_by_role("heading", level=1, name="Period 1 math").wait_for()
    assert page.get_by_role("link", name="Quick check", exact=True).count() == 0
    assert page.get_by_role("link", name="Settings", exact=True).count() == 0
    screenshot(page, "leader-tracker-grid")
    assert_accessible(page)
    page.goto(reverse("tracker_settings", args=[pages.tracker.pk]))
    page.get_by_text("Only the tracker's owner changes its settings").wait_for()
    assert page.get_by_role("button", name="Save").count() == 0
    screenshot(page, "leader-tracker-settings")
    assert_accessible(page)
    page.goto(reverse("policy_page", args=[pages.world.school.pk]))
    page.get_by_role("heading", level=1, name="School policy of Adams Middle").wait_for()
    screenshot(page, "policy-school")
    assert_accessible(page)
