"""Reads of assignments: a tracker's list with status and counts, one assignment's students
and the Test ID lookup. What a student and their family may see of each assignment now is
read in :mod:`masterly.trackers.selectors.student_assignments`.

"Finished" means a submitted attempt at the assessment (for an assignment given to one student
alone, a reassessment, one taken through that assignment: their earlier attempt, on paper or
online, is what they are trying again); "excused" an :class:`Excusal`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from masterly.accounts.models import User
from masterly.assessments.composition.selectors import assessment_or_404
from masterly.assessments.models import Assessment, Attempt
from masterly.roster.models import Enrollment
from masterly.trackers.assignments import (
    Assignment,
    AssignmentAttempt,
    AssignmentSection,
    Excusal,
)
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker
from masterly.trackers.selectors.trackers import AnyUser, visible_trackers
from masterly.trackers.test_ids import normal_test_id


def assignment_status(assignment: Assignment, now: datetime.datetime) -> str:
    if now < assignment.opens_at:
        return "upcoming"
    return "open" if now < assignment.closes_at else "closed"


def _assigned(assignment: Assignment | OuterRef) -> QuerySet:
    """The ids of the students an assignment is for (a subquery): its sections' students, or
    its one student (an individual assignment)."""
    sections = AssignmentSection.objects.filter(assignment=assignment).values("section")
    if isinstance(assignment, Assignment):
        students = tracker_students(assignment.tracker_id)
        if assignment.student_id is not None:
            return students.filter(user=assignment.student_id)
        return students.filter(section__in=sections)
    return tracker_students(OuterRef("tracker")).filter(
        Q(section__in=sections) | Q(user=OuterRef("student"))
    )


def _submitted(assignment: Assignment) -> QuerySet[Attempt]:
    """The submitted attempts that finish ``assignment`` (see the module's docstring)."""
    attempts = Attempt.objects.filter(
        assessment=assignment.assessment_id, submitted_at__isnull=False
    )
    if assignment.student_id is not None:
        taken = AssignmentAttempt.objects.filter(assignment=assignment).values("attempt")
        attempts = attempts.filter(pk__in=taken)
    return attempts


def assigned_students(assignment: Assignment) -> list[dict[str, object]]:
    """The assigned students, by name, each with finished and excused (two queries)."""
    students = (
        User.objects.filter(pk__in=_assigned(assignment))
        .annotate(finished=Exists(_submitted(assignment).filter(student=OuterRef("pk"))))
        .order_by("last_name", "first_name", "pk")
    )
    excused = set(
        Excusal.objects.filter(assignment=assignment).values_list("student_id", flat=True)
    )
    return [{"student": s, "finished": s.finished, "excused": s.pk in excused} for s in students]


def assignment_by_test_id(typed: str, now: datetime.datetime) -> Assignment | None:
    """The open assignment with this Test ID, however it was typed (case, spaces)."""
    return (
        Assignment.objects.filter(
            test_id=normal_test_id(typed), opens_at__lte=now, closes_at__gt=now
        )
        .select_related("assessment", "tracker")
        .first()
    )


@dataclass
class AssignmentLine:
    assignment: Assignment
    status: str
    assigned: int
    finished: int
    excused: int
    section_titles: list[str]


def tracker_assignments(tracker: Tracker, now: datetime.datetime) -> list[AssignmentLine]:
    """The tracker's assignments, newest window first, with counts: five queries (seven with
    assignments given to one student)."""
    rows = list(
        Assignment.objects.filter(tracker=tracker)
        .select_related("assessment", "student")
        .prefetch_related("assignment_sections__section")
        .annotate(excused_count=Count("excusals", distinct=True))
        .order_by("-opens_at", "-pk")
    )
    lines = []
    for row in rows:
        lines.append(
            AssignmentLine(
                assignment=row,
                status=assignment_status(row, now),
                assigned=0,
                finished=0,
                excused=row.excused_count,
                section_titles=[link.section.title for link in row.assignment_sections.all()],
            )
        )
    _count_students(lines)
    return lines


def _count_students(lines: list[AssignmentLine]) -> None:
    """Assigned and finished students of every line (all of one tracker): two queries for all
    the lines, four with assignments given to one student."""
    if not lines:
        return
    assigned: dict[int, set[int]] = {}
    pairs = Enrollment.objects.filter(
        role=Enrollment.Role.STUDENT,
        is_active=True,
        section__is_active=True,
        section__in=AssignmentSection.objects.filter(
            assignment__in=[line.assignment.pk for line in lines]
        ).values("section"),
    ).values_list("section_id", "user_id")
    by_section: dict[int, set[int]] = {}
    for section_id, user_id in pairs:
        by_section.setdefault(section_id, set()).add(user_id)
    # The students given an assignment alone who are still the tracker's (one more query, only
    # where there are such assignments): one who left the class is no longer counted.
    alone = {line.assignment.student_id for line in lines if line.assignment.student_id}
    still_in: set[int] = set()
    retaken: set[int] = set()  # the individual assignments handed in through themselves
    if alone:
        still_in = set(
            tracker_students(lines[0].assignment.tracker_id)
            .filter(user__in=alone)
            .values_list("user", flat=True)
        )
        retaken = set(
            AssignmentAttempt.objects.filter(
                assignment__in=[line.assignment.pk for line in lines],
                assignment__student__isnull=False,
                attempt__submitted_at__isnull=False,
            ).values_list("assignment_id", flat=True)
        )
    for line in lines:
        assigned[line.assignment.pk] = set().union(
            *(
                by_section.get(link.section_id, set())
                for link in line.assignment.assignment_sections.all()
            )
        )
        if line.assignment.student_id is not None:  # an individual assignment
            assigned[line.assignment.pk] = {line.assignment.student_id} & still_in
    done: dict[int, set[int]] = {}
    for assessment_id, student_id in Attempt.objects.filter(
        assessment__in={line.assignment.assessment_id for line in lines}, submitted_at__isnull=False
    ).values_list("assessment_id", "student_id"):
        done.setdefault(assessment_id, set()).add(student_id)
    for line in lines:
        students = assigned[line.assignment.pk]
        line.assigned = len(students)
        if line.assignment.student_id is not None:
            line.finished = len(students) if line.assignment.pk in retaken else 0
        else:
            line.finished = len(students & done.get(line.assignment.assessment_id, set()))


def assignment_or_404(user: AnyUser, tracker_id: int, pk: int) -> Assignment:
    try:
        return Assignment.objects.select_related("tracker", "assessment").get(
            pk=pk, tracker__in=visible_trackers(user).filter(pk=tracker_id)
        )
    except Assignment.DoesNotExist:
        raise Http404("No such assignment.") from None


def assessments_given_to(user: AnyUser) -> QuerySet:
    """The ids of the assessments given in trackers ``user`` may open (their teachers see
    them, read-only)."""
    from masterly.trackers.models import TrackerAssessment

    return TrackerAssessment.objects.filter(tracker__in=visible_trackers(user)).values("assessment")


def readable_assessment_or_404(user: AnyUser, pk: int) -> Assessment:
    """An assessment ``user`` may read: theirs, shared with their school or district, or
    given in a tracker they may open; else Http404 (students and parents: always)."""
    return assessment_or_404(user, pk, also=assessments_given_to(user))
