"""Issue 13's "Done when", walked in Chromium as a student with accommodations (text-to-speech,
extended time, reduced answer choices, a calculator) in a small world built by factories.

The student opens the test by its Test ID with the keyboard alone, answers, has the first
item read aloud (an init script records what the page asks speech synthesis to say), finds
the option their teacher marked removable gone, uses the calculator, goes offline for two
answers and finds every answer kept after a reload, runs out of (extended) time and finds the
attempt submitted by the server, then asks to try again. The teacher sees the grid changed,
scores the written answer from the scoring queue, and approves the request on another
assessment, which the student then finds on their home. axe runs on every page on the way.
"""

from __future__ import annotations

import dataclasses
import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db.utils import OperationalError
from django.urls import reverse
from django.utils import timezone

from masterly.assessments import services as accommodations
from masterly.assessments.composition import services as composition
from masterly.assessments.items import services as item_writes
from masterly.assessments.items.drafts import ChoiceDraft
from masterly.assessments.items.models import Scope
from masterly.assessments.models import Assessment, Attempt, Evidence, Tool
from masterly.assessments.taking.accommodations import assignment_school_year
from masterly.trackers.assignments import Assignment
from masterly.trackers.models import ReassessmentRequest, RequestStatus
from masterly.trackers.services.assignments import AssignmentTerms, assignment_create
from masterly.trackers.services.paper_scores import assessment_give
from tests.assessment_factories import DAY, Mastery, mastery  # noqa: F401 - a fixture
from tests.browser.conftest import screenshot
from tests.browser.test_browser_sign_in import assert_no_serious_violations, sign_in
from tests.browser.test_taking_browser import (
    answers,
    back_online_and_reload,
    eventually,
    expect_focused,
    wait_saved,
    wait_status,
)
from tests.scoring.conftest import drafts
from tests.taking_tools.test_tools_browser import RECORD_SPEECH

pytestmark = pytest.mark.browser

HOUR = datetime.timedelta(hours=1)
WRITTEN = "A ratio compares two quantities by division."


@dataclasses.dataclass
class Walk:
    m: Mastery
    assignment: Assignment
    retake: Assessment
    placements: list[int]


def build(m: Mastery) -> Walk:
    """Six items (the first five scored by the machine, the sixth by the teacher) with the
    first item's third option marked removable; the student's accommodations for the year."""
    teacher = m.world.teacher
    chosen = drafts(m.standard_a, m.standard_b)[:6]
    first = chosen[0]
    chosen[0] = dataclasses.replace(
        first, choices=(*first.choices[:2], ChoiceDraft("1", dropped_when_reduced=True))
    )
    items = item_writes.items_create(actor=teacher, drafts=chosen, scope=Scope.OWN)
    assessment = composition.assessment_create(
        actor=teacher, title="Unit 1 online", kind=Assessment.Kind.COMMON, assessed_on=DAY
    )
    placements = composition.items_add(actor=teacher, assessment=assessment, items=items, section=1)
    now = timezone.now()
    assignment = assignment_create(
        actor=teacher,
        tracker=m.tracker,
        assessment=assessment,
        sections=[m.world.section],
        terms=AssignmentTerms(opens_at=now - HOUR, closes_at=now + HOUR, time_limit_minutes=30),
    )
    # Another test on the same standards, in the tracker but given to no class.
    retake = composition.assessment_create(
        actor=teacher, title="Unit 1 retake", kind=Assessment.Kind.COMMON, assessed_on=DAY
    )
    composition.items_add(actor=teacher, assessment=retake, items=items[:3], section=1)
    assessment_give(actor=teacher, tracker=m.tracker, assessment=retake)
    student = m.world.student.pk
    accommodations.accommodations_set(
        actor=teacher,
        school_year=assignment_school_year(assignment),
        tools={
            student: [
                Tool.TEXT_TO_SPEECH,
                Tool.EXTENDED_TIME,
                Tool.REDUCED_ANSWER_CHOICES,
                Tool.CALCULATOR,
            ]
        },
        factors={student: Decimal("1.5")},
    )
    return Walk(m, assignment, retake, [p.pk for p in placements])


def saved_text(attempt: Attempt, placement: int) -> str | None:
    """The text saved for an item, or None while the page's save is still on its way (or the
    live server holds SQLite's shared-cache table lock for it)."""
    try:
        found = answers(attempt).get(placement)
    except OperationalError:
        return None
    return found.text if found else None


def cell_title(page: Any, walk: Walk, standard: Any) -> str:
    cell = page.locator(f'a[href$="/cells/{walk.m.world.student.pk}/{standard.pk}/"]')
    return str(cell.get_attribute("title"))


def test_a_student_with_accommodations_walks_through_a_test_and_a_reassessment(
    page: Any,
    mastery: Mastery,  # noqa: F811
    settings: Any,
) -> None:
    settings.TAKING_GRACE_SECONDS = 0
    walk = build(mastery)
    student = walk.m.world.student
    page.context.add_init_script(RECORD_SPEECH)

    # The home: the test open now, with the student's own (extended) time limit.
    sign_in(page, "student")
    assert "45 minutes" in page.locator("main").inner_text()
    assert_no_serious_violations(page)
    screenshot(page, "walk-1-student-home")

    # The keyboard alone: the Test ID, then Start.
    page.get_by_role("textbox", name="Test ID").focus()
    page.keyboard.type(walk.assignment.test_id.lower())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_role("button", name="Start").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    attempt = Attempt.objects.get(student=student)
    assert attempt.deadline is not None and attempt.started_at is not None
    assert attempt.deadline - attempt.started_at == datetime.timedelta(minutes=45)
    assert page.get_by_role("toolbar", name="Tools").is_visible()
    assert_no_serious_violations(page)

    # Reduced answer choices: the removable option is not on the page at all.
    options = page.locator("#item-1 .option__text")
    assert options.all_inner_texts() == ["7", "12"]
    assert page.locator("#item-1-C").count() == 0

    # Text-to-speech reads the item on the real page (speech synthesis recorded).
    page.get_by_role("button", name="Read aloud", exact=True).focus()
    page.keyboard.press("Enter")
    spoken = page.evaluate("window.spoken")
    assert spoken[0] == "3 + 4?" and any("12" in text for text in spoken[1:])
    assert not any(text.strip().endswith("1") for text in spoken)
    page.get_by_role("button", name="Stop reading").click()

    # The calculator, from the keyboard.
    page.get_by_role("button", name="Calculator").focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Calculator")
    page.keyboard.type("12.5*4")
    page.keyboard.press("Enter")
    assert dialog.locator("[data-calculator-display]").inner_text() == "50"
    assert_no_serious_violations(page)
    screenshot(page, "walk-2-item-1-tools")
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    # Focus goes back to the opener. The dialog's close event is queued as a task, so the check
    # retries: focusing the next control before it lands would be undone by it.
    expect_focused(page.get_by_role("button", name="Calculator"))

    # Item 1 with the space bar; on to item 2 and choose A and B.
    page.locator("#item-1-A").focus()
    page.keyboard.press("Space")
    wait_saved(page)
    page.locator("#item-1").get_by_role("button", name="Save and next").focus()
    page.keyboard.press("Enter")
    # Focus moves to the next item's heading (a retrying check: the key's click is dispatched
    # by the browser after the key press returns, and a loaded machine shows the gap).
    expect_focused(page.locator("#item-2-title"))
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    wait_saved(page)

    # Offline: two answers kept on the page, sent when the connection returns.
    page.context.set_offline(True)
    page.locator("#item-2").get_by_role("button", name="Save and next").click()
    page.locator("#item-3-A").check()
    page.get_by_role("button", name="Item 4, not answered").click()
    page.get_by_label("Item 4: your answer (a number)").fill("4.29")
    wait_status(page, "Not yet saved: 2")
    screenshot(page, "walk-3-offline")
    assert len(answers(attempt)) == 2
    back_online_and_reload(page)
    saved = answers(attempt)
    first, second, third, fourth, _fifth, sixth = walk.placements
    assert saved[first].choices == 0b1 and saved[second].choices == 0b11
    assert saved[third].choices == 0b1 and saved[fourth].number == Decimal("4.29")
    assert page.get_by_label("Item 4: your answer (a number)").input_value() == "4.29"
    page.get_by_role("button", name="Item 3, answered").click()
    assert page.locator("#item-3-A").is_checked()

    # The written answers.
    page.get_by_role("button", name="Item 5, not answered").click()
    page.get_by_label("Item 5: your answer").fill("commutative")
    page.get_by_role("button", name="Item 6, not answered").click()
    page.get_by_label("Item 6: your answer").fill(WRITTEN)
    eventually(lambda: saved_text(attempt, sixth) == WRITTEN)
    wait_saved(page)

    # Time runs out (brought forward to now): the server submits what was saved.
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() + datetime.timedelta(seconds=3)
    )
    page.reload()
    page.wait_for_selector("[data-submitted]", timeout=15_000)
    assert "Time ran out" in page.content()
    assert_no_serious_violations(page)
    screenshot(page, "walk-4-time-ran-out")
    attempt.refresh_from_db()
    assert attempt.submitted_by == "time"
    scored = answers(attempt)
    assert [scored[p].points for p in walk.placements[:5]] == [1, 2, 1, 1, 1]
    assert scored[sixth].points is None  # waits for the teacher

    # The student asks to try again on the first standard.
    page.goto(reverse("my_reassessments"))
    page.get_by_role("link", name="Ask to try again: Period 1").click()
    page.get_by_label("What you want to try again").select_option(
        value=f"standard-{walk.m.standard_a.pk}"
    )
    page.get_by_label("Why (a sentence or two)").fill("I practised ratios with the tutor.")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_text("Asked. Your teacher will answer here.").wait_for()
    assert_no_serious_violations(page)

    # The teacher: the grid changed in the submitting request (A complete; B waits for
    # the written answer), the queue scores it, and the request is approved.
    page.context.clear_cookies()
    sign_in(page, "teacher")
    tracker = walk.m.tracker
    page.goto(reverse("tracker_grid", args=[tracker.pk]))
    assert "%" in cell_title(page, walk, walk.m.standard_a)
    assert "%" not in cell_title(page, walk, walk.m.standard_b)
    assert_no_serious_violations(page)
    screenshot(page, "walk-5-teacher-grid")
    page.get_by_role("link", name="1 answer to score", exact=True).click()
    page.get_by_role("heading", level=1, name="Scoring queue").wait_for()
    assert WRITTEN in page.content()
    assert_no_serious_violations(page)
    screenshot(page, "walk-6-scoring-queue")
    expect_focused(page.locator("[name=points]").first)
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.get_by_text("Nothing to score").wait_for()
    assert Evidence.objects.filter(student=student, standard=walk.m.standard_b).exists()
    page.goto(reverse("tracker_grid", args=[tracker.pk]))
    assert "%" in cell_title(page, walk, walk.m.standard_b)

    page.get_by_role("link", name="1 reassessment request", exact=True).click()
    page.get_by_role("heading", level=1, name="Reassessment requests").wait_for()
    assert_no_serious_violations(page)
    page.get_by_label("Try again on").select_option(label="Unit 1 retake")
    screenshot(page, "walk-7-reassessment-request")
    page.get_by_role("button", name="Approve").click()
    page.get_by_text("Approved: the student has one more attempt.").wait_for()
    assert ReassessmentRequest.objects.get().status == RequestStatus.APPROVED
    retake = Assignment.objects.get(assessment=walk.retake)
    assert retake.student == student  # given to this student alone

    # The student finds the retake open on their home.
    page.context.clear_cookies()
    sign_in(page, "student")
    open_now = page.locator(".assignment-list").first
    assert "Unit 1 retake" in open_now.inner_text()
    assert_no_serious_violations(page)
    screenshot(page, "walk-8-student-home-retake")
