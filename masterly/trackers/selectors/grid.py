"""The students × standards grid of a tracker: its columns, cells and colours.

Every function runs a fixed number of queries whatever the number of students, standards or
evidence (the pages assert it), and reads students only through ``selectors.students`` (a
student the viewer may not see is never shown).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, FloatField, OuterRef, QuerySet
from django.db.models.functions import Cast

from masterly.accounts.models import User
from masterly.assessments.models import AssessmentStandard, Evidence
from masterly.core import compiled
from masterly.core.compiled import CompiledQuery
from masterly.mastery import ColourMode, Level, Scale, readable_text_colour
from masterly.roster.models import Section
from masterly.standards.models import Standard
from masterly.standards.text import strip_markup
from masterly.trackers.models import Rollup, Tracker, TrackerSection, TrackerStandard
from masterly.trackers.rollups import points_decimal
from masterly.trackers.selectors.students import marked, section_students
from masterly.trackers.selectors.trackers import AnyUser

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
    """A standard as the grid shows it: plain values read in one query (model instances for
    every column cost more than the query, ADR 10). The statement is plain
    text (a publisher's inline markup removed): it is shown in tooltips and truncated."""

    standard_id: int
    code: str
    statement: str
    unit_id: int | None
    unit_title: str
    is_power: bool
    is_hidden: bool
    assessment_count: int = 0
    distribution: list[tuple[Swatch, int]] = field(default_factory=list)


@dataclass
class UnitGroup:
    title: str
    columns: list[Column]


@dataclass(slots=True)
class Cell:
    """One student's level on one standard (the column is the one at the same index)."""

    swatch: Swatch
    raw_score: float | None  # read as a float on both databases
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
    """The tracker's sections, by title (one query)."""
    in_tracker = TrackerSection.objects.filter(tracker=tracker).values("section")
    return list(Section.objects.filter(pk__in=in_tracker).order_by("title", "id"))


def _counts_query(*, standard_ids: list[int], student_ids: list[int]) -> QuerySet[Any]:
    has_evidence = Exists(
        Evidence.objects.filter(
            assessment_id=OuterRef("assessment_id"),
            standard_id=OuterRef("standard_id"),
            student_id__in=student_ids,
            is_deleted=False,
        )
    )
    return (
        AssessmentStandard.objects.filter(standard_id__in=standard_ids)
        .filter(has_evidence)
        .order_by()
        .values("standard_id")
        .annotate(n=Count("assessment_id"))
        .values_list("standard_id", "n")
    )


ASSESSMENT_COUNTS = CompiledQuery(_counts_query)


def assessment_counts(standard_ids: list[int], student_ids: list[int]) -> dict[int, int]:
    """Per standard, how many assessments aligned to it have evidence from these students.

    One query. It starts from the alignments (few) and probes each assessment's evidence by
    its index, rather than grouping every piece of the class's evidence (thousands).
    """
    if not standard_ids or not student_ids:
        return {}
    rows = compiled.fetch(ASSESSMENT_COUNTS, standard_ids=standard_ids, student_ids=student_ids)
    return dict(rows)


def tracker_placements(tracker: Tracker) -> list[TrackerStandard]:
    """The standards shown, as placements with their standards (for the forms and services
    that need the models; the grid reads :func:`tracker_columns`).

    The standards' CASE details (JSON and dates no tracker page shows) are not read.
    """
    placements = (
        TrackerStandard.objects.filter(tracker=tracker, is_hidden=False)
        .select_related("standard")
        .defer(*(f"standard__{name}" for name in UNSHOWN_STANDARD_FIELDS))
    )
    return list(placements.order_by("position", "id"))


def _shown(
    placements: QuerySet[TrackerStandard],
    standard: Standard | int | None,
    include_hidden: bool,
) -> QuerySet[TrackerStandard]:
    if standard is not None:
        return placements.filter(standard=standard)
    return placements if include_hidden else placements.filter(is_hidden=False)


def _columns_query(
    *, include_hidden: bool, tracker_id: int, standard_id: int | None = None
) -> QuerySet[Any]:
    placements = TrackerStandard.objects.filter(tracker_id=tracker_id)
    return (
        _shown(placements, standard_id, include_hidden)
        .order_by("position", "id")
        .values_list(
            "standard_id",
            "standard__human_coding_scheme",
            "standard__identifier",
            "standard__abbreviated_statement",
            "standard__full_statement",
            "unit_id",
            "unit_title",
            "is_power",
            "is_hidden",
        )
    )


COLUMNS = CompiledQuery(_columns_query)


def tracker_columns(
    tracker: Tracker, standard: Standard | int | None = None, *, include_hidden: bool = False
) -> list[Column]:
    """The standards shown (hidden ones too if ``include_hidden``), or the one asked for,
    hidden or not, as the grid's columns (one query)."""
    fixed = {"include_hidden": include_hidden}
    if standard is None:
        rows = compiled.fetch(COLUMNS, fixed, tracker_id=tracker.pk)
    else:
        standard_id = standard if isinstance(standard, int) else standard.pk
        rows = compiled.fetch(COLUMNS, fixed, tracker_id=tracker.pk, standard_id=standard_id)
    return [
        Column(
            standard_id,
            code or identifier,
            strip_markup(short or full),
            unit_id,
            title,
            bool(power),
            bool(hidden),
        )
        for standard_id, code, identifier, short, full, unit_id, title, power, hidden in rows
    ]


def standard_code(standard: Standard) -> str:
    """A standard's code as the grid shows it (its identifier when it has none)."""
    return standard.human_coding_scheme or standard.identifier


def tracker_units(tracker: Tracker, *, include_hidden: bool = False) -> list[UnitGroup]:
    """The tracker's standards grouped by unit, in order (one query)."""
    return units_of(tracker_columns(tracker, include_hidden=include_hidden))


def _cells_query(
    *, tracker_id: int, student_ids: list[int], standard_id: int | None = None
) -> QuerySet[Any]:
    rollups = Rollup.objects.filter(tracker_id=tracker_id, student_id__in=student_ids)
    if standard_id is not None:
        rollups = rollups.filter(standard_id=standard_id)
    # The score as a float on both databases (SQLite stores one anyway): a Decimal for
    # every cell cost PostgreSQL's reads more than the query (ADR 10); shown, it reads the same.
    return rollups.order_by().values_list(
        "student_id", "standard_id", "level", Cast("score", FloatField()), "is_overridden"
    )


CELLS = CompiledQuery(_cells_query)


def _cells_by_student(
    tracker: Tracker,
    student_ids: list[int],
    standard_ids: list[int],
    colours: dict[str, Swatch],
    not_assessed: Swatch,
) -> tuple[dict[int, dict[int, Cell]], Counter[tuple[int, str]]]:
    """The stored cells of these students on these standards (one query), by student then
    standard, and how many of them each (standard, level) has.

    Read raw (no per-value converters: a big tracker has thousands of cells). The rows are
    read by tracker and student only (an index range per student, where a list of standards
    too would be one probe per cell); a hidden standard's are skipped here.
    """
    by_student: defaultdict[int, dict[int, Cell]] = defaultdict(dict)
    if not student_ids or not standard_ids:
        return by_student, Counter()
    one = {"standard_id": standard_ids[0]} if len(standard_ids) == 1 else {}
    rows = compiled.fetch(CELLS, tracker_id=tracker.pk, student_ids=student_ids, **one)
    shown = set(standard_ids)
    swatch = colours.get
    # The hot loop (every cell): plain ids and tuples, no model attribute lookups.
    for student_id, standard_id, level, score, overridden in rows:
        if standard_id in shown:
            by_student[student_id][standard_id] = Cell(
                swatch(level, not_assessed), score, bool(overridden)
            )
    return by_student, Counter([(row[1], row[2]) for row in rows])


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
    """The grid of ``tracker`` as ``user`` may see it (five queries, whatever its size).

    ``section_id`` narrows it to one of the tracker's sections (an unknown one: all);
    ``sort`` is ``name`` or ``mastery`` (pinned students first either way); ``standard``
    narrows the columns to one standard (the reteach groups); the students chosen under the
    Students button are the only rows unless ``all_students``.
    """
    scale = tracker.mastery_scale()
    colours = swatches(scale, mode)
    not_assessed = colours[scale.not_assessed.abbreviation]
    sections = tracker_sections(tracker)
    section = next((s for s in sections if str(s.pk) == str(section_id)), None)
    columns = tracker_columns(tracker, standard)
    # The students are read once; the cells are then read by their ids (a short list: one
    # class), which spares running the access rules' subquery again for each query.
    students = section_students(user, tracker, [section] if section else sections)
    is_narrowed = not all_students and any(marked(s, "is_chosen") for s in students)
    if is_narrowed:
        students = [student for student in students if marked(student, "is_chosen")]
    student_ids = [student.pk for student in students]
    standard_ids = [column.standard_id for column in columns]
    by_student, tallies = _cells_by_student(
        tracker, student_ids, standard_ids, colours, not_assessed
    )
    counts = assessment_counts(standard_ids, student_ids)
    empty_cell = Cell(not_assessed, None, False)
    no_cells: dict[int, Cell] = {}
    rows = [
        Row(
            student,
            [cells.get(standard_id, empty_cell) for standard_id in standard_ids],
            marked(student, "is_pinned"),
        )
        for student, cells in ((s, by_student.get(s.pk, no_cells)) for s in students)
    ]
    if sort == "mastery":
        rows.sort(key=lambda row: -(row.mean_score if row.mean_score is not None else -1.0))
    else:
        sort = "name"
    rows.sort(key=lambda row: not row.is_pinned)  # stable: pinned first, each in its order
    # Per standard, the students at each level; NS are the rest (no rollup, an unknown level).
    levels = [key for key in colours if key != not_assessed.abbreviation]
    for column in columns:
        at = {key: tallies[column.standard_id, key] for key in levels}
        at[not_assessed.abbreviation] = len(rows) - sum(at.values())
        column.assessment_count = counts.get(column.standard_id, 0)
        column.distribution = [(swatch, at[key]) for key, swatch in colours.items()]
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
        title = column.unit_title or "Standards"
        if units and (units[-1].columns[0].unit_id, units[-1].title) == (column.unit_id, title):
            units[-1].columns.append(column)
        else:
            units.append(UnitGroup(title, [column]))
    return units
