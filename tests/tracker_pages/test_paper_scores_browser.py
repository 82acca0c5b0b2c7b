"""In Debian's Chromium, the teacher enters a paper test by keyboard, down each column, sees
the grid change, opens the item analysis and previews a key correction; axe finds nothing
serious on the three pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from masterly.assessments.models import Evidence
from masterly.trackers.models import Rollup
from tests.browser.conftest import (  # noqa: F401 - the autouse fixture of browser tests
    _browser_test_setup,
    screenshot,
)
from tests.scoring.conftest import make_paper
from tests.tracker_pages.conftest import Pages
from tests.tracker_pages.test_tracker_pages_browser import a_class, assert_accessible, sign_in

pytestmark = pytest.mark.browser

# Nine students' answers, a column per item (1–7), the strong ones choosing B on item 1.
COLUMNS = [
    "BBBAABCBA",
    ["AB", "AB", "AB", "AB", "A", "AB", "B", "A", "AB"],
    "TTTTFTFFT",
    ["4.29", "4.3", "4.29", "4", "4.29", "5", "4.29", "1", "4.3"],
    ["commutative"] * 5 + ["associative"] * 4,
    "221120101",
    ["2 2", "2 1", "1 1", "1 2", "1 0", "0 0", "2 2", "0 1", "1 1"],
]


def test_teacher_enters_a_paper_test_by_keyboard_and_reads_its_analysis(
    page: Any, pages: Pages
) -> None:
    a_class(pages)  # nine students
    assessment, _placements = make_paper(
        pages.world.teacher, pages.tracker, pages.ratio_1, pages.ratio_2
    )
    tracker = pages.tracker
    before = Rollup.objects.filter(tracker=tracker, standard=pages.ratio_2).count()
    sign_in(page, "teacher")
    page.goto(reverse("quick_check_list", args=[tracker.pk]))
    page.get_by_role("link", name="Unit 1 test").click()
    page.get_by_role("heading", level=1, name="Unit 1 test: enter scores").wait_for()
    assert_accessible(page)
    inputs = page.locator("input.answer-input")
    assert inputs.count() == 9 * 7
    for column, answers in enumerate(COLUMNS):
        page.locator(f"input[data-column='{column}']").first.click()
        for answer in answers:
            page.keyboard.type(answer)
            page.keyboard.press("Enter")  # down the column, never sending the form
    assert page.get_by_role("heading", level=1, name="Unit 1 test: enter scores").is_visible()
    # A bad entry first: named, and nothing saved.
    page.locator("input[data-column='0']").first.fill("E")
    page.get_by_role("button", name="Save scores").click()
    page.get_by_text("'E' is not a choice; choose A–C.").first.wait_for()
    assert Evidence.objects.filter(assessment=assessment).count() == 0
    screenshot(page, "paper-scores-refused")
    page.locator("input[data-column='0']").first.fill("B")
    page.get_by_role("button", name="Save scores").click()
    page.get_by_text("63 answers saved").wait_for()
    assert Evidence.objects.filter(assessment=assessment).count() == 18
    screenshot(page, "paper-scores-entered")

    # The grid's cells on the test's standards changed.
    assert Rollup.objects.filter(tracker=tracker, standard=pages.ratio_2).count() > before
    page.goto(reverse("tracker_grid", args=[tracker.pk]))
    page.get_by_role("heading", level=1, name=tracker.name).wait_for()
    screenshot(page, "paper-scores-grid")

    # The item analysis flags item 1 (the stronger students chose B, not the key A).
    page.goto(reverse("paper_scores", args=[tracker.pk, assessment.pk]))
    page.get_by_role("link", name="Item analysis").click()
    page.get_by_role("heading", level=1, name="Item analysis: Unit 1 test").wait_for()
    first = page.locator("tbody tr").filter(has=page.get_by_role("rowheader", name="1", exact=True))
    assert "A wrong option (B)" in first.last.inner_text()
    assert_accessible(page)
    screenshot(page, "item-analysis")

    # Correct the key: a preview first, then the rescoring.
    page.get_by_role("link", name="Correct the key of item 1").click()
    page.get_by_label("B.", exact=False).check()
    page.get_by_role("button", name="Preview the rescoring").click()
    page.get_by_text("Rescoring changes the points of 8 students on this item").wait_for()
    assert_accessible(page)
    screenshot(page, "key-correction-preview")
    page.get_by_role("button", name="Correct the key and rescore").click()
    page.get_by_text("Item 1 rescored").wait_for()
    reasons = set(
        Evidence.objects.filter(assessment=assessment, version=2).values_list(
            "revisions__reason", flat=True
        )
    )
    assert "rescored: key of item 1 corrected" in reasons
