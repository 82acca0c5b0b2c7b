"""Who is in a tracker: the one definition of "the students of a tracker".

A tracker's students are the active student enrollments in its active sections. The access
rules, the rollups, the grid and the services all read membership through
:func:`tracker_students`, so they can never disagree about who is in a tracker. Two
exceptions: ``masterly rollups verify`` re-derives it on purpose, as an independent check;
the lock of every evidence write (:func:`masterly.trackers.rollup_cells.lock_cells`) spells it as
joins driven from the written students' enrollments (one indexed query; this correlated
subquery would drive it from the trackers), and tests/trackers/test_lock_cells_membership.py
holds the two equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.db.models.expressions import Combinable

from masterly.roster.models import Enrollment
from masterly.trackers.models import TrackerSection

# A tracker: its id, an ``OuterRef`` to one, or a subquery of tracker ids.
Trackers = int | Combinable | QuerySet[Any, Any]


def tracker_students(
    tracker: Trackers, *, sections: Sequence[int] | None = None
) -> QuerySet[Enrollment, Any]:
    """The ids of the students of ``tracker`` (``values("user")``, a subquery; a student in
    two of its sections comes twice), only those in ``sections`` if given."""
    if isinstance(tracker, QuerySet):
        placements = TrackerSection.objects.filter(tracker__in=tracker)
    else:
        placements = TrackerSection.objects.filter(tracker_id=tracker)
    enrollments = Enrollment.objects.filter(
        role=Enrollment.Role.STUDENT,
        is_active=True,
        section__is_active=True,
        section__in=placements.values("section"),
    )
    if sections is not None:
        enrollments = enrollments.filter(section_id__in=sections)
    return enrollments.values("user")


def student_trackers(student: Any) -> QuerySet[TrackerSection, Any]:
    """The ids of the trackers ``student`` is a student of now (``values("tracker")``, a
    subquery): an individual assignment is theirs only while this holds."""
    sections = Enrollment.objects.filter(
        user=student, role=Enrollment.Role.STUDENT, is_active=True, section__is_active=True
    ).values("section")
    return TrackerSection.objects.filter(section__in=sections).values("tracker")
