"""The tracker pages' reads: the tracker list and the students × standards grid.

Every function runs a fixed number of queries whatever the number of trackers, students,
standards or evidence (the pages assert it), and reads students only through
``masterly.roster.access`` (a student the viewer may not see is never shown).
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Value
from django.http import Http404

from masterly.accounts.models import User
from masterly.assessments.models import AssessmentStandard, Evidence
from masterly.mastery import ColourMode, Level, Scale, readable_text_colour
from masterly.roster import access
from masterly.roster.models import Enrollment, Role, Section
from masterly.standards.models import Standard
from masterly.trackers.models import Rollup, Tracker, TrackerSection, TrackerStandard
from masterly.trackers.rollups import points_decimal
from masterly.trackers.selectors import AnyUser, visible_trackers

DEFAULT_COLOUR_MODE = ColourMode.TRAFFIC_LIGHT
COLOUR_MODE_LABELS = {
    ColourMode.TRAFFIC_LIGHT: "Traffic light",
    ColourMode.SKITTLES: "Skittles",
    ColourMode.COLOUR_BLIND_SAFE: "Colour-blind safe",
}
SORTS = {"name": "Last name", "mastery": "Mastery (highest first)"}


UNSHOWN_STANDARD_FIELDS = (
    "uri",
    "alternative_label",
    "education_level",
    "notes",
    "concept_keywords",
    "status_start_date",
    "status_end_date",
    "last_change_date_time",
    "extra",
    "created_at",
    "updated_at",
)


def colour_mode(value: object) -> ColourMode | None:
    """The colour mode named by ``value``, or None when it names none."""
    try:
        return ColourMode(str(value))
    except ValueError:
        return None


# ------------------------------------------------------------------ the tracker list


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


def _students_of_outer_tracker(tracker_ref: Any) -> QuerySet[Enrollment, Any]:
    """The students of the tracker named by ``tracker_ref`` (an OuterRef), as a subquery."""
    return Enrollment.objects.filter(
        role=Enrollment.Role.STUDENT,
        is_active=True,
        section__is_active=True,
        section__in=TrackerSection.objects.filter(tracker_id=tracker_ref).values("section"),
    ).values("user")


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
            student_id__in=_students_of_outer_tracker(OuterRef(OuterRef(OuterRef("tracker_id")))),
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


# ------------------------------------------------------------------ the grid


@dataclass(frozen=True)
class Swatch:
    """A level as drawn: its colours in the chosen mode."""

    level: Level
    background: str
    text: str

    @property
    def abbreviation(self) -> str:
        return self.level.abbreviation

    @property
    def name(self) -> str:
        return self.level.name


@dataclass
class Column:
    placement: TrackerStandard
    standard: Standard
    assessment_count: int = 0
    distribution: list[tuple[Swatch, int]] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.standard.human_coding_scheme or self.standard.identifier

    @property
    def statement(self) -> str:
        return self.standard.abbreviated_statement or self.standard.full_statement


@dataclass
class UnitGroup:
    title: str
    columns: list[Column]


@dataclass(slots=True)
class Cell:
    column: Column
    swatch: Swatch
    raw_score: Decimal | float | int | None
    is_overridden: bool

    @property
    def score(self) -> Decimal | None:
        """The stored score (percent, two decimals), or None when there is none."""
        return None if self.raw_score is None else points_decimal(self.raw_score)

    @property
    def score_text(self) -> str:
        """The score as shown: ``87.12`` (empty when there is none)."""
        return "" if self.raw_score is None else f"{self.raw_score:.2f}"


@dataclass
class Row:
    student: User
    cells: list[Cell]
    is_pinned: bool = False

    @property
    def mean_score(self) -> float | None:
        """The mean of the row's scores (for sorting by mastery), None with no score."""
        scores = [float(cell.raw_score) for cell in self.cells if cell.raw_score is not None]
        return sum(scores) / len(scores) if scores else None


@dataclass
class Grid:
    tracker: Tracker
    scale: Scale
    mode: ColourMode
    sections: list[Section]
    section: Section | None
    units: list[UnitGroup]
    columns: list[Column]
    rows: list[Row]
    legend: list[Swatch]
    sort: str
    # Narrowed to the students chosen under the Students button (``all_students`` undoes it).
    is_narrowed: bool = False

    @property
    def distribution(self) -> list[tuple[Swatch, list[int]]]:
        """Per level (legend order), how many students are at it on each standard."""
        return [
            (swatch, [column.distribution[index][1] for column in self.columns])
            for index, swatch in enumerate(self.legend)
        ]


def swatches(scale: Scale, mode: ColourMode) -> dict[str, Swatch]:
    """Every level of ``scale`` (and NS) by abbreviation, coloured for ``mode``."""
    out: dict[str, Swatch] = {}
    for level in (*scale.levels, scale.not_assessed):
        background = level.colour(mode)
        out[level.abbreviation] = Swatch(level, background, readable_text_colour(background))
    return out


def tracker_sections(tracker: Tracker) -> list[Section]:
    return list(
        Section.objects.filter(
            pk__in=TrackerSection.objects.filter(tracker=tracker).values("section")
        ).order_by("title", "id")
    )


def grid_students(
    user: AnyUser, tracker: Tracker, section: Section | None = None
) -> QuerySet[User]:
    """The tracker's students ``user`` may see (of one of its sections, if given), by name."""
    sections = TrackerSection.objects.filter(tracker=tracker).values("section")
    if section is not None:
        sections = sections.filter(section=section)
    enrolled = Enrollment.objects.filter(
        role=Enrollment.Role.STUDENT,
        is_active=True,
        section__is_active=True,
        section__in=sections,
    ).values("user")
    # The owner sees the tracker's students as their teacher (the access rules of that one
    # role: a much smaller query to build than every role's); anyone else, in any role.
    as_role = Role.TEACHER if isinstance(user, User) and tracker.owner_id == user.pk else None
    return (
        access.visible_students(user, as_role=as_role)
        .filter(pk__in=enrolled)
        .order_by("last_name", "first_name", "username", "id")
    )


def assessment_counts(standard_ids: list[int], student_ids: list[int]) -> dict[int, int]:
    """Per standard, how many assessments aligned to it have evidence from these students.

    One query. It starts from the alignments (few) and probes each assessment's evidence by
    its index, rather than grouping every piece of the class's evidence (thousands).
    """
    if not standard_ids or not student_ids:
        return {}
    has_evidence = Exists(
        Evidence.objects.filter(
            assessment_id=OuterRef("assessment_id"),
            standard_id=OuterRef("standard_id"),
            student_id__in=student_ids,
            is_deleted=False,
        )
    )
    return dict(
        AssessmentStandard.objects.filter(standard_id__in=standard_ids)
        .filter(has_evidence)
        .order_by()
        .values("standard_id")
        .annotate(n=Count("assessment_id"))
        .values_list("standard_id", "n")
    )


def chosen_and_pinned(tracker: Tracker) -> tuple[set[int], set[int]]:
    """The ids of the students chosen and pinned under the Students button (one query)."""
    chosen_rows = Tracker.chosen_students.through.objects.filter(tracker=tracker).values_list(
        "user_id", Value(True)
    )
    pinned_rows = Tracker.pinned_students.through.objects.filter(tracker=tracker).values_list(
        "user_id", Value(False)
    )
    chosen: set[int] = set()
    pinned: set[int] = set()
    for student_id, is_chosen in chosen_rows.union(pinned_rows, all=True):
        (chosen if is_chosen else pinned).add(student_id)
    return chosen, pinned


def tracker_placements(
    tracker: Tracker, standard: Standard | int | None = None, *, include_hidden: bool = False
) -> list[TrackerStandard]:
    """The standards shown (hidden ones left out unless ``include_hidden``), or the one
    asked for, hidden or not.

    The standards' CASE details (JSON and dates the grid never shows) are not read: parsing
    them for 80 columns cost more than the query.
    """
    placements = (
        TrackerStandard.objects.filter(tracker=tracker)
        .select_related("standard")
        .defer(*(f"standard__{name}" for name in UNSHOWN_STANDARD_FIELDS))
    )
    if standard is not None:
        placements = placements.filter(standard=standard)
    elif not include_hidden:
        placements = placements.filter(is_hidden=False)
    return list(placements.order_by("position", "id"))


def tracker_units(tracker: Tracker, *, include_hidden: bool = False) -> list[UnitGroup]:
    """The tracker's standards grouped by unit, in order (one query)."""
    placements = tracker_placements(tracker, include_hidden=include_hidden)
    return units_of([Column(p, p.standard) for p in placements])


def build_grid(
    user: AnyUser,
    tracker: Tracker,
    *,
    mode: ColourMode = DEFAULT_COLOUR_MODE,
    section_id: object = None,
    sort: str = "name",
    standard: Standard | int | None = None,
    all_students: bool = False,
) -> Grid:
    """The grid of ``tracker`` as ``user`` may see it (eight queries, whatever its size).

    ``section_id`` narrows it to one of the tracker's sections (an unknown one: all);
    ``sort`` is ``name`` or ``mastery`` (pinned students first either way); ``standard``
    narrows the columns to one standard (the reteach groups); the students chosen under the
    Students button are the only rows unless ``all_students``.
    """
    scale = tracker.mastery_scale()
    colours = swatches(scale, mode)
    sections = tracker_sections(tracker)
    section = next((s for s in sections if str(s.pk) == str(section_id)), None)
    placements = tracker_placements(tracker, standard)
    columns = [Column(p, p.standard) for p in placements]
    # The students are read once; the cells are then read by their ids (a short list: one
    # class), which spares compiling the access rules' subquery again for each query.
    students = list(grid_students(user, tracker, section))
    chosen, pinned = chosen_and_pinned(tracker)
    is_narrowed = bool(chosen) and not all_students
    if is_narrowed:
        students = [student for student in students if student.pk in chosen]
    student_ids = [student.pk for student in students]
    standard_ids = [p.standard_id for p in placements]
    # Read raw (no per-value converters: a big tracker has thousands of cells); the score
    # stays as the database gives it (Decimal, or a float on SQLite) until it is shown.
    stored: dict[tuple[int, int], tuple[Any, ...]] = {}
    if student_ids and standard_ids:
        sql, params = (
            Rollup.objects.filter(
                tracker=tracker, student_id__in=student_ids, standard_id__in=standard_ids
            )
            .order_by()
            .values_list("student_id", "standard_id", "level", "score", "is_overridden")
            .query.sql_with_params()
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            stored = {(row[0], row[1]): row[2:] for row in cursor.fetchall()}
    counts = assessment_counts(standard_ids, student_ids)
    not_assessed = colours[scale.not_assessed.abbreviation]
    # The hot loop (every cell): plain ids and tuples, no model attribute lookups.
    keyed_columns = list(zip(standard_ids, columns, strict=True))
    tallies: list[Counter[str]] = [Counter() for _ in columns]
    rows: list[Row] = []
    for student, student_id in zip(students, student_ids, strict=True):
        cells = []
        for (standard_id, column), tally in zip(keyed_columns, tallies, strict=True):
            value = stored.get((student_id, standard_id))
            if value is None:
                cells.append(Cell(column, not_assessed, None, False))
                tally[not_assessed.level.abbreviation] += 1
                continue
            level, score, overridden = value
            swatch = colours.get(level, not_assessed)
            cells.append(Cell(column, swatch, score, bool(overridden)))
            tally[swatch.level.abbreviation] += 1
        rows.append(Row(student, cells, student_id in pinned))
    if sort == "mastery":
        rows.sort(key=lambda row: -(row.mean_score if row.mean_score is not None else -1.0))
    else:
        sort = "name"
    rows.sort(key=lambda row: not row.is_pinned)  # stable: pinned first, each in its order
    for standard_id, column, tally in zip(standard_ids, columns, tallies, strict=True):
        column.assessment_count = counts.get(standard_id, 0)
        column.distribution = [(swatch, tally[key]) for key, swatch in colours.items()]
    return Grid(
        tracker=tracker,
        scale=scale,
        mode=mode,
        sections=sections,
        section=section,
        units=units_of(columns),
        columns=columns,
        rows=rows,
        legend=list(colours.values()),
        sort=sort,
        is_narrowed=is_narrowed,
    )


def units_of(columns: Sequence[Column]) -> list[UnitGroup]:
    """Consecutive columns of the same unit, grouped (standards with no unit: "Standards")."""
    units: list[UnitGroup] = []
    for column in columns:
        title = column.placement.unit_title or "Standards"
        key = (column.placement.unit_id, title)
        if units and (units[-1].columns[0].placement.unit_id, units[-1].title) == key:
            units[-1].columns.append(column)
        else:
            units.append(UnitGroup(title, [column]))
    return units


# ------------------------------------------------------------------ one cell


def cell_student_or_404(user: AnyUser, tracker: Tracker, student_id: object) -> User:
    """A student of ``tracker`` whom ``user`` may see, else Http404 (one query)."""
    try:
        return grid_students(user, tracker).get(pk=int(str(student_id)))
    except (User.DoesNotExist, ValueError):
        raise Http404("No such student in this tracker.") from None


def cell_placement_or_404(tracker: Tracker, standard_id: object) -> TrackerStandard:
    """A standard of ``tracker`` (with its placement), else Http404 (one query)."""
    try:
        return TrackerStandard.objects.select_related("standard").get(
            tracker=tracker, standard_id=int(str(standard_id))
        )
    except (TrackerStandard.DoesNotExist, ValueError):
        raise Http404("No such standard in this tracker.") from None
