"""A school's dashboard counts: its trackers' counts summed, with weekly running totals.

The per-tracker counts (:mod:`masterly.trackers.dashboard_counts`) are the unit a write
makes stale; a school's page would have to sum every one of its trackers' daily changes
since the start of time. So after its trackers are rebuilt, a school's counts are summed
across trackers by grade (sections' cells, standards' students, groups' cells: the three
things a dashboard shows) and stored as daily changes plus running totals at the end of
each Sunday and each month end of the school year
(:class:`~masterly.trackers.models.SchoolLevelCount`). A figure as of any day is then one
checkpoint and at most six days of changes, whatever the size of the school (ADR 25).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import Sum

from masterly.core.bulk import insert_rows
from masterly.trackers.models import GroupLevelCount, SchoolLevelCount, StandardLevelCount

Key = tuple[str, str, str, str]
"""(grade, kind, key, level)."""


def school_year(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The school year holding ``day``: 1 August to 31 July."""
    start = datetime.date(day.year if day.month >= 8 else day.year - 1, 8, 1)
    return start, datetime.date(start.year + 1, 7, 31)


def checkpoint_days(today: datetime.date) -> list[datetime.date]:
    """Every Sunday and month end of ``today``'s school year, and the day before it starts."""
    start, end = school_year(today)
    days = {start - datetime.timedelta(days=1)}
    day = start
    while day <= end:
        following = day + datetime.timedelta(days=1)
        if day.weekday() == 6 or following.day == 1:
            days.add(day)
        day = following
    return sorted(days)


def checkpoint_on_or_before(day: datetime.date, today: datetime.date) -> datetime.date | None:
    """The last checkpoint at or before ``day`` (None before the school year's)."""
    days = [each for each in checkpoint_days(today) if each <= day]
    return days[-1] if days else None


def rebuild_schools(school_ids: Iterable[int], *, today: datetime.date) -> None:
    """Replace these schools' counts with the sums of their trackers' counts (each school
    one transaction: three grouped reads, one delete, one bulk insert)."""
    for school_id in sorted(set(school_ids)):
        with transaction.atomic():
            changes = _changes(school_id)
            SchoolLevelCount.objects.filter(school_id=school_id).delete()
            insert_rows(SchoolLevelCount, _rows(school_id, changes, checkpoint_days(today)))


def _changes(school_id: int) -> dict[Key, dict[datetime.date, int]]:
    changes: dict[Key, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    standard = StandardLevelCount.objects.filter(section__school_id=school_id).order_by()
    for grade, section, level, day, total in (
        standard.values("section__grades", "section_id", "level", "day")
        .annotate(total=Sum("delta"))
        .values_list("section__grades", "section_id", "level", "day", "total")
    ):
        changes[(grade, "section", str(section), level)][day] += total
    for grade, pk, level, day, total in (
        standard.values("section__grades", "standard_id", "level", "day")
        .annotate(total=Sum("delta"))
        .values_list("section__grades", "standard_id", "level", "day", "total")
    ):
        changes[(grade, "standard", str(pk), level)][day] += total
    for grade, group, level, day, total in (
        GroupLevelCount.objects.filter(section__school_id=school_id)
        .order_by()
        .values("section__grades", "group", "level", "day")
        .annotate(total=Sum("delta"))
        .values_list("section__grades", "group", "level", "day", "total")
    ):
        changes[(grade, "group", group, level)][day] += total
    return changes


def _rows(
    school_id: int,
    changes: dict[Key, dict[datetime.date, int]],
    checkpoints: list[datetime.date],
) -> Iterator[dict[str, object]]:
    for (grade, kind, key, level), by_day in changes.items():
        base = {"school_id": school_id, "grade": grade, "kind": kind, "key": key, "level": level}
        for day, count in by_day.items():
            if count:
                yield {**base, "day": day, "checkpoint": False, "count": count}
        days = sorted(by_day)
        running, index = 0, 0
        for checkpoint in checkpoints:
            while index < len(days) and days[index] <= checkpoint:
                running += by_day[days[index]]
                index += 1
            if running:
                yield {**base, "day": checkpoint, "checkpoint": True, "count": running}
