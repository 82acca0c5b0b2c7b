"""The demo's Mastery View: the demo student's common assessments and benchmarks, given on
paper (see ``results.py``), are assigned after the fact with the assessment, its answer key
and its item analysis open to students and families, so the demo student and parent can
follow the Parent Portal guide's Assessment, Answer Key and Item Analysis steps. A common
assessment's answer key waits for every student to finish (the default the teacher sees), so
its page also says why a tab is absent.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.models import Assessment
from masterly.roster.models import Enrollment
from masterly.trackers.assignments import Assignment, Visibility
from masterly.trackers.models import Tracker, TrackerAssessment, TrackerSection
from masterly.trackers.services.assignments import AssignmentTerms, assignment_create

# The window the paper tests were given in, before today.
WINDOW = (datetime.timedelta(days=21), datetime.timedelta(days=20))


def build_portal_mastery_demo(*, today: datetime.date) -> list[str]:
    student = User.objects.filter(username="student").first()
    if student is None:
        return ["Mastery View demo: no demo student."]
    sections = Enrollment.objects.filter(
        user=student, role=Enrollment.Role.STUDENT, is_active=True
    ).values("section")
    trackers = Tracker.objects.filter(
        is_archived=False,
        pk__in=TrackerSection.objects.filter(section__in=sections).values("tracker"),
    ).select_related("owner")
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time(8)))
    made = 0
    for tracker in trackers:
        given = Assessment.objects.filter(
            kind__in=(Assessment.Kind.COMMON, Assessment.Kind.BENCHMARK),
            pk__in=TrackerAssessment.objects.filter(tracker=tracker).values("assessment"),
        ).exclude(pk__in=Assignment.objects.filter(tracker=tracker).values("assessment"))
        for assessment in given:
            common = assessment.kind == Assessment.Kind.COMMON
            try:
                assign(tracker, assessment, start, common)
            except PermissionDenied:  # an assessment its teacher may not assign: left alone
                continue
            made += 1
    return [f"Mastery View: {made} of the demo student's paper tests open to families."]


def assign(
    tracker: Tracker, assessment: Assessment, start: datetime.datetime, common: bool
) -> None:
    assignment_create(
        actor=tracker.owner,
        tracker=tracker,
        assessment=assessment,
        sections=list(tracker.sections.all()),
        terms=AssignmentTerms(
            opens_at=start - WINDOW[0],
            closes_at=start - WINDOW[1],
            show_assessment=Visibility.NOW,
            show_answer_key=Visibility.AFTER_ALL if common else Visibility.NOW,
            show_item_analysis=Visibility.AFTER_CLOSE,
        ),
    )
