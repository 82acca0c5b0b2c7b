"""A student's assignments as the student and family portals show them: open now, upcoming
and finished, and what of each the assignment's visibility lets them see now.

:func:`masterly.trackers.selectors.assignments.assignment_visible` answers for one
assignment (a query each for "once every student has finished"); here the same rules are
read for all of a student's assignments in five queries.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.models import Attempt
from masterly.roster.models import Enrollment
from masterly.trackers.assignments import Assignment, AssignmentSection, Excusal, Visibility
from masterly.trackers.models import Tracker
from masterly.trackers.selectors.assignments import assignment_status


@dataclass
class AssignmentView:
    """One assignment for one student, with what they may see of it now."""

    assignment: Assignment
    status: str  # "upcoming", "open" or "closed"
    attempts_used: int
    submitted_at: datetime.datetime | None
    is_excused: bool
    all_finished: bool
    now: datetime.datetime

    @property
    def is_finished(self) -> bool:
        return self.submitted_at is not None

    @property
    def can_start(self) -> bool:
        return (
            self.status == "open"
            and not self.is_excused
            and self.attempts_used < self.assignment.attempts_allowed
        )

    def visible(self, what: str) -> bool:
        rule = getattr(self.assignment, f"show_{what}")
        if rule == Visibility.NOW:
            return True
        if rule == Visibility.AFTER_CLOSE:
            return self.now >= self.assignment.closes_at
        if rule == Visibility.AFTER_ALL:
            return self.all_finished
        return False

    def rule(self, what: str) -> str:
        return str(getattr(self.assignment, f"show_{what}"))

    @property
    def shows_assessment(self) -> bool:
        return self.visible("assessment")

    @property
    def shows_answer_key(self) -> bool:
        return self.visible("assessment") and self.visible("answer_key")

    @property
    def shows_item_analysis(self) -> bool:
        return self.visible("assessment") and self.visible("item_analysis")


def _student_section_ids(student: User) -> QuerySet[Enrollment, Any]:
    return Enrollment.objects.filter(
        user=student, role=Enrollment.Role.STUDENT, is_active=True, section__is_active=True
    ).values("section")


def _views(
    student: User, assignments: QuerySet[Assignment], now: datetime.datetime
) -> list[AssignmentView]:
    rows = list(
        assignments.filter(assignment_sections__section__in=_student_section_ids(student))
        .select_related("assessment", "tracker")
        .distinct()
        .order_by("opens_at", "pk")
    )
    if not rows:
        return []
    ids = [row.pk for row in rows]
    assessment_ids = {row.assessment_id for row in rows}
    mine: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in Attempt.objects.filter(student=student, assessment__in=assessment_ids):
        mine[attempt.assessment_id].append(attempt)
    assigned: dict[int, set[int]] = defaultdict(set)
    for assignment_id, student_id in AssignmentSection.objects.filter(
        assignment__in=ids,
        section__is_active=True,
        section__enrollments__role=Enrollment.Role.STUDENT,
        section__enrollments__is_active=True,
    ).values_list("assignment_id", "section__enrollments__user_id"):
        assigned[assignment_id].add(student_id)
    finished: dict[int, set[int]] = defaultdict(set)
    for assessment_id, student_id in Attempt.objects.filter(
        assessment__in=assessment_ids, submitted_at__isnull=False
    ).values_list("assessment_id", "student_id"):
        finished[assessment_id].add(student_id)
    excused: dict[int, set[int]] = defaultdict(set)
    for assignment_id, student_id in Excusal.objects.filter(assignment__in=ids).values_list(
        "assignment_id", "student_id"
    ):
        excused[assignment_id].add(student_id)
    views = []
    for row in rows:
        attempts = mine[row.assessment_id]
        submitted = [a.submitted_at for a in attempts if a.submitted_at is not None]
        pending = assigned[row.pk] - finished[row.assessment_id] - excused[row.pk]
        views.append(
            AssignmentView(
                assignment=row,
                status=assignment_status(row, now),
                attempts_used=len(attempts),
                submitted_at=max(submitted) if submitted else None,
                is_excused=student.pk in excused[row.pk],
                all_finished=not pending,
                now=now,
            )
        )
    return views


def student_assignments_in(student: User, tracker: Tracker) -> list[AssignmentView]:
    """The student's assignments in one tracker (five queries; none without assignments)."""
    return _views(student, Assignment.objects.filter(tracker=tracker), timezone.now())


@dataclass
class HomeAssignments:
    open: list[AssignmentView]
    upcoming: list[AssignmentView]
    finished: list[AssignmentView]

    def __bool__(self) -> bool:
        return bool(self.open or self.upcoming or self.finished)


def student_home_assignments(student: User) -> HomeAssignments:
    """Open now (not finished, attempts left), upcoming, and finished: five queries."""
    views = _views(student, Assignment.objects.filter(tracker__is_archived=False), timezone.now())
    return HomeAssignments(
        open=[v for v in views if v.status == "open" and not v.is_finished and not v.is_excused],
        upcoming=[v for v in views if v.status == "upcoming" and not v.is_excused],
        finished=sorted(
            (v for v in views if v.is_finished),
            key=lambda v: v.submitted_at or v.now,
            reverse=True,
        ),
    )
