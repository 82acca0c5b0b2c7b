"""The school and district dashboards: mastery by standard, section, teacher, grade, school
and student group, as of any day, read from the maintained counts (ADR 25).

A fixed number of queries whatever the size of the school or district: every figure as of
the day is one grouped read of the schools' counts (a weekly checkpoint and the changes since:
:mod:`masterly.trackers.school_counts`), the months before it one more, and how many students
each figure is about one read of the maintained ``students`` rows. No figure
about fewer students than ``DASHBOARD_MIN_GROUP`` is shown
(:mod:`masterly.trackers.selectors.suppression`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from masterly.roster import access
from masterly.roster.groups import GROUPS, group_label
from masterly.roster.models import Org, Role
from masterly.standards.models import Standard
from masterly.standards.text import grade_numbers
from masterly.trackers.dashboard_counts import NOT_ASSESSED
from masterly.trackers.models import SchoolLevelCount, TrackerSection
from masterly.trackers.school_counts import (
    EVERY_GRADE,
    checkpoint_on_or_before,
    district_schools,
    student_counts,
)
from masterly.trackers.selectors.dashboard_figures import (
    Figure,
    Table,
    group_families,
    level_order,
)
from masterly.trackers.selectors.suppression import suppress
from masterly.trackers.selectors.trackers import AnyUser

TABLES = ("standard", "school", "section", "teacher", "grade", "group", "group_standard")


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

    def standard_choices(self) -> list[tuple[int, str]]:
        """(id, code) of the standards of the scope, for the choice of one to break down by
        student group."""
        return [(int(row.key.split(":", 1)[1]), row.label) for row in self.tables["standard"].rows]

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
    standard: int | None = None,
) -> Dashboard:
    """The dashboard of one school (``school_id``) or of every school ``user`` oversees as
    ``as_role`` (a district admin's district), as it stood at the end of ``as_of``; with
    ``standard``, its student groups on that standard too (table ``group_standard``).

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
    return _Reader(in_scope, school, grade, as_of, placements).dashboard(schools, standard)


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
        self.schools = schools
        self.school_ids = [each.pk for each in schools]
        self.school = school
        self.grade = grade
        self.as_of = as_of
        self.placements = {each.section_id: each for each in placements}
        self.minimum: int = settings.DASHBOARD_MIN_GROUP

    def _school_counts(self) -> QuerySet[SchoolLevelCount]:
        rows = SchoolLevelCount.objects.filter(school_id__in=self.school_ids).order_by()
        return rows.filter(grade=self.grade) if self.grade else rows

    def _figures(self, standard: int | None = None) -> dict[tuple[str, str], dict[str, int]]:
        """(kind, key) → level → count as of the day: one checkpoint, then the changes
        since (two queries, each one range of the index: an ``OR`` of the two made SQLite
        read every checkpoint of the year); with ``standard``, its groups' (``groupstd``)."""
        rows = self._school_counts()
        if standard is None:
            rows = rows.filter(kind__in=("section", "standard", "group", "total"))
        else:
            rows = rows.filter(kind="groupstd", key__startswith=f"{standard}|")
        checkpoint = checkpoint_on_or_before(self.as_of, timezone.localdate())
        if checkpoint is None:  # an earlier school year: every change up to the day
            parts = [rows.filter(checkpoint=False, day__lte=self.as_of)]
        else:
            parts = [
                rows.filter(checkpoint=True, day=checkpoint),
                rows.filter(checkpoint=False, day__gt=checkpoint, day__lte=self.as_of),
            ]
        figures: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for part in parts:
            for kind, key, level, total in (
                part.values("kind", "key", "level")
                .annotate(total=Sum("count"))
                .values_list("kind", "key", "level", "total")
            ):
                figures[(kind, key)][level] += total
        for counts in figures.values():
            for level in [level for level, total in counts.items() if not total]:
                del counts[level]
        return {key: counts for key, counts in figures.items() if counts}

    def dashboard(self, overseen: list[Org], standard: int | None) -> Dashboard:
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
        if standard is not None:
            tables["group_standard"] = self._by_group_on(standard, figures, tables["standard"])
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
        # In the framework's own order (6.RP, 6.NS, 6.EE), not the codes' alphabetical one.
        codes = dict(
            Standard.objects.filter(pk__in=list(sums))
            .order_by("framework_id", "tree_path", "human_coding_scheme")
            .values_list("pk", "human_coding_scheme")
        )
        ordered = [*codes, *(pk for pk in sums if pk not in codes)]
        rows = [
            Figure(f"standard:{pk}", codes.get(pk, "?"), sum(sums[pk].values()), sums[pk])
            for pk in ordered
        ]
        # Standards do not partition the students: each is its own figure.
        return _table("standard", suppress(rows, self.minimum, None))

    def _counted_by(self) -> int | None:
        """The org whose ``students`` rows count this scope's students: the school, or the
        district when the scope is exactly its schools (None otherwise: counted live)."""
        if self.school is not None:
            return int(self.school.pk)
        parents = {each.parent_id for each in self.schools}
        if len(parents) != 1:
            return None
        district = parents.pop()
        if district is None or district_schools(district) != sorted(self.school_ids):
            return None
        return int(district)

    def _student_counts(self) -> dict[str, dict[str, int]]:
        """How many distinct students each section, teacher, grade, school and group holds,
        from the maintained ``students`` rows (one query); a scope no maintained rows are
        about (schools of two districts) is counted from its enrollments."""
        scope = self.grade or EVERY_GRADE
        owner = self._counted_by()
        if owner is None:
            rows: Iterable[tuple[str, str, int]] = [
                (grade, key, count)
                for (grade, key), count in student_counts(self.school_ids).items()
                if grade == scope or key == "all"
            ]
        else:
            rows = (
                SchoolLevelCount.objects.filter(school_id=owner, kind="students")
                .filter(Q(grade=scope) | Q(key="all"))
                .values_list("grade", "key", "count")
            )
        out: dict[str, dict[str, int]] = {
            "all": {"all": 0},
            **{name: {} for name in ("section", "teacher", "grade", "school", "group")},
        }
        for grade, key, count in rows:
            if key == "all":
                if grade == scope:
                    out["all"]["all"] = count
                if grade != EVERY_GRADE and (not self.grade or grade == self.grade):
                    out["grade"][grade] = count
            elif grade == scope:
                name, value = key.split(":", 1)
                out[name][value] = count
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
            key = _dimension_key(placement, name)
            if key not in labels:  # a label once per row, not once per section
                labels[key] = _dimension_label(placement, name)
            for level, total in counts.items():
                sums[key][level] += total
        rows = [
            Figure(f"{name}:{key}", labels[key], students[name].get(key, 0), dict(counts))
            for key, counts in sorted(sums.items(), key=lambda item: labels[item[0]])
        ]
        # Sections, teachers, grades and schools each split the scope's students; a
        # teacher's, a grade's and a school's sections each split a figure shown beside them.
        splits = [[row.key for row in rows]]
        if name == "section":
            for other in ("teacher", "grade", "school"):
                within: dict[str, list[str]] = defaultdict(list)
                for placement in self.placements.values():
                    within[_dimension_key(placement, other)].append(
                        f"section:{placement.section_id}"
                    )
                splits += list(within.values())
        return _table(name, suppress(rows, self.minimum, splits))

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
        return _table("group", shown)

    def _by_group_on(
        self, standard: int, figures: dict[tuple[str, str], dict[str, int]], standards: Table
    ) -> Table:
        """The groups' figures on one standard: a group's students with a cell on it, each at
        their level; suppressed as the groups across standards are, within the students the
        standard's own figure is about (one query)."""
        sums = {
            key.split("|", 1)[1]: dict(counts)
            for (_, key), counts in self._figures(standard).items()
        }
        rows = [
            Figure(f"group_standard:{key}", group_label(key), sum(counts.values()), counts)
            for key, counts in sorted(sums.items(), key=lambda item: _group_order(item[0]))
        ]
        families = group_families([row.key.replace("group_standard:", "group:") for row in rows])
        families = {
            name: [key.replace("group:", "group_standard:", 1) for key in keys]
            for name, keys in families.items()
        }
        alone = {row.key for row in rows} - {key for keys in families.values() for key in keys}
        total = sum(figures.get(("standard", str(standard)), {}).values())
        shown = suppress(rows, self.minimum, families.values(), total=total, alone=alone)
        code = next((row.label for row in standards.rows if row.key == f"standard:{standard}"), "?")
        return Table(
            "group_standard",
            gettext("Mastery by student group on %(code)s") % {"code": code},
            gettext("Student group on %(code)s") % {"code": code},
            shown,
        )

    def _over_time(
        self, by_section: dict[int, dict[str, int]], students: int
    ) -> list[tuple[datetime.date, Figure]]:
        """The whole scope's figure at the end of each month of the school year before the
        day (their checkpoints: one query), then on the day itself."""
        ends = _month_ends(self.as_of)
        by_day: dict[datetime.date, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for day, level, total in (
            self._school_counts()
            .filter(checkpoint=True, kind="total", day__in=ends[:-1])
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
        # By the scope's schools (and grade), not by a list of its thousand sections.
        followed = TrackerSection.objects.filter(
            section__school_id__in=self.school_ids,
            tracker__counts_stale=True,
            tracker__is_archived=False,
        )
        if self.grade:
            followed = followed.filter(section__grades=self.grade)
        return sorted(set(followed.values_list("tracker_id", flat=True)))


_TITLES = {
    "standard": (gettext_lazy("Mastery by standard"), gettext_lazy("Standard")),
    "section": (gettext_lazy("Mastery by section"), gettext_lazy("Section")),
    # In context: "Teacher" alone is a plural entry of the catalog, which gettext skips.
    "teacher": (gettext_lazy("Mastery by teacher"), pgettext_lazy("dashboard", "Teacher")),
    "grade": (gettext_lazy("Mastery by grade"), gettext_lazy("Grade")),
    "school": (gettext_lazy("Mastery by school"), gettext_lazy("School")),
    "group": (gettext_lazy("Mastery by student group"), gettext_lazy("Student group")),
}
"""Each table's title and row heading by its stable name, in the reader's language."""


def _table(name: str, rows: list[Figure]) -> Table:
    title, heading = _TITLES[name]
    return Table(name, str(title), str(heading), rows)


_GROUP_ORDER = {key: index for index, key in enumerate(GROUPS)}


def _group_order(key: str) -> tuple[int, str]:
    return _GROUP_ORDER.get(key, len(_GROUP_ORDER)), key


def _dimension_key(placement: Placement, name: str) -> str:
    if name == "section":
        return str(placement.section_id)
    if name == "teacher":
        return str(placement.teacher_id)
    if name == "grade":
        return placement.grade
    return str(placement.school_id)


def _dimension_label(placement: Placement, name: str) -> str:
    if name == "section":
        return placement.title
    if name == "teacher":
        return placement.teacher_name
    if name == "grade":
        if not placement.grade:
            return gettext("No grade")
        return gettext("Grade %(grade)s") % {"grade": grade_numbers(placement.grade)}
    return placement.school_name


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
