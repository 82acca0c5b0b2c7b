"""A school's dashboard counts: its trackers' counts summed, with weekly running totals.

The per-tracker counts (:mod:`masterly.trackers.dashboard_counts`) are the unit a write
makes stale; a school's page would have to sum every one of its trackers' daily changes
since the start of time. So after its trackers are rebuilt, a school's counts are summed
across trackers by grade (sections' cells, standards' students, groups' cells: the three
things a dashboard shows) and stored as daily changes plus running totals at the end of
each Sunday and each month end of the school year
(:class:`~masterly.trackers.models.SchoolLevelCount`). A figure as of any day is then one
checkpoint and at most six days of changes, whatever the size of the school (ADR 25).

A fourth kind, ``groupstd``, holds a group's students on one standard (``key``:
``<standard id>|<group>``), read only when a page breaks a standard down by group.
Two more kinds make every read of a page independent of the number of students: ``total``
(the school's sections summed, per grade: the "over time" figures) and ``students`` (how
many distinct students each section, teacher, grade, school, group and the whole scope
holds, counted once per student; ``grade`` is :data:`EVERY_GRADE` for the whole scope or a
grade for the scope narrowed to it), stored for each school and, under the district's own
org, for each district across its schools.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator

from django.db import transaction
from django.db.models import Count, OuterRef, Subquery, Sum

from masterly.core.bulk import insert_rows
from masterly.roster.models import Enrollment, Org
from masterly.trackers.models import (
    GroupLevelCount,
    SchoolLevelCount,
    StandardLevelCount,
    TrackerSection,
)

Key = tuple[str, str, str, str]
"""(grade, kind, key, level)."""

EVERY_GRADE = "*"
"""The ``grade`` of a ``students`` row about the whole scope, every grade together."""

STUDENTS_DAY = datetime.date(2000, 1, 1)
"""The ``day`` of ``students`` rows (today's roster: no day of their own)."""


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
    schools = sorted(set(school_ids))
    for school_id in schools:
        with transaction.atomic():
            changes = _changes(school_id)
            SchoolLevelCount.objects.filter(school_id=school_id).delete()
            insert_rows(SchoolLevelCount, _rows(school_id, changes, checkpoint_days(today)))
            insert_rows(SchoolLevelCount, _student_rows(school_id, [school_id]))
    districts = Org.objects.filter(pk__in=schools, parent__isnull=False).values_list(
        "parent_id", flat=True
    )
    for district_id in sorted(set(districts)):
        with transaction.atomic():
            SchoolLevelCount.objects.filter(school_id=district_id).delete()
            insert_rows(SchoolLevelCount, _student_rows(district_id, district_schools(district_id)))


def district_schools(district_id: int) -> list[int]:
    """The schools whose students a district's ``students`` rows count (one query)."""
    return list(
        Org.objects.filter(parent_id=district_id, type=Org.Type.SCHOOL, import_pending__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def student_counts(school_ids: list[int]) -> dict[tuple[str, str], int]:
    """(grade or :data:`EVERY_GRADE`, key) → how many distinct students of these schools'
    tracked sections it holds; keys ``all`` (a grade's students: ``(grade, "all")``),
    ``section:<id>``, ``teacher:<id>`` (a section's teacher: the owner of its first current
    tracker), ``school:<id>``, ``group:<group>``.

    Counted by the database (``COUNT(DISTINCT …)`` per key and per key and grade: nine
    queries), not student by student in Python: a school's rebuild recounts its district,
    30,000 students, each time.
    """
    placed = TrackerSection.objects.filter(
        section__school_id__in=school_ids, tracker__is_archived=False
    )
    enrolled = Enrollment.objects.filter(
        section_id__in=placed.values("section_id"),
        role=Enrollment.Role.STUDENT,
        is_active=True,
    ).order_by()
    counts: dict[tuple[str, str], int] = {}
    students = Count("user_id", distinct=True)
    for section, grade, n in (
        enrolled.values("section_id", "section__grades")
        .annotate(n=students)
        .values_list("section_id", "section__grades", "n")
    ):
        counts[(EVERY_GRADE, f"section:{section}")] = counts[(grade, f"section:{section}")] = n
    for grade, n in (
        enrolled.values("section__grades").annotate(n=students).values_list("section__grades", "n")
    ):
        counts[(grade, "all")] = n
    if everyone := enrolled.aggregate(n=students)["n"]:
        counts[(EVERY_GRADE, "all")] = everyone
    for name, rows, path in (
        ("teacher", enrolled.annotate(teacher=first_owner()), "teacher"),
        ("school", enrolled, "section__school_id"),
        ("group", enrolled, "user__group_memberships__group"),
    ):
        for grade, value, n in (
            rows.values("section__grades", path)
            .annotate(n=students)
            .values_list("section__grades", path, "n")
        ):
            if value is not None:  # a student in no group
                counts[(grade, f"{name}:{value}")] = n
        for value, n in rows.values(path).annotate(n=students).values_list(path, "n"):
            if value is not None:
                counts[(EVERY_GRADE, f"{name}:{value}")] = n
    return counts


def first_owner() -> Subquery:
    """A section's teacher, for a query of rows with a ``section_id``: the owner of its first
    current tracker."""
    return Subquery(
        TrackerSection.objects.filter(section_id=OuterRef("section_id"), tracker__is_archived=False)
        .order_by("tracker_id")
        .values("tracker__owner_id")[:1]
    )


def _student_rows(owner_id: int, school_ids: list[int]) -> Iterator[dict[str, object]]:
    for (grade, key), count in student_counts(school_ids).items():
        yield {
            "school_id": owner_id,
            "grade": grade,
            "kind": "students",
            "key": key,
            "level": "",
            "day": STUDENTS_DAY,
            "checkpoint": True,
            "count": count,
        }


def _changes(school_id: int) -> dict[Key, dict[datetime.date, int]]:
    changes: dict[Key, dict[datetime.date, int]] = defaultdict(lambda: defaultdict(int))
    standard = StandardLevelCount.objects.filter(section__school_id=school_id).order_by()
    for grade, section, level, day, total in (
        standard.values("section__grades", "section_id", "level", "day")
        .annotate(total=Sum("delta"))
        .values_list("section__grades", "section_id", "level", "day", "total")
    ):
        changes[(grade, "section", str(section), level)][day] += total
        changes[(grade, "total", "", level)][day] += total
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
    for grade, standard_id, group, level, day, total in (
        GroupLevelCount.objects.filter(section__school_id=school_id, standard__isnull=False)
        .order_by()
        .values("section__grades", "standard_id", "group", "level", "day")
        .annotate(total=Sum("delta"))
        .values_list("section__grades", "standard_id", "group", "level", "day", "total")
    ):
        changes[(grade, "groupstd", f"{standard_id}|{group}", level)][day] += total
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
