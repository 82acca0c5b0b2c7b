"""The tracker list: the trackers a user may open, with percent assessed, and the classes a
new tracker may be built on."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from masterly.assessments.models import Evidence
from masterly.roster import access
from masterly.roster.models import Role, Section
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker, TrackerStandard
from masterly.trackers.selectors.trackers import AnyUser, visible_trackers


@dataclass
class TrackerRow:
    tracker: Tracker
    sections: list[Section]
    standard_count: int
    assessed_count: int

    @property
    def percent_assessed(self) -> int:
        if not self.standard_count:
            return 0
        return round(self.assessed_count * 100 / self.standard_count)


@dataclass
class TrackerList:
    current: list[TrackerRow]
    archived: list[TrackerRow]


def tracker_list(user: AnyUser) -> TrackerList:
    """The trackers ``user`` may open, current and archived, with percent assessed.

    Three queries: the trackers, their sections, and for every (tracker, standard) whether
    any of the tracker's students has evidence on it.
    """
    trackers = list(
        visible_trackers(user)
        .select_related("curriculum_map", "owner")
        .prefetch_related("sections")
        .order_by("name", "id")
    )
    assessed = Exists(
        Evidence.objects.filter(
            standard_id=OuterRef("standard_id"),
            is_deleted=False,
            student_id__in=tracker_students(OuterRef(OuterRef(OuterRef("tracker_id")))),
        )
    )
    totals: Counter[int] = Counter()
    done: Counter[int] = Counter()
    if trackers:
        for tracker_id, is_assessed in (
            TrackerStandard.objects.filter(tracker__in=[t.pk for t in trackers])
            .annotate(assessed=assessed)
            .order_by()
            .values_list("tracker_id", "assessed")
        ):
            totals[tracker_id] += 1
            done[tracker_id] += bool(is_assessed)
    rows = [TrackerRow(t, list(t.sections.all()), totals[t.pk], done[t.pk]) for t in trackers]
    return TrackerList(
        current=[row for row in rows if not row.tracker.is_archived],
        archived=[row for row in rows if row.tracker.is_archived],
    )


def creatable_sections(user: AnyUser, today: datetime.date) -> QuerySet[Section]:
    """The current sections ``user`` teaches: the ones a new tracker may be built on."""
    return (
        access.visible_sections(user, as_role=Role.TEACHER)
        .filter(is_active=True)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("course")
        .order_by("title", "id")
    )
