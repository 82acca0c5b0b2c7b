"""The dashboards' maintained aggregate: how many students stood at each level, day by day.

For each tracker, every cell (student × standard) starts "not assessed" on :data:`BEGINNING`
and changes level on each day evidence of it was assessed (its level then is what the
tracker's method makes of the evidence assessed up to that day) and on the day a teacher's
override was set. Each change is stored as a pair of deltas (one student less at the old
level, one more at the new) summed per section, standard and day
(:class:`~masterly.trackers.models.StandardLevelCount`) and per section, student group,
standard and day (:class:`~masterly.trackers.models.GroupLevelCount`). The figures as of
any day are then one ``SUM(delta) … WHERE day <= that day`` over a school's sections,
whatever the number of rollups (ADR 25).

A write of rollups marks its trackers ``counts_stale`` (one ``UPDATE`` in the writer's
transaction: :func:`mark_stale`); :func:`rebuild_stale` rebuilds their counts set-based, a
fixed number of queries per tracker, then their schools' sums
(:mod:`masterly.trackers.school_counts`, what the pages read), on the task queue
(``dashboard_counts_rebuild``), queued by a dashboard that finds its figures stale and
after every bulk recompute.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from masterly.assessments.models import Evidence
from masterly.core.bulk import insert_rows
from masterly.mastery import Scorer
from masterly.roster.models import StudentGroupMembership
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import (
    GroupLevelCount,
    Override,
    StandardLevelCount,
    Tracker,
    TrackerSection,
    TrackerStandard,
)
from masterly.trackers.rollups import CELL_ORDER, PercentCache, tracker_scorer
from masterly.trackers.school_counts import rebuild_schools

BEGINNING = datetime.date(2000, 1, 1)
"""The day every cell is counted "not assessed" from (before any school year Masterly holds)."""

NOT_ASSESSED = ""
"""The level stored for a cell without a level (no evidence, or no score yet)."""

Change = tuple[datetime.date, str]
"""(day, level from that day on)."""


def mark_stale(tracker_ids: Collection[int]) -> None:
    """Note that these trackers' rollups changed (one ``UPDATE``, in the caller's transaction)."""
    if not tracker_ids:
        return
    table = connection.ops.quote_name(Tracker._meta.db_table)
    marks = ", ".join(["%s"] * len(tracker_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET counts_stale = %s WHERE id IN ({marks})",  # noqa: S608
            [True, *tracker_ids],
        )


def mark_all_stale() -> None:
    """Note that every tracker's counts may be wrong: a roster or program flags import changed
    who is enrolled where or who is in which group, which every count is split by (one
    ``UPDATE``, in the caller's transaction; the dashboards queue the rebuild)."""
    Tracker.objects.filter(counts_stale=False).update(counts_stale=True)


def rebuild_stale(tracker_ids: Iterable[int] | None = None) -> int:
    """Rebuild the counts of every stale tracker (of ``tracker_ids`` if given); returns how
    many were rebuilt."""
    stale = Tracker.objects.filter(counts_stale=True)
    if tracker_ids is not None:
        stale = stale.filter(pk__in=list(tracker_ids))
    ids = list(stale.order_by("pk").values_list("pk", flat=True))
    if not ids:
        return 0
    for tracker_id in ids:
        rebuild_tracker(tracker_id)
    schools = TrackerSection.objects.filter(tracker_id__in=ids).values_list(
        "section__school_id", flat=True
    )
    rebuild_schools(schools, today=timezone.localdate())
    return len(ids)


def rebuild_tracker(tracker_id: int) -> None:
    """Replace one tracker's counts with what its evidence and overrides say now.

    The stale mark is cleared first, in its own transaction, so a write landing while the
    counts are read marks the tracker stale again and is counted by the next rebuild.
    """
    Tracker.objects.filter(pk=tracker_id).update(counts_stale=False)
    with transaction.atomic():
        tracker = Tracker.objects.get(pk=tracker_id)
        StandardLevelCount.objects.filter(tracker_id=tracker_id).delete()
        GroupLevelCount.objects.filter(tracker_id=tracker_id).delete()
        if tracker.is_archived:  # a past year's tracker: not on the dashboards
            return
        counter = _Counter(tracker_id)
        counter.count(tracker_scorer(tracker))
        insert_rows(StandardLevelCount, counter.standard_rows())
        insert_rows(GroupLevelCount, counter.group_rows())


class _Counter:
    """One tracker's cells turned into summed deltas (five reads, no query per row)."""

    def __init__(self, tracker_id: int) -> None:
        self.tracker_id = tracker_id
        self.standard_ids = sorted(
            TrackerStandard.objects.filter(tracker_id=tracker_id).values_list(
                "standard_id", flat=True
            )
        )
        self.section_of: dict[int, int] = {}
        for student, section in tracker_students(tracker_id).values_list("user", "section"):
            # A student in two of its sections is counted in the first (lowest id).
            self.section_of[student] = min(section, self.section_of.get(student, section))
        self.groups = _student_groups(tracker_id)
        self.by_standard: dict[tuple[int, int, str, datetime.date], int] = defaultdict(int)
        self.by_group: dict[tuple[int, str, int, str, datetime.date], int] = defaultdict(int)

    def count(self, scorer: Scorer) -> None:
        for student, section in self.section_of.items():
            for standard in self.standard_ids:
                self.by_standard[(section, standard, NOT_ASSESSED, BEGINNING)] += 1
            for group in self.groups.get(student, ()):
                for standard in self.standard_ids:
                    self.by_group[(section, group, standard, NOT_ASSESSED, BEGINNING)] += 1
        overrides = {
            (student, standard): (level, timezone.localdate(set_at))
            for student, standard, level, set_at in Override.objects.filter(
                tracker_id=self.tracker_id, cleared_at__isnull=True
            ).values_list("student_id", "standard_id", "level", "set_at")
        }
        for cell, points in _cells(self._evidence()):
            self._add(cell, timeline(scorer, points, overrides.pop(cell, None)))
        for cell, override in overrides.items():
            self._add(cell, timeline(scorer, [], override))

    def _evidence(self) -> Iterable[Sequence[Any]]:
        return (
            Evidence.objects.filter(
                is_deleted=False,
                student_id__in=tracker_students(self.tracker_id),
                standard_id__in=self.standard_ids,
            )
            .order_by(*CELL_ORDER)
            .values_list(
                "student_id", "standard_id", "points_earned", "points_possible", "assessed_on"
            )
            .iterator(chunk_size=10_000)
        )

    def _add(self, cell: tuple[int, int], changes: list[Change]) -> None:
        student, standard = cell
        section = self.section_of.get(student)
        if section is None or standard not in self.standard_ids:
            return
        groups = self.groups.get(student, ())
        before = NOT_ASSESSED
        for day, level in changes:
            for out, step in ((before, -1), (level, 1)):
                self.by_standard[(section, standard, out, day)] += step
                for group in groups:
                    self.by_group[(section, group, standard, out, day)] += step
            before = level

    def standard_rows(self) -> Iterable[dict[str, Any]]:
        for (section, standard, level, day), delta in self.by_standard.items():
            if delta:
                yield {
                    "tracker_id": self.tracker_id,
                    "section_id": section,
                    "standard_id": standard,
                    "level": level,
                    "day": day,
                    "delta": delta,
                }

    def group_rows(self) -> Iterable[dict[str, Any]]:
        for (section, group, standard, level, day), delta in self.by_group.items():
            if delta:
                yield {
                    "tracker_id": self.tracker_id,
                    "section_id": section,
                    "group": group,
                    "standard_id": standard,
                    "level": level,
                    "day": day,
                    "delta": delta,
                }


def _student_groups(tracker_id: int) -> dict[int, list[str]]:
    """Each student's group keys (``roster.groups``), one query."""
    groups: dict[int, list[str]] = defaultdict(list)
    for student, group in (
        StudentGroupMembership.objects.filter(student_id__in=tracker_students(tracker_id))
        .order_by()
        .values_list("student_id", "group")
    ):
        groups[student].append(group)
    return groups


Points = list[tuple[Any, Any, datetime.date]]


def _cells(rows: Iterable[Sequence[Any]]) -> Iterable[tuple[tuple[int, int], Points]]:
    """Evidence rows in cell order → each cell's (earned, possible, assessed on), in order."""
    current: tuple[int, int] | None = None
    points: Points = []
    for student, standard, earned, possible, assessed_on in rows:
        if (student, standard) != current:
            if current is not None:
                yield current, points
            current, points = (student, standard), []
        points.append((earned, possible, assessed_on))
    if current is not None:
        yield current, points


def timeline(
    scorer: Scorer, points: Points, override: tuple[str, datetime.date] | None
) -> list[Change]:
    """A cell's level from each day it changed: after each day's evidence, the method's level
    of the evidence assessed up to then; from the day an override was set, its level."""
    percent = PercentCache(scorer)
    not_assessed = scorer.policy.scale.not_assessed.abbreviation
    values: list[Decimal] = []
    changes: list[Change] = []
    level = NOT_ASSESSED
    for index, (earned, possible, day) in enumerate(points):
        values.append(percent(earned, possible))
        if index + 1 < len(points) and points[index + 1][2] == day:
            continue  # the day's last evidence decides the day's level
        if override is not None and day >= override[1]:
            break
        abbreviation = scorer.score(values)[1].abbreviation
        new = NOT_ASSESSED if abbreviation == not_assessed else abbreviation
        if new != level:
            changes.append((day, new))
            level = new
    if override is not None and override[0] != level:
        changes.append((override[1], override[0]))
    return changes
