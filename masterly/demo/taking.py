"""The demo student has an online assessment open now: a quick check of ten items from the
district bank on their tracker's standards, assigned by their teacher to period 1 for two
weeks from today, 30 minutes, one item per screen (Test ID shown on the tracker's
Assignments page)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.composition import services as composition
from masterly.assessments.items.models import Item, ItemVersion, Scope
from masterly.assessments.models import Assessment
from masterly.roster.models import Enrollment
from masterly.trackers.models import Tracker, TrackerSection, TrackerStandard
from masterly.trackers.services.assignments import AssignmentTerms, assignment_create

TITLE = "Ratios quick check (online)"
ITEMS = 10
OPEN_DAYS = 14


@dataclass
class TakingDemo:
    lines: list[str]


def build_taking_demo(*, today: datetime.date) -> TakingDemo:
    student = User.objects.filter(username="student").first()
    enrollment = (
        Enrollment.objects.filter(user=student, role=Enrollment.Role.STUDENT, is_active=True)
        .order_by("pk")
        .first()
    )
    placement = (
        TrackerSection.objects.filter(section_id=enrollment.section_id, tracker__is_archived=False)
        .select_related("tracker__owner", "section")
        .order_by("tracker_id")
        .first()
        if enrollment is not None
        else None
    )
    if placement is None:
        return TakingDemo(["Online assessment: the demo student has no tracker; skipped."])
    tracker: Tracker = placement.tracker
    teacher = tracker.owner
    if Assessment.objects.filter(title=TITLE, created_by=teacher).exists():
        return TakingDemo([f"{TITLE}: already there."])
    standards = TrackerStandard.objects.filter(tracker=tracker).values("standard")
    versions = list(
        ItemVersion.objects.filter(
            pk__in=Item.objects.filter(scope=Scope.DISTRICT).values("current"),
            alignments__standard__in=standards,
            interaction__in=["multiple_choice", "true_false", "numeric", "short_text"],
        )
        .order_by("pk")
        .distinct()[:ITEMS]
    )
    if not versions:
        return TakingDemo(["Online assessment: no bank items on the tracker's standards."])
    assessment = composition.assessment_create(
        actor=teacher, title=TITLE, kind=Assessment.Kind.QUICK_CHECK, assessed_on=today
    )
    composition.items_add(
        actor=teacher,
        assessment=assessment,
        items=[version.item for version in versions],
        section=1,
    )
    # Open from the start of the demo's day (never later than now): open when people look.
    start = min(
        timezone.make_aware(datetime.datetime.combine(today, datetime.time.min)), timezone.now()
    )
    assignment = assignment_create(
        actor=teacher,
        tracker=tracker,
        assessment=assessment,
        sections=[placement.section],
        terms=AssignmentTerms(
            opens_at=start,
            closes_at=start + datetime.timedelta(days=OPEN_DAYS),
            time_limit_minutes=30,
        ),
    )
    return TakingDemo(
        [
            f"{TITLE}: {len(versions)} items, open to {placement.section.title} for "
            f"{OPEN_DAYS} days (Test ID {assignment.test_id})."
        ]
    )
