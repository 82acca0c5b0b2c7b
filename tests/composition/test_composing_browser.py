"""In Chromium, as the teacher: build an assessment from the bank, read its blueprint, assign
it to a class, and open the printed test and key; axe on each new page."""

from __future__ import annotations

from typing import Any

import pytest

from masterly.assessments.items.models import Scope
from masterly.trackers.assignments import Assignment
from masterly.trackers.models import Tracker
from tests.browser import conftest as shared
from tests.browser.conftest import screenshot
from tests.composition.conftest import items_on
from tests.conftest import World
from tests.items.conftest import Tree
from tests.items.test_item_bank_browser import no_serious_violations, sign_in

pytestmark = pytest.mark.browser

_browser_test_setup = shared._browser_test_setup
browser = shared.browser
page = shared.page


def test_build_read_the_blueprint_assign_and_print(
    page: Any, world: World, tree: Tree, tracker: Tracker
) -> None:
    items_on(world.other_teacher, tree.rp_a_1, tree.rp_a_3, tree.rp_a_3, scope=Scope.SCHOOL)
    sign_in(page, "teacher")

    page.get_by_role("link", name="Assessments").click()
    assert page.get_by_text("No assessments yet").is_visible()
    no_serious_violations(page)
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Title").fill("Ratios unit test")
    page.get_by_label("Kind").select_option("common")
    page.get_by_label("Instructions (optional)").fill("Show your work.")
    screenshot(page, "assessment-new")
    no_serious_violations(page)
    page.get_by_role("button", name="Create").click()
    page.wait_for_load_state("networkidle")

    page.get_by_label("Standard, cluster or domain").fill("6.RP.A")
    page.get_by_role("button", name="Search the bank").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="3 items found").is_visible()
    for _ in range(3):
        page.locator(".bank-result").filter(
            has=page.get_by_role("button", name="Add")
        ).first.get_by_role("button", name="Add").click()
        page.wait_for_load_state("networkidle")
    assert page.locator(".composer-item").count() == 3
    page.get_by_label("New section's title").fill("Part B")
    page.get_by_role("button", name="Add a section").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Move to").first.select_option("2")
    page.get_by_role("button", name="Move item 1", exact=True).click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Section 2: Part B").is_visible()
    screenshot(page, "assessment-composer")
    no_serious_violations(page)

    page.get_by_role("link", name="Blueprint").click()
    assert page.get_by_text(
        "6.RP.A.1 has 1 item (1 point); at least 3 items are needed"
    ).is_visible()
    screenshot(page, "assessment-blueprint")
    no_serious_violations(page)

    page.go_back()
    page.get_by_role("link", name="Assign").click()
    page.get_by_label("Math 6 - Period 1").check()
    page.get_by_label("Opens").fill("2026-10-05T08:00")
    page.get_by_label("Closes").fill("2026-10-09T15:00")
    page.get_by_label("Attempts allowed").fill("2")
    screenshot(page, "assessment-assign")
    no_serious_violations(page)
    page.get_by_role("button", name="Assign").click()
    page.wait_for_load_state("networkidle")
    assignment = Assignment.objects.get()
    assert page.get_by_text(assignment.test_id).first.is_visible()
    screenshot(page, "assignment-page")
    no_serious_violations(page)
    page.get_by_role("link", name="Assignments").click()
    assert page.get_by_role("cell", name="0 / 1").is_visible()
    screenshot(page, "tracker-assignments")
    no_serious_violations(page)

    for name, url in [
        ("assessment-print-test", f"/assessments/{assignment.assessment_id}/print/"),
        ("assessment-print-key", f"/assessments/{assignment.assessment_id}/key/print/"),
    ]:
        page.goto(url)
        assert page.get_by_role("heading", level=1).is_visible()
        screenshot(page, name)
        no_serious_violations(page)
