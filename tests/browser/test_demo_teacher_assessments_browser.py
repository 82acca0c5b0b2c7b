"""In Chromium, as the demo teacher in the demo district (``masterly demo``, as a new user
sees it): find items by standard, write a multiple-choice item with math and an image, build
an assessment from the district bank, read its blueprint, assign it to a class, print it and
its key, and open the item analysis of the common assessment the classes took; axe on each
page, and a screenshot of each under /tmp/masterly-shots/."""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from masterly.assessments.items.models import Item, ItemVersion
from masterly.assessments.models import Assessment
from masterly.demo.rosters import PASSWORD
from masterly.trackers.assignments import Assignment
from masterly.trackers.models import Tracker, TrackerSection
from tests.browser import conftest as shared
from tests.browser.conftest import screenshot, serious_violations
from tests.items.test_item_bank_browser import sign_in

pytestmark = pytest.mark.browser

_browser_test_setup = shared._browser_test_setup
browser = shared.browser
page = shared.page


def looked_at(page: Any, name: str) -> None:
    """A screenshot to look at, and axe: nothing serious or critical."""
    screenshot(page, f"demo-teacher-{name}")
    found = serious_violations(page)
    assert not found, f"axe on {name}:\n" + "\n".join(found)


def png() -> bytes:
    from PIL import Image, ImageDraw

    out = io.BytesIO()
    image = Image.new("RGB", (160, 80), "white")
    ImageDraw.Draw(image).rectangle((20, 20, 140, 60), outline=(20, 60, 160), width=4)
    image.save(out, format="PNG")
    return out.getvalue()


def test_the_demo_teacher_writes_builds_assigns_prints_and_reads_the_analysis(
    page: Any, tmp_path: Any
) -> None:
    call_command("demo", stdout=io.StringIO(), stderr=io.StringIO())
    tracker = Tracker.objects.filter(owner__username="teacher", is_archived=False).first()
    assert tracker is not None
    section = (
        TrackerSection.objects.filter(tracker=tracker).select_related("section").first().section
    )
    common = Assessment.objects.get(title="Math 6: common assessment 1")
    sign_in(page, "teacher", PASSWORD)

    # Find items by standard: everything under the 6.RP.A cluster in the district bank.
    page.get_by_role("link", name="Item bank").click()
    page.get_by_label("Standard, cluster or domain").fill("6.RP.A")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state("networkidle")
    found = page.get_by_role("heading", name=" found")
    assert found.is_visible() and not found.inner_text().startswith("0 ")
    assert page.locator(".bank-result").count() > 0
    looked_at(page, "bank-by-standard")

    # A new multiple-choice item with math and an image.
    page.get_by_role("link", name="Write a new item").click()
    page.get_by_label("Question (stem)").fill(
        "<p>A ratio table doubles each row. Which fraction equals \\(\\frac{3}{4}\\)?</p>"
    )
    image = tmp_path / "table.png"
    image.write_bytes(png())
    page.get_by_label("Image file (PNG, JPEG, GIF, WebP or SVG)").set_input_files(str(image))
    page.get_by_label("Alt text: what the image shows").fill("An empty ratio table")
    page.get_by_role("button", name="Upload and add to the stem").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Standard 1 code").fill("6.RP.A.3")
    for letter, text in zip("ABCD", ["6/8", "3/8", "4/3", "7/4"], strict=True):
        page.get_by_label(f"Choice {letter} text").fill(text)
    page.get_by_label("Choice A is correct").check()
    page.get_by_label("Why a student might choose B").fill("Kept the numerator, halved the rest.")
    looked_at(page, "item-editor")
    page.get_by_role("button", name="Save item").click()
    page.wait_for_load_state("networkidle")
    item = Item.objects.get(owner__username="teacher", current__stem_source__contains="ratio table")
    version = ItemVersion.objects.get(pk=item.current_id)
    assert page.url.endswith(f"/assessments/items/{item.pk}/")
    assert "<math" in version.stem_html
    assert page.locator(".item-stem math").count() == 1
    shown = page.locator(".item-stem img")
    assert shown.get_attribute("alt") == "An empty ratio table"
    assert shown.evaluate("img => img.complete && img.naturalWidth") == 160
    looked_at(page, "item-page")

    # An assessment built from the bank, and its blueprint.
    page.get_by_role("link", name="Assessments").first.click()
    page.get_by_role("link", name="New assessment").click()
    page.get_by_label("Title").fill("Ratios check-in")
    page.get_by_label("Kind").select_option("quick_check")
    page.get_by_role("button", name="Create").click()
    page.wait_for_load_state("networkidle")
    page.get_by_label("Standard, cluster or domain").fill("6.RP.A")
    page.get_by_role("button", name="Search the bank").click()
    page.wait_for_load_state("networkidle")
    for _ in range(3):
        page.locator(".bank-result").filter(
            has=page.get_by_role("button", name="Add")
        ).first.get_by_role("button", name="Add").click()
        page.wait_for_load_state("networkidle")
    assert page.locator(".composer-item").count() == 3
    looked_at(page, "composer")
    page.get_by_role("link", name="Blueprint").click()
    assert page.get_by_role("heading", level=1).is_visible()
    assert page.get_by_text("6.RP.A.").first.is_visible()
    looked_at(page, "blueprint")

    # Assigned to one of the teacher's classes for the coming week.
    page.go_back()
    page.get_by_role("link", name="Assign").click()
    page.get_by_label(section.title).check()
    today = timezone.localdate()
    page.get_by_label("Opens").fill(f"{today + datetime.timedelta(days=1)}T08:00")
    page.get_by_label("Closes").fill(f"{today + datetime.timedelta(days=5)}T15:00")
    looked_at(page, "assign")
    page.get_by_role("button", name="Assign").click()
    page.wait_for_load_state("networkidle")
    assignment = Assignment.objects.get(assessment__title="Ratios check-in")
    assert [s.pk for s in assignment.sections.all()] == [section.pk]
    assert page.get_by_text(assignment.test_id).first.is_visible()
    looked_at(page, "assignment")

    # The printed test (name line) and its key.
    page.goto(f"/assessments/{assignment.assessment_id}/print/")
    assert page.get_by_text("Name").first.is_visible()
    looked_at(page, "print-test")
    page.goto(f"/assessments/{assignment.assessment_id}/key/print/")
    assert page.get_by_role("heading", level=1).is_visible()
    looked_at(page, "print-key")

    # The item analysis of the district's common assessment, from the tracker.
    page.goto(f"/trackers/{tracker.pk}/")
    page.get_by_role("link", name="Enter scores").click()
    page.locator("tr", has_text=common.title).get_by_role("link", name="Item analysis").click()
    page.get_by_role("heading", level=1).wait_for()
    assert common.title in page.content()
    assert page.get_by_text("Negative discrimination").first.is_visible()  # the flawed key
    looked_at(page, "item-analysis")
