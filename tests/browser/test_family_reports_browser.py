"""A parent opens their child's Reports in a real browser: each tab, a print view with its
Print button, the term PDF downloaded; the teacher writes the note the parent reads; a
leader asks for the school's term reports. axe finds nothing serious on any of these pages.
On a phone the pages fit the width; printed, a reports page leaves out its navigation."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from masterly.trackers.services import notes
from tests.assessment_factories import Mastery
from tests.browser.conftest import screenshot
from tests.browser.test_browser_sign_in import assert_no_serious_violations, sign_in
from tests.reports.progress.conftest import mastery as mastery
from tests.reports.progress.conftest import scored as scored

pytestmark = pytest.mark.browser


def test_a_parent_reads_every_reports_tab_prints_and_downloads_the_term_pdf(
    page: Any, scored: Mastery
) -> None:
    world = scored.world
    notes.note_write(
        actor=world.teacher,
        tracker=scored.tracker,
        student=world.student,
        text="Great progress on ratios.\nKeep practising at home.",
    )
    sign_in(page, "parent")
    page.goto(
        reverse(
            "family_report_current",
            kwargs={"student_id": world.student.pk, "tracker_id": scored.tracker.pk},
        )
    )
    assert page.get_by_role("link", name="Current Progress").get_attribute("aria-current") == "page"
    assert "6.RP.A.1" in page.get_by_role("table").nth(1).inner_text()
    screenshot(page, "family-reports-current")
    assert_no_serious_violations(page)

    page.get_by_role("link", name="Progress Timeline").click()
    page.wait_for_load_state()
    assert page.get_by_role("img", name="Level of each standard at each date").is_visible()
    screenshot(page, "family-reports-timeline")
    assert_no_serious_violations(page)

    page.get_by_role("link", name="Print").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Print").is_visible()
    assert world.school.name in page.inner_text("body")
    screenshot(page, "family-reports-timeline-print")
    assert_no_serious_violations(page)
    page.go_back()

    page.get_by_role("link", name="Notes to Parents").click()
    page.wait_for_load_state()
    assert "Keep practising at home." in page.inner_text("main")
    screenshot(page, "family-reports-notes")
    assert_no_serious_violations(page)

    page.get_by_role("link", name="Progress Reports").click()
    page.wait_for_load_state()
    screenshot(page, "family-reports-terms")
    assert_no_serious_violations(page)
    with page.expect_download(timeout=120_000) as download:  # WeasyPrint, on a loaded machine
        page.get_by_role("link", name="Download Progress Report").click(no_wait_after=True)
    assert download.value.suggested_filename.endswith(".pdf")

    page.get_by_role("link", name="Print view").click()
    page.wait_for_load_state()
    assert "Standards-based progress report" in page.inner_text("h1")
    screenshot(page, "family-reports-term-print")
    assert_no_serious_violations(page)


def test_a_teacher_writes_a_note_and_a_leader_asks_for_term_reports(
    page: Any, scored: Mastery
) -> None:
    sign_in(page, "teacher")
    page.goto(reverse("tracker_parent_notes", kwargs={"tracker_id": scored.tracker.pk}))
    page.get_by_label("To").select_option(label=f"Every family in {scored.world.section.title}")
    page.get_by_label("Note").fill("Field trip on Friday.")
    page.get_by_role("button", name="Send the note").click()
    page.wait_for_load_state()
    assert "Your note is sent." in page.inner_text("main")
    screenshot(page, "teacher-parent-notes")
    assert_no_serious_violations(page)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()

    sign_in(page, "leader")
    page.get_by_role("link", name="Term progress reports").click()
    page.wait_for_load_state()
    screenshot(page, "leader-term-reports")
    assert_no_serious_violations(page)


def test_a_student_reads_their_own_reports_without_notes(page: Any, scored: Mastery) -> None:
    sign_in(page, "student")
    page.goto(reverse("student_report_current", kwargs={"tracker_id": scored.tracker.pk}))
    assert page.get_by_role("heading", level=1).inner_text() == "My reports"
    assert page.get_by_role("link", name="Notes to Parents").count() == 0
    screenshot(page, "student-reports-current")
    assert_no_serious_violations(page)
    page.get_by_role("link", name="Progress Timeline").click()
    page.wait_for_load_state()
    assert_no_serious_violations(page)


def test_on_a_phone_current_progress_and_its_print_view_fit_the_width(
    phone_page: Any, scored: Mastery
) -> None:
    """The table of each standard scrolls in its own box; the page never scrolls sideways."""
    ids = {"student_id": scored.world.student.pk, "tracker_id": scored.tracker.pk}
    sign_in(phone_page, "parent")
    for name in ("family_report_current", "family_report_current_print"):
        phone_page.goto(reverse(name, kwargs=ids))
        assert "6.RP.A.1" in phone_page.locator(".report-table--standards").inner_text()
        width = phone_page.locator("html").evaluate("html => html.scrollWidth")
        assert width <= 390, f"{name}: the page is {width} px wide"
        screenshot(phone_page, f"family-reports-phone-{name}")


def test_a_printed_reports_page_leaves_out_its_navigation(page: Any, scored: Mastery) -> None:
    ids = {"student_id": scored.world.student.pk, "tracker_id": scored.tracker.pk}
    sign_in(page, "parent")
    page.goto(reverse("family_report_current", kwargs=ids))
    expect(page.get_by_role("link", name="My children")).to_be_visible()
    page.emulate_media(media="print")
    for navigation in ("My children", "Current Progress", "Print"):
        expect(page.get_by_role("link", name=navigation, exact=True)).to_be_hidden()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_on_a_phone_the_timeline_opens_on_its_latest_months(
    phone_page: Any, scored: Mastery
) -> None:
    ids = {"student_id": scored.world.student.pk, "tracker_id": scored.tracker.pk}
    sign_in(phone_page, "parent")
    phone_page.goto(reverse("family_report_timeline", kwargs=ids))
    boxes = phone_page.locator("[data-scroll-to-end]")
    expect(boxes).to_have_count(2)  # the chart and its table
    for box in boxes.all():
        width, shown, left = box.evaluate("b => [b.scrollWidth, b.clientWidth, b.scrollLeft]")
        assert width > shown, "the timeline fits a phone: nothing to scroll"
        assert left >= width - shown - 1, f"opened at {left} of {width - shown}"
    assert "Today" in boxes.nth(1).inner_text()
    # The table's codes stay in view however far it is scrolled.
    table_box = boxes.nth(1).bounding_box()
    code = phone_page.get_by_role("rowheader", name="6.RP.A.1").bounding_box()
    assert code["x"] >= table_box["x"] - 1, (code, table_box)
    screenshot(phone_page, "family-reports-phone-timeline")
