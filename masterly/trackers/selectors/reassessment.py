"""Reads of reassessment requests and attempt grants (ADR 28).

A student reads only their own requests, in trackers they are a student of; a tracker's
requests are read by whoever may open the tracker (its teachers decide, leaders only read),
limited to the students ``masterly.roster.access`` lets them see. Each reads in a fixed number
of queries whatever the number of requests.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from masterly.accounts.models import User
from masterly.assessments.items.models import AssessmentItem
from masterly.assessments.models import Assessment, AssessmentStandard
from masterly.roster.models import Enrollment
from masterly.trackers.assignments import Assignment, AssignmentSection
from masterly.trackers.models import (
    AttemptGrant,
    Tracker,
    TrackerAssessment,
    TrackerSection,
    TrackerStandard,
)
from masterly.trackers.reassessment import ReassessmentRequest, RequestStatus
from masterly.trackers.selectors.students import visible_tracker_students
from masterly.trackers.selectors.trackers import AnyUser

DECIDED_SHOWN = 50


def _student_sections(user: User) -> QuerySet[Enrollment, Any]:
    return Enrollment.objects.filter(
        user=user, role=Enrollment.Role.STUDENT, is_active=True, section__is_active=True
    ).values("section")


def student_trackers(user: AnyUser) -> QuerySet[Tracker]:
    """The trackers ``user`` is a student of (one query)."""
    if not isinstance(user, User) or not user.is_active:
        return Tracker.objects.none()
    placements = TrackerSection.objects.filter(section__in=_student_sections(user))
    return Tracker.objects.filter(pk__in=placements.values("tracker")).order_by("name", "pk")


def student_tracker_or_404(user: AnyUser, tracker_id: int) -> Tracker:
    try:
        return student_trackers(user).get(pk=tracker_id)
    except Tracker.DoesNotExist:
        raise Http404("No such class.") from None


def student_requests(user: AnyUser) -> list[ReassessmentRequest]:
    """``user``'s own requests, newest first (one query)."""
    if not isinstance(user, User) or not user.is_active:
        return []
    return list(
        ReassessmentRequest.objects.filter(student=user)
        .select_related("tracker", "standard", "assignment__assessment", "decided_by")
        .order_by("-created_at", "-id")
    )


@dataclass
class RequestTargets:
    """What a student may ask about in a tracker: its standards and their assignments."""

    standards: list[TrackerStandard]
    assignments: list[Assignment]


def request_targets(user: User, tracker: Tracker) -> RequestTargets:
    """The tracker's standards, and the assignments given to the student's classes (two)."""
    standards = list(
        TrackerStandard.objects.filter(tracker=tracker)
        .select_related("standard")
        .order_by("standard__human_coding_scheme", "standard_id")
    )
    assignments = list(
        Assignment.objects.filter(
            Q(
                pk__in=AssignmentSection.objects.filter(section__in=_student_sections(user)).values(
                    "assignment"
                )
            )
            | Q(student=user),  # given to the student alone
            tracker=tracker,
        )
        .select_related("assessment")
        .order_by("-opens_at", "-id")
    )
    return RequestTargets(standards, assignments)


@dataclass
class TrackerRequest:
    """A request as its teacher reads it, with the assessments an approval may open."""

    request: ReassessmentRequest
    options: list[Assessment] = field(default_factory=list)


def tracker_requests(
    user: AnyUser, tracker: Tracker
) -> tuple[list[TrackerRequest], list[ReassessmentRequest]]:
    """The pending requests (oldest first, each with its options) and the latest decided
    ones, of the tracker's students ``user`` may see (three queries)."""
    rows = list(
        ReassessmentRequest.objects.filter(
            tracker=tracker, student__in=visible_tracker_students(user, tracker).values("pk")
        )
        .select_related("student", "standard", "assignment__assessment", "decided_by")
        .order_by("created_at", "id")
    )
    pending = [row for row in rows if row.status == RequestStatus.PENDING]
    decided = sorted(
        (row for row in rows if row.status != RequestStatus.PENDING),
        key=lambda row: (row.decided_at or row.created_at, row.pk),
        reverse=True,
    )[:DECIDED_SHOWN]
    standards_of = assessment_standards(tracker)
    given = Assessment.objects.in_bulk(list(standards_of))
    covering: dict[int, list[Assessment]] = defaultdict(list)
    for assessment in sorted(given.values(), key=lambda a: (-a.assessed_on.toordinal(), a.title)):
        for standard_id in standards_of[assessment.pk]:
            covering[standard_id].append(assessment)
    return [_with_options(row, covering, standards_of) for row in pending], decided


def assessment_standards(tracker: Tracker) -> dict[int, set[int]]:
    """The standards each of the tracker's assessments covers: its alignments, and those of
    the items placed in it and of their rubrics' criteria (three queries)."""
    given = TrackerAssessment.objects.filter(tracker=tracker).values("assessment")
    found: dict[int, set[int]] = {pk: set() for pk in given.values_list("assessment", flat=True)}
    for rows in (
        AssessmentStandard.objects.filter(assessment__in=given).values_list(
            "assessment_id", "standard_id"
        ),
        AssessmentItem.objects.filter(assessment__in=given).values_list(
            "assessment_id", "item_version__alignments__standard_id"
        ),
        AssessmentItem.objects.filter(assessment__in=given).values_list(
            "assessment_id", "item_version__criteria__standard_id"
        ),
    ):
        for assessment_id, standard_id in rows:
            if standard_id is not None:
                found[assessment_id].add(standard_id)
    return found


def _with_options(
    row: ReassessmentRequest,
    covering: dict[int, list[Assessment]],
    standards_of: dict[int, set[int]],
) -> TrackerRequest:
    if row.standard_id is not None:
        return TrackerRequest(row, covering.get(row.standard_id, []))
    original = row.assignment.assessment  # type: ignore[union-attr]
    wanted = standards_of.get(original.pk, set())
    others = {
        a.pk: a
        for standard in wanted
        for a in covering.get(standard, [])
        if a.pk != original.pk and wanted <= standards_of.get(a.pk, set())
    }
    return TrackerRequest(row, [original, *others.values()])


def pending_request_count(user: AnyUser, tracker: Tracker) -> int:
    return ReassessmentRequest.objects.filter(
        tracker=tracker,
        status=RequestStatus.PENDING,
        student__in=visible_tracker_students(user, tracker).values("pk"),
    ).count()


def tracker_request_or_404(tracker: Tracker, request_id: int) -> ReassessmentRequest:
    try:
        return ReassessmentRequest.objects.select_related(
            "student", "tracker", "assignment__assessment"
        ).get(tracker=tracker, pk=request_id)
    except ReassessmentRequest.DoesNotExist:
        raise Http404("No such request.") from None


def individual_assignment_of(grant: AttemptGrant) -> Assignment | None:
    """The assignment an approval gave its student alone (a grant with no assignment of its
    own), for telling the teacher its Test ID."""
    if grant.assignment_id is not None:
        return None
    return (
        Assignment.objects.filter(
            tracker_id=grant.tracker_id, assessment_id=grant.assessment_id, student=grant.student
        )
        .order_by("-opens_at", "-id")
        .first()
    )
