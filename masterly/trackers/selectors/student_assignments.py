"""A student's assignments as the student and family portals show them: open now, upcoming
and finished, and what of each the assignment's visibility lets them see now. This is the one
place those rules are read, for all of a student's assignments at once: five queries, two
more for the student's accommodations when any of them has a time limit (whatever the number
of trackers), and one more for the attempts taken through assignments given to the student
alone.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.models import Attempt
from masterly.assessments.taking.accommodations import accommodations_by_tracker
from masterly.roster.models import Enrollment
from masterly.trackers.assignments import (
    Assignment,
    AssignmentAttempt,
    AssignmentSection,
    Excusal,
    Visibility,
)
from masterly.trackers.membership import student_trackers
from masterly.trackers.models import Tracker
from masterly.trackers.reassessment import AttemptGrant
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
    limit_minutes: int | None = None  # the student's own time limit (extended time counted)
    extra_attempts: int = 0  # granted by a teacher (an approved request) and not yet used
    taking: bool = False  # an attempt started and not handed in

    @property
    def is_finished(self) -> bool:
        return self.submitted_at is not None

    @property
    def can_start(self) -> bool:
        return (
            self.status == "open"
            and not self.is_excused
            and self.attempts_used < self.assignment.attempts_allowed + self.extra_attempts
        )

    @property
    def retake_waiting(self) -> bool:
        """A teacher granted another attempt the student can take now."""
        return self.extra_attempts > 0 and self.status == "open" and not self.is_excused

    def visible(self, what: str) -> bool:
        # Nothing of it beside an attempt still to take or under way while the window is open.
        if self.retake_waiting or (self.taking and self.status == "open"):
            return False
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
        assignments.filter(
            Q(
                pk__in=AssignmentSection.objects.filter(
                    section__in=_student_section_ids(student)
                ).values("assignment")
            )
            # Given to the student alone: while they are still in one of its tracker's classes.
            | Q(student=student, tracker__in=student_trackers(student))
        )
        .select_related("assessment", "tracker")
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
    for row in rows:
        if row.student_id is not None:
            assigned[row.pk].add(row.student_id)
    # An assignment given to the student alone (a reassessment) counts only the attempts taken
    # through it: the earlier one, on paper or online, is what they are trying again.
    through: dict[int, set[int]] = defaultdict(set)
    alone = [row.pk for row in rows if row.student_id is not None]
    if alone:
        for assignment_id, attempt_id in AssignmentAttempt.objects.filter(
            assignment__in=alone
        ).values_list("assignment_id", "attempt_id"):
            through[assignment_id].add(attempt_id)
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
    granted = Counter(
        AttemptGrant.objects.filter(
            student=student, assignment__in=ids, used_attempt__isnull=True
        ).values_list("assignment_id", flat=True)
    )
    timed = {row.tracker_id for row in rows if row.time_limit_minutes}
    accommodations = accommodations_by_tracker(student, timed) if timed else {}
    views = []
    for row in rows:
        limit = None
        if row.time_limit_minutes:
            factor = accommodations[row.tracker_id].time_limit_factor
            limit = max(1, round(row.time_limit_minutes * factor))
        attempts = mine[row.assessment_id]
        done = finished[row.assessment_id]
        if row.student_id is not None:
            attempts = [a for a in attempts if a.pk in through[row.pk]]
            done = {student.pk} if any(a.submitted_at for a in attempts) else set()
        submitted = [a.submitted_at for a in attempts if a.submitted_at is not None]
        pending = assigned[row.pk] - done - excused[row.pk]
        views.append(
            AssignmentView(
                assignment=row,
                status=assignment_status(row, now),
                attempts_used=len(attempts),
                submitted_at=max(submitted) if submitted else None,
                is_excused=student.pk in excused[row.pk],
                all_finished=not pending,
                now=now,
                limit_minutes=limit,
                extra_attempts=granted[row.pk],
                taking=any(a.submitted_at is None for a in attempts),
            )
        )
    return views


def student_assignments_in(
    student: User, tracker: Tracker, now: datetime.datetime | None = None
) -> list[AssignmentView]:
    """The student's assignments in one tracker, as they stand at ``now`` (six queries, eight
    with a time limit; none without assignments)."""
    return _views(student, Assignment.objects.filter(tracker=tracker), now or timezone.now())


@dataclass
class HomeAssignments:
    open: list[AssignmentView]
    upcoming: list[AssignmentView]
    finished: list[AssignmentView]

    def __bool__(self) -> bool:
        return bool(self.open or self.upcoming or self.finished)


def student_home_assignments(student: User) -> HomeAssignments:
    """Open now (not finished, or a retake granted or under way), upcoming, and finished:
    six queries, eight with a time limit."""
    views = _views(student, Assignment.objects.filter(tracker__is_archived=False), timezone.now())
    return HomeAssignments(
        open=[
            v
            for v in views
            if v.status == "open"
            and not v.is_excused
            and (not v.is_finished or v.retake_waiting or v.taking)
        ],
        upcoming=[v for v in views if v.status == "upcoming" and not v.is_excused],
        finished=sorted(
            (v for v in views if v.is_finished),
            key=lambda v: v.submitted_at or v.now,
            reverse=True,
        ),
    )
