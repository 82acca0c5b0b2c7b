"""The school and district dashboards: mastery by standard, section, teacher, grade, school
and student group, as of any day, read from the maintained counts (ADR 25).

A fixed number of queries whatever the size of the school or district: every figure as of
the day is one grouped read of the schools' counts (a weekly checkpoint and the changes since:
:mod:`masterly.trackers.school_counts`), the months before it one more, and how many students
each figure is about one ``COUNT(DISTINCT …)`` per kind over their enrollments. No figure
about fewer students than ``DASHBOARD_MIN_GROUP`` is shown
(:mod:`masterly.trackers.selectors.suppression`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from masterly.roster import access
from masterly.roster.groups import GROUPS, group_label
from masterly.roster.models import Enrollment, Org, Role, StudentGroupMembership
from masterly.standards.models import Standard
from masterly.trackers.dashboard_counts import NOT_ASSESSED
from masterly.trackers.models import SchoolLevelCount, Tracker, TrackerSection
from masterly.trackers.school_counts import checkpoint_on_or_before
from masterly.trackers.selectors.dashboard_figures import (
    Figure,
    Table,
    group_families,
    level_order,
)
from masterly.trackers.selectors.suppression import suppress
from masterly.trackers.selectors.trackers import AnyUser

TABLES = ("standard", "school", "section", "teacher", "grade", "group")


@dataclass(frozen=True, slots=True)
class Placement:
    """A tracked section of the scope, with what its figures are grouped by."""

    section_id: int
    title: str
    grade: str
    school_id: int
    school_name: str
    teacher_id: int
    teacher_name: str


@dataclass
class Dashboard:
    """What a dashboard shows, every figure already suppressed where it must be."""

    schools: list[Org]
    school: Org | None
    grade: str
    as_of: datetime.date
    levels: list[str]
    minimum: int
    tables: dict[str, Table]
    over_time: list[tuple[datetime.date, Figure]]
    being_updated: list[int] = field(default_factory=list)

    @property
    def is_district(self) -> bool:
        return self.school is None

    def table(self, name: str) -> Table:
        return self.tables[name]

    def figures(self, keys: Iterable[str]) -> list[Figure]:
        """The figures of these keys (``section:12``, ``group:sex:female``…), in order."""
        index = {row.key: row for table in self.tables.values() for row in table.rows}
        return [index[key] for key in keys if key in index]


def school_dashboard(
    user: AnyUser,
    *,
    as_role: Role | None,
    school_id: int | None,
    as_of: datetime.date,
    grade: str = "",
) -> Dashboard:
    """The dashboard of one school (``school_id``) or of every school ``user`` oversees as
    ``as_role`` (a district admin's district), as it stood at the end of ``as_of``.

    Raises ``Http404`` for a school the user does not oversee.
    """
    schools = list(access.visible_schools(user, as_role=as_role).order_by("name", "pk"))
    school = None
    if school_id is not None:
        school = next((each for each in schools if each.pk == school_id), None)
        if school is None:
            raise Http404("No such school")
    in_scope = [school] if school else schools
    placements = _placements([each.pk for each in in_scope], grade)
    return _Reader(in_scope, school, grade, as_of, placements).dashboard(schools)


def _placements(school_ids: list[int], grade: str) -> list[Placement]:
    """The scope's sections that a current tracker follows (one query)."""
    rows = (
        TrackerSection.objects.filter(section__school_id__in=school_ids, tracker__is_archived=False)
        .filter(Q(section__grades=grade) if grade else Q())
        .order_by("section__title", "section_id", "tracker_id")
        .values_list(
            "section_id",
            "section__title",
            "section__grades",
            "section__school_id",
            "section__school__name",
            "tracker__owner_id",
            "tracker__owner__first_name",
            "tracker__owner__last_name",
        )
    )
    seen: dict[int, Placement] = {}
    for section, title, grades, school, school_name, teacher, first, last in rows:
        if section not in seen:  # a section two trackers follow: its first tracker's teacher
            name = f"{first} {last}".strip()
            seen[section] = Placement(section, title, grades, school, school_name, teacher, name)
    return list(seen.values())


class _Reader:
    def __init__(
        self,
        schools: list[Org],
        school: Org | None,
        grade: str,
        as_of: datetime.date,
        placements: list[Placement],
    ) -> None:
        self.school_ids = [each.pk for each in schools]
        self.school = school
        self.grade = grade
        self.as_of = as_of
        self.placements = {each.section_id: each for each in placements}
        self.minimum: int = settings.DASHBOARD_MIN_GROUP

    def _school_counts(self) -> QuerySet[SchoolLevelCount]:
        rows = SchoolLevelCount.objects.filter(school_id__in=self.school_ids).order_by()
        return rows.filter(grade=self.grade) if self.grade else rows

    def _figures(self) -> dict[tuple[str, str], dict[str, int]]:
        """(kind, key) → level → count as of the day: one checkpoint and the changes
        since (one query)."""
        rows = self._school_counts()
        checkpoint = checkpoint_on_or_before(self.as_of, timezone.localdate())
        if checkpoint is None:  # an earlier school year: every change up to the day
            rows = rows.filter(checkpoint=False, day__lte=self.as_of)
        else:
            rows = rows.filter(
                Q(checkpoint=True, day=checkpoint)
                | Q(checkpoint=False, day__gt=checkpoint, day__lte=self.as_of)
            )
        figures: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for kind, key, level, total in (
            rows.values("kind", "key", "level")
            .annotate(total=Sum("count"))
            .values_list("kind", "key", "level", "total")
        ):
            if total:
                figures[(kind, key)][level] += total
        return figures

    def _students(self) -> QuerySet[Enrollment]:
        return Enrollment.objects.filter(
            section_id__in=list(self.placements),
            role=Enrollment.Role.STUDENT,
            is_active=True,
        ).order_by()

    def dashboard(self, overseen: list[Org]) -> Dashboard:
        figures = self._figures()
        by_section = {
            int(key): dict(counts) for (kind, key), counts in figures.items() if kind == "section"
        }
        students = self._student_counts()
        tables = {
            "standard": self._by_standard(figures),
            "section": self._rolled_up(by_section, students, "section"),
            "teacher": self._rolled_up(by_section, students, "teacher"),
            "grade": self._rolled_up(by_section, students, "grade"),
            "school": self._rolled_up(by_section, students, "school"),
            "group": self._by_group(figures, students),
        }
        if self.school is not None:
            del tables["school"]
        over_time = self._over_time(by_section, students["all"].get("all", 0))
        levels = level_order(
            level for table in tables.values() for row in table.rows for level in row.raw
        )
        for table in tables.values():
            table.levels = levels
        return Dashboard(
            schools=overseen,
            school=self.school,
            grade=self.grade,
            as_of=self.as_of,
            levels=levels,
            minimum=self.minimum,
            tables=tables,
            over_time=over_time,
            being_updated=self._stale(),
        )

    # ---------------------------------------------------------------- the tables

    def _by_standard(self, figures: dict[tuple[str, str], dict[str, int]]) -> Table:
        sums = {
            int(key): dict(counts) for (kind, key), counts in figures.items() if kind == "standard"
        }
        standards = Standard.objects.filter(pk__in=list(sums))
        codes = dict(standards.values_list("pk", "human_coding_scheme"))
        rows = [
            Figure(f"standard:{pk}", codes.get(pk, "?"), sum(counts.values()), counts)
            for pk, counts in sorted(sums.items(), key=lambda item: codes.get(item[0], ""))
        ]
        # Standards do not partition the students: each is its own figure.
        return Table("standard", "Mastery by standard", suppress(rows, self.minimum, None))

    def _student_counts(self) -> dict[str, dict[str, int]]:
        """How many distinct students each section, teacher, grade, school and group holds."""
        placed = self._students()
        out: dict[str, dict[str, int]] = {}
        out["all"] = {"all": placed.values("user_id").distinct().count()}
        out["section"] = {
            str(key): n
            for key, n in placed.values("section_id")
            .annotate(n=Count("user_id", distinct=True))
            .values_list("section_id", "n")
        }
        for name, path in (("grade", "section__grades"), ("school", "section__school_id")):
            out[name] = {
                str(key): n
                for key, n in placed.values(path)
                .annotate(n=Count("user_id", distinct=True))
                .values_list(path, "n")
            }
        out["teacher"] = {
            str(key): n
            for key, n in placed.annotate(teacher=_teacher_of())
            .values("teacher")
            .annotate(n=Count("user_id", distinct=True))
            .values_list("teacher", "n")
        }
        out["group"] = _group_students(placed)
        return out

    def _rolled_up(
        self, by_section: dict[int, dict[str, int]], students: dict[str, dict[str, int]], name: str
    ) -> Table:
        sums: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        labels: dict[str, str] = {}
        for section, counts in by_section.items():
            placement = self.placements.get(section)
            if placement is None:
                continue
            key, label = _dimension(placement, name)
            labels[key] = label
            for level, total in counts.items():
                sums[key][level] += total
        rows = [
            Figure(f"{name}:{key}", labels[key], students[name].get(key, 0), dict(counts))
            for key, counts in sorted(sums.items(), key=lambda item: labels[item[0]])
        ]
        titles = {
            "section": "Mastery by section",
            "teacher": "Mastery by teacher",
            "grade": "Mastery by grade",
            "school": "Mastery by school",
        }
        # Sections, teachers, grades and schools each split the scope's students; a
        # teacher's, a grade's and a school's sections each split a figure shown beside them.
        splits = [[row.key for row in rows]]
        if name == "section":
            for other in ("teacher", "grade", "school"):
                within: dict[str, list[str]] = defaultdict(list)
                for placement in self.placements.values():
                    within[_dimension(placement, other)[0]].append(
                        f"section:{placement.section_id}"
                    )
                splits += list(within.values())
        return Table(name, titles[name], suppress(rows, self.minimum, splits))

    def _by_group(
        self, figures: dict[tuple[str, str], dict[str, int]], students: dict[str, dict[str, int]]
    ) -> Table:
        sums = {key: dict(counts) for (kind, key), counts in figures.items() if kind == "group"}
        rows = [
            Figure(f"group:{key}", group_label(key), students["group"].get(key, 0), counts)
            for key, counts in sorted(sums.items(), key=lambda item: _group_order(item[0]))
        ]
        families = group_families([row.key for row in rows])
        alone = {row.key for row in rows} - {key for keys in families.values() for key in keys}
        shown = suppress(
            rows, self.minimum, families.values(), total=students["all"]["all"], alone=alone
        )
        return Table("group", "Mastery by student group", shown)

    def _over_time(
        self, by_section: dict[int, dict[str, int]], students: int
    ) -> list[tuple[datetime.date, Figure]]:
        """The whole scope's figure at the end of each month of the school year before the
        day (their checkpoints: one query), then on the day itself."""
        ends = _month_ends(self.as_of)
        by_day: dict[datetime.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for day, level, total in (
            self._school_counts()
            .filter(checkpoint=True, kind="section", day__in=ends[:-1])
            .values("day", "level")
            .annotate(total=Sum("count"))
            .values_list("day", "level", "total")
        ):
            by_day[day][level] += total
        today: dict[str, int] = defaultdict(int)
        for counts in by_section.values():
            for level, total in counts.items():
                today[level] += total
        by_day[self.as_of] = today
        out: list[tuple[datetime.date, Figure]] = []
        for end in ends:
            counts = {level: n for level, n in by_day.get(end, {}).items() if n}
            figure = Figure(f"day:{end.isoformat()}", end.isoformat(), students, counts)
            out.append((end, suppress([figure], self.minimum, None)[0]))
        return out

    def _stale(self) -> list[int]:
        return list(
            Tracker.objects.filter(
                counts_stale=True,
                is_archived=False,
                tracker_sections__section_id__in=list(self.placements),
            )
            .distinct()
            .values_list("pk", flat=True)
        )


def _teacher_of() -> object:
    from django.db.models import OuterRef, Subquery

    return Subquery(
        TrackerSection.objects.filter(section_id=OuterRef("section_id"), tracker__is_archived=False)
        .order_by("tracker_id")
        .values("tracker__owner_id")[:1]
    )


def _group_students(placed: QuerySet[Enrollment]) -> dict[str, int]:
    return dict(
        StudentGroupMembership.objects.filter(student_id__in=placed.values("user_id"))
        .order_by()
        .values("group")
        .annotate(n=Count("student_id", distinct=True))
        .values_list("group", "n")
    )


_GROUP_ORDER = {key: index for index, key in enumerate(GROUPS)}


def _group_order(key: str) -> tuple[int, str]:
    return _GROUP_ORDER.get(key, len(_GROUP_ORDER)), key


def _dimension(placement: Placement, name: str) -> tuple[str, str]:
    if name == "section":
        return str(placement.section_id), placement.title
    if name == "teacher":
        return str(placement.teacher_id), placement.teacher_name
    if name == "grade":
        return placement.grade, f"Grade {placement.grade}" if placement.grade else "No grade"
    return str(placement.school_id), placement.school_name


def _month_ends(as_of: datetime.date) -> list[datetime.date]:
    """The last day of each month from the school year's start (1 August) to ``as_of``'s
    month, the last one being ``as_of`` itself."""
    year = as_of.year if as_of.month >= 8 else as_of.year - 1
    day = datetime.date(year, 8, 1)
    ends: list[datetime.date] = []
    while True:
        following = datetime.date(day.year + day.month // 12, day.month % 12 + 1, 1)
        end = following - datetime.timedelta(days=1)
        if end >= as_of:
            ends.append(as_of)
            return ends
        ends.append(end)
        day = following


__all__ = ["NOT_ASSESSED", "TABLES", "Dashboard", "school_dashboard"]
