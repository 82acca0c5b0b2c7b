"""In Debian's Chromium, the teacher scores written answers from the scoring queue with the
keyboard alone and sees the tracker change, then approves a reassessment request; the
student asks for one. axe finds nothing serious on the new pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from masterly.assessments.models import Evidence
from masterly.trackers.models import AttemptGrant, ReassessmentRequest, RequestStatus, Rollup
from masterly.trackers.services.reassessment import reassessment_request
from tests.assessment_factories import Mastery
from tests.browser.conftest import (  # noqa: F401 - the autouse fixture of browser tests
    _browser_test_setup,
    screenshot,
)
from tests.reassessment.conftest import queued
from tests.scoring.conftest import Paper, make_paper
from tests.tracker_pages.conftest import Pages
from tests.tracker_pages.test_tracker_pages_browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def a_paper(pages: Pages) -> Paper:
    world = pages.world
    m = Mastery(
        world, pages.ratio_1, pages.ratio_2, pages.expressions, pages.tracker, pages.tracker
    )
    assessment, placements = make_paper(world.teacher, pages.tracker, pages.ratio_1, pages.ratio_2)
    return Paper(m, assessment, placements)


def test_teacher_scores_the_queue_by_keyboard_and_approves_a_request(
    page: Any, pages: Pages
) -> None:
    paper = a_paper(pages)
    queued(paper)
    student = pages.world.student
    tracker = pages.tracker
    before = Rollup.objects.filter(tracker=tracker, student=student, standard=pages.ratio_2).first()
    sign_in(page, "teacher")
    page.goto(reverse("tracker_grid", args=[tracker.pk]))
    page.get_by_role("link", name="2 answers to score", exact=True).click()
    page.get_by_role("heading", level=1, name="Scoring queue").wait_for()
    assert_accessible(page)
    screenshot(page, "scoring-queue")
    # ↓ goes to the next answer (the rubric), "p" back to the one before.
    assert page.evaluate("document.activeElement.name") == "points"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.name") == "level-0"
    page.keyboard.press("p")
    assert page.evaluate("document.activeElement.name") == "points"
    # The short answer's points box has the cursor: type, Enter; the rubric comes up next.
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.get_by_text("Scored.").wait_for()
    assert page.evaluate("document.activeElement.type") == "radio"
    page.keyboard.press("2")  # criterion 1: the 2-point level, then on to criterion 2
    page.keyboard.press("1")
    page.keyboard.press("Enter")  # the focus is on "Save levels"
    page.get_by_text("Nothing to score").wait_for()
    assert Evidence.objects.filter(assessment=paper.assessment).count() == 2
    after = Rollup.objects.get(tracker=tracker, student=student, standard=pages.ratio_2)
    assert before is None or (before.level, before.score) != (after.level, after.score)
    page.goto(reverse("tracker_cell", args=[tracker.pk, student.pk, pages.ratio_2.pk]))
    page.get_by_text("Unit 1 test").first.wait_for()
    screenshot(page, "scoring-queue-cell")

    asked = reassessment_request(
        student=student,
        tracker=tracker,
        reason="I practised with the tutor.",
        standard=pages.ratio_1,
    )
    page.goto(reverse("tracker_grid", args=[tracker.pk]))
    page.get_by_role("link", name="1 reassessment request", exact=True).click()
    page.get_by_role("heading", level=1, name="Reassessment requests").wait_for()
    assert_accessible(page)
    screenshot(page, "reassessment-requests")
    page.get_by_label("Try again on").select_option(label="Unit 1 test")
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Approved: the student has one more attempt.").wait_for()
    asked.refresh_from_db()
    assert asked.status == RequestStatus.APPROVED
    assert AttemptGrant.objects.get().student == student


def test_student_asks_for_a_reassessment(page: Any, pages: Pages) -> None:
    sign_in(page, "student")
    page.goto(reverse("my_reassessments"))
    page.get_by_role("heading", level=1, name="My reassessment requests").wait_for()
    assert_accessible(page)
    page.get_by_role("link", name="Ask to try again").first.click()
    page.get_by_role("heading", level=1, name="Ask to try again").wait_for()
    assert_accessible(page)
    page.get_by_label("What you want to try again").select_option(
        value=f"standard-{pages.ratio_1.pk}"
    )
    page.get_by_label("Why (a sentence or two)").fill("I redid the practice set.")
    screenshot(page, "reassessment-new")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_text("Asked. Your teacher will answer here.").wait_for()
    assert ReassessmentRequest.objects.get().student == pages.world.student
    screenshot(page, "reassessment-mine")
