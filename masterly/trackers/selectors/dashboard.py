"""The school and district dashboards: mastery by standard, section, teacher, grade, school
and student group, as of any day, read from the maintained counts (ADR 20).

A fixed number of queries whatever the size of the school or district: each table is one
``SUM(delta) … GROUP BY`` over the scope's sections in
:mod:`masterly.trackers.dashboard_counts`, and how many students each figure is about is one
``COUNT(DISTINCT …)`` over their enrollments. No figure about fewer students than
``DASHBOARD_MIN_GROUP`` is shown (:mod:`masterly.trackers.selectors.suppression`).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from masterly.roster import access
from masterly.roster.groups import GROUPS, group_label
from masterly.roster.models import Enrollment, Org, Role, StudentGroupMembership
from masterly.standards.models import Standard
from masterly.trackers.dashboard_counts import NOT_ASSESSED
from masterly.trackers.models import (
    GroupLevelCount,
    StandardLevelCount,
    Tracker,
    TrackerSection,
)
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

    def _counts(self, model: type[StandardLevelCount] | type[GroupLevelCount]) -> QuerySet:
        counts = model.objects.filter(
            section__school_id__in=self.school_ids, day__lte=self.as_of
        ).order_by()
        if self.grade:
            counts = counts.filter(section__grades=self.grade)
        return counts

    def _students(self) -> QuerySet[Enrollment]:
        return Enrollment.objects.filter(
            section_id__in=list(self.placements),
            role=Enrollment.Role.STUDENT,
            is_active=True,
        ).order_by()

    def dashboard(self, overseen: list[Org]) -> Dashboard:
        by_section = self._by_section()
        students = self._student_counts()
        tables = {
            "standard": self._by_standard(),
            "section": self._rolled_up(by_section, students, "section"),
            "teacher": self._rolled_up(by_section, students, "teacher"),
            "grade": self._rolled_up(by_section, students, "grade"),
            "school": self._rolled_up(by_section, students, "school"),
            "group": self._by_group(students),
        }
        if self.school is not None:
            del tables["school"]
        over_time = self._over_time(students["all"].get("all", 0))
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

    def _by_standard(self) -> Table:
        sums: dict[int, dict[str, int]] = defaultdict(dict)
        for standard, level, total in (
            self._counts(StandardLevelCount)
            .values("standard_id", "level")
            .annotate(total=Sum("delta"))
            .values_list("standard_id", "level", "total")
        ):
            sums[standard][level] = total
        standards = Standard.objects.filter(pk__in=list(sums))
        codes = dict(standards.values_list("pk", "human_coding_scheme"))
        rows = [
            Figure(f"standard:{pk}", codes.get(pk, "?"), sum(counts.values()), counts)
            for pk, counts in sorted(sums.items(), key=lambda item: codes.get(item[0], ""))
        ]
        # Standards do not partition the students: each is its own figure.
        return Table("standard", "Mastery by standard", suppress(rows, self.minimum, None))

    def _by_section(self) -> dict[int, dict[str, int]]:
        sums: dict[int, dict[str, int]] = defaultdict(dict)
        for section, level, total in (
            self._counts(StandardLevelCount)
            .values("section_id", "level")
            .annotate(total=Sum("delta"))
            .values_list("section_id", "level", "total")
        ):
            sums[section][level] = total
        return sums

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
        # Sections, teachers, grades and schools each split the scope's students.
        return Table(name, titles[name], suppress(rows, self.minimum, {"": [r.key for r in rows]}))

    def _by_group(self, students: dict[str, dict[str, int]]) -> Table:
        sums: dict[str, dict[str, int]] = defaultdict(dict)
        for group, level, total in (
            self._counts(GroupLevelCount)
            .values("group", "level")
            .annotate(total=Sum("delta"))
            .values_list("group", "level", "total")
        ):
            sums[group][level] = total
        rows = [
            Figure(f"group:{key}", group_label(key), students["group"].get(key, 0), counts)
            for key, counts in sorted(sums.items(), key=lambda item: _group_order(item[0]))
        ]
        families = group_families([row.key for row in rows])
        return Table("group", "Mastery by student group", suppress(rows, self.minimum, families))

    def _over_time(self, students: int) -> list[tuple[datetime.date, Figure]]:
        """The whole scope's figure at the end of each month of the school year, up to
        ``as_of`` (and on ``as_of`` itself)."""
        by_day: dict[datetime.date, dict[str, int]] = defaultdict(dict)
        for day, level, total in (
            self._counts(StandardLevelCount)
            .values("day", "level")
            .annotate(total=Sum("delta"))
            .values_list("day", "level", "total")
        ):
            by_day[day][level] = total
        running: dict[str, int] = defaultdict(int)
        ends = _month_ends(self.as_of)
        out: list[tuple[datetime.date, Figure]] = []
        days = sorted(by_day)
        index = 0
        for end in ends:
            while index < len(days) and days[index] <= end:
                for level, total in by_day[days[index]].items():
                    running[level] += total
                index += 1
            figure = Figure(f"day:{end.isoformat()}", end.isoformat(), students, dict(running))
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
