"""Reads for a student taking an assessment: which assignments are theirs, attempts left,
their own attempts only, and the test as they see it (items and options in their order,
sanitised content, what they have saved). Nothing here reads a key, a correct flag or a
distractor's rationale: the student's page never receives them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.http import Http404
from django.utils.safestring import SafeString, mark_safe

from masterly.accounts.models import User
from masterly.assessments.composition.order import PlacedItem, student_order
from masterly.assessments.items.models import CHOICE_TYPES, AssessmentItem, Choice
from masterly.assessments.models import Attempt, Response, Tool
from masterly.assessments.taking.accommodations import options_shown, student_tools
from masterly.assessments.taking.allowance import extra_attempts
from masterly.trackers.assignments import Assignment, AssignmentAttempt, AssignmentSection
from masterly.trackers.membership import tracker_students
from masterly.trackers.test_ids import normal_test_id


def _assigned_filter(student: User) -> dict[str, object]:
    """Assignments given to a section the student is in (the tracker's own classes)."""
    sections = tracker_students_sections(student)
    return {"pk__in": AssignmentSection.objects.filter(section__in=sections).values("assignment")}


def tracker_students_sections(student: User):  # type: ignore[no-untyped-def]
    from masterly.roster.models import Enrollment

    return Enrollment.objects.filter(
        user=student, role=Enrollment.Role.STUDENT, is_active=True, section__is_active=True
    ).values("section")


def assigned_to(student: User, assignment: Assignment) -> bool:
    """Whether ``assignment`` is given to one of the student's sections in its tracker."""
    sections = AssignmentSection.objects.filter(assignment=assignment).values("section")
    return (
        tracker_students(assignment.tracker_id).filter(section__in=sections, user=student).exists()
    )


def student_assignments(student: User) -> list[Assignment]:
    """Every assignment given to the student, newest window first (one query)."""
    return list(
        Assignment.objects.filter(**_assigned_filter(student), tracker__is_archived=False)
        .select_related("assessment")
        .order_by("-opens_at", "-pk")
    )


def student_assignment_or_404(student: User, assignment_id: int) -> Assignment:
    """An assignment given to ``student``; 404 for any other (never says whether it exists)."""
    found = (
        Assignment.objects.filter(pk=assignment_id, **_assigned_filter(student))
        .select_related("assessment", "tracker")
        .first()
    )
    if found is None or not assigned_to(student, found):
        raise Http404("No such assessment.")
    return found


def assignment_for_test_id(student: User, typed: str) -> Assignment | None:
    """The assignment with this Test ID, however it was typed, if given to ``student``."""
    test_id = normal_test_id(typed)
    if not test_id:
        return None
    found = (
        Assignment.objects.filter(test_id=test_id, **_assigned_filter(student))
        .select_related("assessment", "tracker")
        .first()
    )
    return found if found is not None and assigned_to(student, found) else None


def attempts_taken(student: User, assignment: Assignment) -> int:
    return AssignmentAttempt.objects.filter(assignment=assignment, attempt__student=student).count()


def attempts_left(student: User, assignment: Assignment) -> int:
    """The assignment's own attempts not yet taken, plus the extra attempts granted and not
    yet used (a grant is used by the attempt it allowed: ``allowance.grant_use``)."""
    own = max(0, assignment.attempts_allowed - attempts_taken(student, assignment))
    return own + extra_attempts(assignment, student)


def attempts_allowed(student: User, assignment: Assignment) -> int:
    """How many attempts the student has in all: taken ones and those left."""
    return attempts_taken(student, assignment) + attempts_left(student, assignment)


def student_attempt_or_404(student: User, attempt_id: int) -> tuple[Attempt, Assignment]:
    """The student's own attempt taken online, with its assignment; 404 for anyone else's."""
    link = (
        AssignmentAttempt.objects.filter(attempt_id=attempt_id, attempt__student=student)
        .select_related("attempt", "assignment__assessment")
        .first()
    )
    if link is None:
        raise Http404("No such attempt.")
    return link.attempt, link.assignment


def open_attempt(student: User, assignment: Assignment) -> Attempt | None:
    return (
        Attempt.objects.filter(
            student=student,
            submitted_at__isnull=True,
            pk__in=AssignmentAttempt.objects.filter(assignment=assignment).values("attempt"),
        )
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True, slots=True)
class Placement:
    """What an answer save needs to check of an item (no key)."""

    placement_id: int
    interaction: str
    choice_count: int


def placement_of(attempt: Attempt, placement_id: int) -> Placement | None:
    """An item of the attempt's assessment, for checking an answer to it (one query)."""
    row = (
        AssessmentItem.objects.filter(pk=placement_id, assessment_id=attempt.assessment_id)
        .annotate(choice_count=Count("item_version__choices"))
        .values_list("pk", "item_version__interaction", "choice_count")
        .first()
    )
    return Placement(*row) if row else None


# ------------------------------------------------------------------ the test as taken


@dataclass
class TakingChoice:
    position: int  # the authored position (what is saved)
    letter: str  # as the student sees it, in their order
    html: SafeString
    chosen: bool = False


@dataclass
class TakingItem:
    number: int
    placement_id: int
    interaction: str
    stem_html: SafeString
    stimulus_title: str
    stimulus_html: SafeString | None
    choices: list[TakingChoice] = field(default_factory=list)
    text: str = ""
    number_text: str = ""
    flagged: bool = False
    answered: bool = False
    answered_at: datetime.datetime | None = None

    @property
    def is_choice(self) -> bool:
        return self.interaction in CHOICE_TYPES

    @property
    def multiple(self) -> bool:
        return self.interaction == "multiple_select"


def taking_items(attempt: Attempt, assignment: Assignment) -> list[TakingItem]:
    """The attempt's items in the student's order (shuffled if the assessment says so, stable
    per attempt), with what is saved: four queries whatever the test's size."""
    assessment = assignment.assessment
    rows = list(
        AssessmentItem.objects.filter(assessment_id=attempt.assessment_id)
        .select_related("item_version__stimulus")
        .prefetch_related(
            Prefetch(
                "item_version__choices",
                queryset=Choice.objects.only(
                    "pk", "version_id", "position", "content_html", "dropped_when_reduced"
                ).order_by("position"),
            )
        )
        .order_by("section", "position")
    )
    reduced = Tool.REDUCED_ANSWER_CHOICES in student_tools(attempt.student, assignment)
    shown = {row.pk: options_shown(row.item_version, reduced) for row in rows}
    by_version = {row.item_version_id: row for row in rows}
    order = student_order(
        [
            PlacedItem(
                row.item_version_id,
                row.section,
                row.position,
                tuple(c.position for c in shown[row.pk]),
            )
            for row in rows
        ],
        attempt_id=attempt.pk,
        shuffle_items=assessment.shuffle_items,
        shuffle_options=assessment.shuffle_options,
    )
    saved = {r.assessment_item_id: r for r in Response.objects.filter(attempt=attempt)}
    items = []
    last_stimulus = None
    for number, ordered in enumerate(order, start=1):
        row = by_version[ordered.item_version_id]
        version = row.item_version
        stimulus = version.stimulus if version.stimulus_id != last_stimulus else None
        last_stimulus = version.stimulus_id
        options = {c.position: c for c in shown[row.pk]}
        response = saved.get(row.pk)
        chosen = response.choices or 0 if response else 0
        item = TakingItem(
            number=number,
            placement_id=row.pk,
            interaction=version.interaction,
            stem_html=_safe(version.stem_html),
            stimulus_title=stimulus.title if stimulus else "",
            stimulus_html=_safe(stimulus.content_html) if stimulus else None,
            choices=[
                TakingChoice(
                    position=p,
                    letter=chr(ord("A") + shown_at),
                    html=_safe(options[p].content_html),
                    chosen=bool(chosen >> p & 1),
                )
                for shown_at, p in enumerate(ordered.choice_positions)
            ],
        )
        if response is not None:
            item.text = response.text
            item.number_text = number_text(response)
            item.flagged = response.flagged
            item.answered = has_answer(response)
            item.answered_at = response.answered_at
        items.append(item)
    return items


def has_answer(response: Response) -> bool:
    return bool(response.choices) or bool(response.text) or response.number is not None


def number_text(response: Response) -> str:
    return f"{response.number.normalize():f}" if response.number is not None else ""


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 - item content is sanitised when it is written (ADR 16)


def attempt_state(attempt: Attempt) -> dict[str, object]:
    """What the server holds of the attempt, for the page after each save (one query): each
    item's answer, when it was given, and its flag."""
    answers = {}
    for r in Response.objects.filter(attempt=attempt).only(
        "assessment_item_id", "choices", "text", "number", "flagged", "answered_at"
    ):
        answers[str(r.assessment_item_id)] = {
            "choices": [p for p in range((r.choices or 0).bit_length()) if r.choices >> p & 1]
            if r.choices
            else [],
            "text": r.text,
            "number": number_text(r),
            "flagged": r.flagged,
            "answered": has_answer(r),
            "at": r.answered_at.isoformat() if r.answered_at else None,
        }
    return {
        "submitted": attempt.submitted_at is not None,
        "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
        "current": attempt.current_item,
        "answers": answers,
    }
