"""Reads for a student taking an assessment: which assignments are theirs, attempts left,
their own attempts only, and the test as they see it (items and options in their order,
sanitised content, what they have saved). Nothing here reads a key, a correct flag or a
distractor's rationale: the student's page never receives them.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.safestring import SafeString, mark_safe

from masterly.accounts.models import User
from masterly.assessments.composition.order import PlacedItem, student_order
from masterly.assessments.items.models import CHOICE_TYPES, AssessmentItem, Choice
from masterly.assessments.models import Attempt, Response, Tool
from masterly.assessments.taking.accommodations import options_shown, student_tools
from masterly.assessments.taking.allowance import extra_attempts
from masterly.core import compiled
from masterly.core.compiled import CompiledQuery
from masterly.trackers.assignments import Assignment, AssignmentAttempt, AssignmentSection
from masterly.trackers.membership import student_trackers, tracker_students
from masterly.trackers.test_ids import normal_test_id


def _assigned_filter(student: User) -> Q:
    """Assignments given to a section the student is in (the tracker's own classes), or to the
    student alone (an individual assignment) while they are in one of its tracker's classes."""
    sections = tracker_students_sections(student)
    return Q(
        pk__in=AssignmentSection.objects.filter(section__in=sections).values("assignment")
    ) | Q(student=student, tracker__in=student_trackers(student))


def tracker_students_sections(student: User):  # type: ignore[no-untyped-def]
    from masterly.roster.models import Enrollment

    return Enrollment.objects.filter(
        user=student, role=Enrollment.Role.STUDENT, is_active=True, section__is_active=True
    ).values("section")


def assigned_to(student: User, assignment: Assignment) -> bool:
    """Whether ``assignment`` is given to one of the student's sections in its tracker (or to
    the student alone, while they are the tracker's student)."""
    students = tracker_students(assignment.tracker_id).filter(user=student)
    if assignment.student_id is not None:
        return assignment.student_id == student.pk and students.exists()
    sections = AssignmentSection.objects.filter(assignment=assignment).values("section")
    return students.filter(section__in=sections).exists()


def student_assignments(student: User) -> list[Assignment]:
    """Every assignment given to the student, newest window first (one query)."""
    return list(
        Assignment.objects.filter(_assigned_filter(student), tracker__is_archived=False)
        .select_related("assessment")
        .order_by("-opens_at", "-pk")
    )


def student_assignment_or_404(student: User, assignment_id: int) -> Assignment:
    """An assignment given to ``student``; 404 for any other (never says whether it exists)."""
    found = (
        Assignment.objects.filter(_assigned_filter(student), pk=assignment_id)
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
        Assignment.objects.filter(_assigned_filter(student), test_id=test_id)
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


def _placement_query(placement_id: int, assessment_id: int) -> QuerySet[Any, Any]:
    return (
        AssessmentItem.objects.filter(pk=placement_id, assessment_id=assessment_id)
        .annotate(choice_count=Count("item_version__choices"))
        .values_list("pk", "item_version__interaction", "choice_count")
    )


# Compiled once: an answer save is the hottest request of a class taking a test (ADR 10).
PLACEMENT = CompiledQuery(_placement_query)


def placement_of(attempt: Attempt, placement_id: int) -> Placement | None:
    """An item of the attempt's assessment, for checking an answer to it (one query)."""
    rows = compiled.fetch(PLACEMENT, placement_id=placement_id, assessment_id=attempt.assessment_id)
    return Placement(*rows[0]) if rows else None


def _open_attempt_query(attempt_id: int, student_id: int) -> QuerySet[Attempt]:
    return Attempt.objects.filter(
        pk=attempt_id,
        student_id=student_id,
        pk__in=AssignmentAttempt.objects.filter(attempt_id=attempt_id).values("attempt_id"),
    )


OWN_ATTEMPT = CompiledQuery(_open_attempt_query)


def student_attempt_only_or_404(student: User, attempt_id: int) -> Attempt:
    """:func:`student_attempt_or_404` without the assignment (what an answer save needs):
    one query, compiled once."""
    found = compiled.instances(OWN_ATTEMPT, Attempt, attempt_id=attempt_id, student_id=student.pk)
    if not found:
        raise Http404("No such attempt.")
    return found[0]


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


def taking_items(
    attempt: Attempt, assignment: Assignment
) -> tuple[list[TakingItem], frozenset[str]]:
    """The attempt's items in the student's order (shuffled if the assessment says so, stable
    per attempt), with what is saved, and the student's tools (read once here, as reduced
    answer choices shape the options): four queries whatever the test's size."""
    assessment = assignment.assessment
    rows = list(
        AssessmentItem.objects.filter(assessment_id=attempt.assessment_id)
        .select_related("item_version__stimulus")
        .prefetch_related(
            Prefetch(
                "item_version__choices",
                queryset=Choice.objects.only(
                    "pk", "version_id", "position", "content_html", "dropped_when_reduced", "fixed"
                ).order_by("position"),
            )
        )
        .order_by("section", "position")
    )
    tools = student_tools(attempt.student, assignment)
    reduced = Tool.REDUCED_ANSWER_CHOICES in tools
    shown = {row.pk: options_shown(row.item_version, reduced) for row in rows}
    by_version = {row.item_version_id: row for row in rows}
    order = student_order(
        [
            PlacedItem(
                row.item_version_id,
                row.section,
                row.position,
                tuple(c.position for c in shown[row.pk]),
                row.item_version.may_shuffle_options,
                frozenset(c.position for c in shown[row.pk] if c.fixed),
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
    return items, tools


def has_answer(response: Response) -> bool:
    return _answered(response.choices, response.text, response.number)


def number_text(response: Response) -> str:
    return _number_text(response.number)


def _answered(choices: int | None, text: str, number: Decimal | None) -> bool:
    return bool(choices) or bool(text) or number is not None


def _number_text(number: Decimal | None) -> str:
    return f"{number.normalize():f}" if number is not None else ""


def _safe(html: str) -> SafeString:
    return mark_safe(html)  # noqa: S308 - item content is sanitised when it is written (ADR 16)


def attempt_state(attempt: Attempt) -> dict[str, object]:
    """What the server holds of the attempt, for the page after each save (one query): each
    item's answer, when it was given, and its flag."""
    answers = {}
    rows = Response.objects.filter(attempt=attempt).values_list(
        "assessment_item_id", "choices", "text", "number", "flagged", "answered_at"
    )
    for item_id, choices, text, number, flagged, answered_at in rows:
        mask = choices or 0
        answers[str(item_id)] = {
            "choices": [p for p in range(mask.bit_length()) if mask >> p & 1],
            "text": text,
            "number": _number_text(number),
            "flagged": flagged,
            "answered": _answered(choices, text, number),
            "at": answered_at.isoformat() if answered_at else None,
        }
    return {
        "submitted": attempt.submitted_at is not None,
        "deadline": attempt.deadline.isoformat() if attempt.deadline else None,
        "current": attempt.current_item,
        "answers": answers,
    }
