"""Keeping the stored rollups equal to what the evidence says.

Which evidence counts where
    A cell is (tracker, student, standard). A student is in a tracker while they hold an
    active student enrollment in one of its (active) sections. **All** of a student's current
    (not deleted) evidence on a standard counts in **every** tracker that contains both, not
    only the evidence from that tracker's own assessments: mastery of a standard is the
    student's, and a reassessment given by another teacher is evidence too. Archived trackers
    are frozen: their rollups stay as they were when archived (unarchiving must recompute).

Two ways of keeping rollups current
    *Incremental* (:func:`refresh_cell`): every evidence write, edit, deletion, restore and
    override recomputes exactly the affected cells in the same transaction, from that cell's
    evidence (a handful of rows, read through the ``evidence_cell_order`` index): a fixed
    number of queries whatever the number of trackers or of evidence.

    *Bulk* (:func:`run_recompute`, on the task queue): after a settings change, the whole
    tracker is recomputed set-based: its evidence is read in batches of students, in cell
    order, scored with the engine's explanation-free :class:`~masterly.mastery.Scorer`, and
    written with one bulk upsert per batch. Each batch is its own transaction (the
    SQLite write lock is never held for long) and advances the run's progress.

Concurrency
    Both paths lock the tracker rows they update (``SELECT … FOR UPDATE`` on PostgreSQL; on
    SQLite every transaction is ``BEGIN IMMEDIATE``, so writers are serialized anyway). A bulk
    batch therefore reads the evidence only after every concurrent evidence write on that
    tracker has committed, and no write can slip between its read and its upsert. Rows carry
    the tracker's ``rollup_generation``: a bulk run bumps it first, so rows written during the
    run (by its batches or incremental writes) carry the new generation, and at the end the
    rows left with an older one (cells that no longer exist) are deleted.
"""

from __future__ import annotations

import decimal
import functools
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from masterly.assessments.models import Evidence
from masterly.mastery import MasteryPolicy, Scorer
from masterly.roster.models import Enrollment, Section
from masterly.trackers.models import (
    Override,
    RecomputeRun,
    Rollup,
    Tracker,
    TrackerSection,
    TrackerStandard,
)
from masterly.trackers.scales import scale_from_data

logger = logging.getLogger(__name__)

BATCH_CELLS = 25_000
"""About how many cells (students × standards) one bulk batch (one transaction) covers."""

FETCH_ROWS = 10_000
"""Evidence rows fetched from the cursor at a time."""

CELL_ORDER = ("student_id", "standard_id", "assessed_on", "entered_at", "id")
"""x₁ … xₙ: assessed date, then entry time, then id (``Evidence.sort_key``'s order)."""


# ------------------------------------------------------------------ membership


def tracker_students(tracker_id: int) -> QuerySet[Enrollment, Any]:
    """The ids of the students in a tracker (``values("user")``), as a subquery."""
    return (
        Enrollment.objects.filter(
            role=Enrollment.Role.STUDENT,
            is_active=True,
            section__is_active=True,
            section__in=TrackerSection.objects.filter(tracker_id=tracker_id).values("section"),
        )
        .values("user")
        .distinct()
    )


def tracker_standard_ids(tracker_id: int) -> QuerySet[TrackerStandard, Any]:
    return TrackerStandard.objects.filter(tracker_id=tracker_id).values("standard")


# ------------------------------------------------------------------ computing cells


@dataclass(frozen=True, slots=True)
class CellValue:
    """What a rollup row holds (``None`` for the whole cell: no row, not assessed)."""

    score: Decimal | None
    computed_level: str
    level: str
    is_overridden: bool
    evidence_count: int
    last_assessed_on: date | None


def cell_value(
    scorer: Scorer,
    values: Sequence[Decimal],
    last_assessed_on: date | None,
    override_level: str | None,
) -> CellValue | None:
    """A cell from its evidence values (oldest first, scaled to 100) and its override."""
    if not values and override_level is None:
        return None
    unrounded, level = scorer.score(values)
    computed = level.abbreviation
    return CellValue(
        score=scorer.percent(unrounded),
        computed_level=computed,
        level=override_level or computed,
        is_overridden=override_level is not None,
        evidence_count=len(values),
        last_assessed_on=last_assessed_on,
    )


_TO_DECIMAL = decimal.Context(prec=15).create_decimal_from_float
_CENTS = Decimal("0.01")


def points_decimal(raw: Any) -> Decimal:
    """A points column as read by a raw cursor → the Decimal the ORM would give.

    PostgreSQL returns ``Decimal``; SQLite returns the stored number as an int or a float,
    which Django turns into a Decimal exactly this way (15 significant digits, 2 places).
    """
    if isinstance(raw, Decimal):
        return raw
    return _TO_DECIMAL(raw).quantize(_CENTS)


class PercentCache:
    """Points earned and possible (as read) → the evidence's percentage, computed once.

    A district's scores repeat (3 of 4, 7 of 10), so a bulk recompute converts each pair
    once instead of once per row.
    """

    def __init__(self, scorer: Scorer) -> None:
        self._scorer = scorer
        self._cache: dict[tuple[Any, Any], Decimal] = {}

    def __call__(self, earned: Any, possible: Any) -> Decimal:
        key = (earned, possible)
        value = self._cache.get(key)
        if value is None:
            value = self._scorer.scaled(points_decimal(earned), points_decimal(possible))
            self._cache[key] = value
        return value


# ------------------------------------------------------------------ incremental


@dataclass(frozen=True, slots=True)
class LockedTracker:
    """A tracker locked for this transaction, with what computing its cells needs."""

    pk: int
    rollup_generation: int
    scorer: Scorer


@functools.lru_cache(maxsize=1024)
def _scorer(method: str, decay: Decimal, weight: Decimal, n: int, scale: str | None) -> Scorer:
    data = None if scale is None else json.loads(scale)
    return Scorer(MasteryPolicy(method, decay, weight, n, scale_from_data(data)))


def _scale_key(raw: Any) -> str | None:
    """A stored scale (JSON text or already decoded) as canonical JSON text, for the cache."""
    data = json.loads(raw) if isinstance(raw, str) else raw
    return None if data is None else json.dumps(data, sort_keys=True)


def tracker_scorer(tracker: Tracker) -> Scorer:
    """The (cached) scorer of a tracker's current settings."""
    return _scorer(
        tracker.method,
        Decimal(tracker.decay),
        Decimal(tracker.weight),
        tracker.n_mastery,
        _scale_key(tracker.scale),
    )


def lock_tracker(tracker_id: int) -> LockedTracker:
    """One tracker, locked until the end of the transaction."""
    tracker = Tracker.objects.select_for_update().get(pk=tracker_id)
    return LockedTracker(tracker.pk, tracker.rollup_generation, tracker_scorer(tracker))


class _CellSQL:
    """The incremental path's statements, written once from the models' table names.

    An evidence write runs these on every call, so they skip the ORM's query compilation
    (which costs more than the queries themselves on SQLite).
    """

    def __init__(self) -> None:
        q = connection.ops.quote_name

        def table(model: type[models.Model]) -> str:
            return q(model._meta.db_table)

        lock = " FOR UPDATE OF t" if connection.features.has_select_for_update_of else ""
        self.trackers = (
            "SELECT t.id, t.method, t.decay, t.weight, t.n_mastery, t.scale, "  # noqa: S608
            f"t.rollup_generation FROM {table(Tracker)} t "
            "WHERE t.is_archived = %s "
            f"AND t.id IN (SELECT ts.tracker_id FROM {table(TrackerSection)} ts "
            f"JOIN {table(Enrollment)} e ON e.section_id = ts.section_id "
            f"JOIN {table(Section)} s ON s.id = ts.section_id "
            "WHERE e.user_id = %s AND e.role = %s AND e.is_active = %s AND s.is_active = %s) "
            f"AND t.id IN (SELECT tst.tracker_id FROM {table(TrackerStandard)} tst "
            "WHERE tst.standard_id = %s) "
            f"ORDER BY t.id{lock}"
        )
        self.evidence = (
            "SELECT points_earned, points_possible, assessed_on "  # noqa: S608
            f"FROM {table(Evidence)} WHERE student_id = %s AND standard_id = %s "
            "AND is_deleted = %s ORDER BY assessed_on, entered_at, id"
        )
        self.overrides = (
            f"SELECT tracker_id, level FROM {table(Override)} "  # noqa: S608
            "WHERE student_id = %s AND standard_id = %s AND cleared_at IS NULL "
            "AND tracker_id IN ({})"
        )
        columns = ("tracker_id", "student_id", "standard_id", *ROLLUP_VALUE_FIELDS)
        updates = ", ".join(f"{q(c)} = EXCLUDED.{q(c)}" for c in ROLLUP_VALUE_FIELDS)
        self.upsert_head = (
            f"INSERT INTO {table(Rollup)} ({', '.join(q(c) for c in columns)}) VALUES "  # noqa: S608
        )
        self.upsert_row = "(" + ", ".join(["%s"] * len(columns)) + ")"
        self.upsert_tail = (
            f" ON CONFLICT ({q('tracker_id')}, {q('student_id')}, {q('standard_id')}) "
            f"DO UPDATE SET {updates}"
        )
        self.delete = (
            f"DELETE FROM {table(Rollup)} WHERE student_id = %s AND standard_id = %s "  # noqa: S608
            "AND tracker_id IN ({})"
        )


@functools.cache
def _cell_sql(vendor: str) -> _CellSQL:
    """The statements for the database in use (``vendor`` keys the cache)."""
    return _CellSQL()


def lock_cell_trackers(student_id: int, standard_id: int) -> list[LockedTracker]:
    """The (not archived) trackers holding the cell, locked in id order (one query).

    On PostgreSQL the rows are locked (``FOR UPDATE``), in id order so that concurrent
    writers never deadlock; on SQLite the transaction itself holds the write lock.
    """
    sql = _cell_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.trackers,
            [False, student_id, Enrollment.Role.STUDENT.value, True, True, standard_id],
        )
        rows = cursor.fetchall()
    return [
        LockedTracker(
            pk,
            generation,
            _scorer(method, points_decimal(decay), points_decimal(weight), n, _scale_key(scale)),
        )
        for pk, method, decay, weight, n, scale, generation in rows
    ]


def refresh_cell(student_id: int, standard_id: int, trackers: Sequence[LockedTracker]) -> None:
    """Recompute the cell (student, standard) in each of ``trackers`` (already locked).

    Three or four queries whatever the number of trackers or evidence: the cell's evidence,
    its active overrides, one upsert and, when some cell became empty, one delete.
    """
    if not trackers:
        return
    sql = _cell_sql(connection.vendor)
    ids = [tracker.pk for tracker in trackers]
    marks = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(sql.evidence, [student_id, standard_id, False])
        rows = cursor.fetchall()
        cursor.execute(sql.overrides.format(marks), [student_id, standard_id, *ids])
        overrides = dict(cursor.fetchall())
        points = [
            (points_decimal(earned), points_decimal(possible)) for earned, possible, _ in rows
        ]
        last = rows[-1][2] if rows else None
        upserts: list[Any] = []
        empty: list[int] = []
        for tracker in trackers:
            scorer = tracker.scorer
            values = [scorer.scaled(earned, possible) for earned, possible in points]
            value = cell_value(scorer, values, last, overrides.get(tracker.pk))
            if value is None:
                empty.append(tracker.pk)
                continue
            upserts += [
                tracker.pk,
                student_id,
                standard_id,
                value.score,
                value.computed_level,
                value.level,
                value.is_overridden,
                value.evidence_count,
                value.last_assessed_on,
                tracker.rollup_generation,
            ]
        if upserts:
            count = len(upserts) // len(RollupWriter.COLUMNS)
            cursor.execute(
                sql.upsert_head + ", ".join([sql.upsert_row] * count) + sql.upsert_tail, upserts
            )
        if empty:
            marks = ", ".join(["%s"] * len(empty))
            cursor.execute(sql.delete.format(marks), [student_id, standard_id, *empty])


ROLLUP_VALUE_FIELDS = [
    "score",
    "computed_level",
    "level",
    "is_overridden",
    "evidence_count",
    "last_assessed_on",
    "generation",
]


# ------------------------------------------------------------------ bulk


class RollupWriter:
    """Bulk upsert of rollup rows, the fastest way each database offers.

    What ``bulk_create(update_conflicts=True)`` writes, without building a model instance
    per row (the bulk path writes hundreds of thousands): on SQLite one prepared
    ``INSERT … ON CONFLICT … DO UPDATE`` run by ``executemany``; on PostgreSQL ``COPY`` into
    a temporary table, then one ``INSERT … SELECT … ON CONFLICT … DO UPDATE`` (binding
    parameters row by row costs PostgreSQL several times more than COPY).
    """

    COLUMNS = ("tracker_id", "student_id", "standard_id", *ROLLUP_VALUE_FIELDS)
    STAGE = "masterly_rollup_stage"
    STAGE_TYPES = (
        "bigint",
        "bigint",
        "bigint",
        "numeric(5, 2)",
        "varchar(8)",
        "varchar(8)",
        "boolean",
        "integer",
        "date",
        "integer",
    )

    def __init__(self) -> None:
        quote = connection.ops.quote_name
        self._postgres = connection.vendor == "postgresql"
        self._table = quote(Rollup._meta.db_table)
        self._columns = ", ".join(quote(column) for column in self.COLUMNS)
        updates = ", ".join(
            f"{quote(column)} = EXCLUDED.{quote(column)}" for column in ROLLUP_VALUE_FIELDS
        )
        conflict = ", ".join(quote(column) for column in self.COLUMNS[:3])
        self._upsert = f" ON CONFLICT ({conflict}) DO UPDATE SET {updates}"

    def write(self, rows: Sequence[tuple[Any, ...]]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if self._postgres:
                self._write_postgres(cursor, rows)
            else:
                marks = ", ".join(["%s"] * len(self.COLUMNS))
                cursor.executemany(
                    f"INSERT INTO {self._table} ({self._columns}) VALUES ({marks})"  # noqa: S608
                    + self._upsert,
                    rows,
                )

    def _write_postgres(self, cursor: Any, rows: Sequence[tuple[Any, ...]]) -> None:
        columns = ", ".join(
            f"{column} {kind}" for column, kind in zip(self.COLUMNS, self.STAGE_TYPES, strict=True)
        )
        cursor.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.STAGE} ({columns})")
        with cursor.cursor.copy(f"COPY {self.STAGE} ({self._columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {self._table} ({self._columns}) "  # noqa: S608 - our own names
            f"SELECT {self._columns} FROM {self.STAGE}{self._upsert}"
        )
        cursor.execute(f"TRUNCATE {self.STAGE}")


def _evidence_sql(tracker_id: int, student_ids: Sequence[int]) -> tuple[str, tuple[Any, ...]]:
    """The SQL reading a batch's evidence in cell order (built by the ORM, run raw)."""
    queryset = (
        Evidence.objects.filter(
            is_deleted=False,
            student_id__in=student_ids,
            standard_id__in=tracker_standard_ids(tracker_id),
        )
        .order_by(*CELL_ORDER)
        .values_list("student_id", "standard_id", "points_earned", "points_possible", "assessed_on")
    )
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def compute_cells(
    rows: Iterable[Sequence[Any]],
    scorer: Scorer,
    overrides: dict[tuple[int, int], str],
    standard_ids: frozenset[int],
    emit: Callable[[int, int, CellValue], None],
) -> None:
    """Score evidence rows (student, standard, earned, possible, assessed_on) in cell order.

    Calls ``emit(student_id, standard_id, value)`` for every cell with evidence, then for
    every remaining cell with only an override. ``overrides`` is consumed.
    """
    percent = PercentCache(scorer)
    current: tuple[int, int] | None = None
    values: list[Decimal] = []
    last: Any = None
    for student_id, standard_id, earned, possible, assessed_on in rows:
        if current is None or current[0] != student_id or current[1] != standard_id:
            if current is not None:
                _emit(scorer, current, values, last, overrides, emit)
            current = (student_id, standard_id)
            values = []
        values.append(percent(earned, possible))
        last = assessed_on
    if current is not None:
        _emit(scorer, current, values, last, overrides, emit)
    for (student_id, standard_id), level in overrides.items():
        if standard_id in standard_ids:
            value = cell_value(scorer, (), None, level)
            if value is not None:
                emit(student_id, standard_id, value)
    overrides.clear()


def _emit(
    scorer: Scorer,
    cell: tuple[int, int],
    values: list[Decimal],
    last: Any,
    overrides: dict[tuple[int, int], str],
    emit: Callable[[int, int, CellValue], None],
) -> None:
    value = cell_value(scorer, values, last, overrides.pop(cell, None))
    if value is not None:
        emit(cell[0], cell[1], value)


class Superseded(Exception):
    """Another recompute of the same tracker started: this one stops."""


def run_recompute(run_id: int, *, batch_cells: int = BATCH_CELLS) -> RecomputeRun:
    """Run a queued :class:`RecomputeRun`: every rollup of its tracker, batch by batch.

    Safe to call twice (a run that is no longer queued is left alone) and while evidence is
    being written (see the module docstring). Returns the run as it ended.
    """
    run = RecomputeRun.objects.select_related("tracker").get(pk=run_id)
    if run.status != RecomputeRun.Status.QUEUED:
        return run
    tracker_id = run.tracker_id
    try:
        with transaction.atomic():
            tracker = Tracker.objects.select_for_update().get(pk=tracker_id)
            newer = RecomputeRun.objects.filter(
                tracker_id=tracker_id, status=RecomputeRun.Status.QUEUED, pk__gt=run.pk
            ).exists()
            if newer:
                _finish(run, RecomputeRun.Status.SUPERSEDED)
                return run
            generation = tracker.rollup_generation + 1
            Tracker.objects.filter(pk=tracker_id).update(rollup_generation=generation)
            student_ids = sorted(set(tracker_students(tracker_id).values_list("user", flat=True)))
            standard_ids = frozenset(
                tracker_standard_ids(tracker_id).values_list("standard", flat=True)
            )
            run.status = RecomputeRun.Status.RUNNING
            run.generation = generation
            run.started_at = timezone.now()
            run.total_cells = len(student_ids) * len(standard_ids)
            run.done_cells = 0
            run.save(
                update_fields=["status", "generation", "started_at", "total_cells", "done_cells"]
            )
        students_per_batch = max(1, batch_cells // max(1, len(standard_ids)))
        writer = RollupWriter()
        for start in range(0, len(student_ids), students_per_batch):
            batch = student_ids[start : start + students_per_batch]
            written = _recompute_batch(run, tracker_id, generation, batch, standard_ids, writer)
            run.done_cells += len(batch) * len(standard_ids)
            run.rollups_written += written
        with transaction.atomic():
            _lock_generation(tracker_id, generation)
            Rollup.objects.filter(tracker_id=tracker_id, generation__lt=generation).delete()
            run.done_cells = run.total_cells
            _finish(run, RecomputeRun.Status.DONE)
    except Superseded:
        _finish(run, RecomputeRun.Status.SUPERSEDED)
    except Exception as error:
        logger.exception("Recompute %s of tracker %s failed", run.pk, tracker_id)
        run.error = f"{type(error).__name__}: {error}"[:2000]
        _finish(run, RecomputeRun.Status.FAILED)
        raise
    return run


def _lock_generation(tracker_id: int, generation: int) -> Tracker:
    tracker = Tracker.objects.select_for_update().get(pk=tracker_id)
    if tracker.rollup_generation != generation:
        raise Superseded
    return tracker


def _recompute_batch(
    run: RecomputeRun,
    tracker_id: int,
    generation: int,
    student_ids: Sequence[int],
    standard_ids: frozenset[int],
    writer: RollupWriter,
) -> int:
    """One batch of students, in one transaction; returns the number of rollups written."""
    out: list[tuple[Any, ...]] = []

    def emit(student_id: int, standard_id: int, value: CellValue) -> None:
        out.append(
            (
                tracker_id,
                student_id,
                standard_id,
                value.score,
                value.computed_level,
                value.level,
                value.is_overridden,
                value.evidence_count,
                value.last_assessed_on,
                generation,
            )
        )

    with transaction.atomic():
        tracker = _lock_generation(tracker_id, generation)
        # The policy is read under the lock, so a settings change saved meanwhile is used
        # (its own recompute, queued behind this one, will confirm every cell).
        scorer = tracker_scorer(tracker)
        overrides = {
            (student_id, standard_id): level
            for student_id, standard_id, level in Override.objects.filter(
                tracker_id=tracker_id, cleared_at__isnull=True, student_id__in=student_ids
            ).values_list("student_id", "standard_id", "level")
        }
        sql, params = _evidence_sql(tracker_id, student_ids)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            compute_cells(_fetch(cursor), scorer, overrides, standard_ids, emit)
        writer.write(out)
        RecomputeRun.objects.filter(pk=run.pk).update(
            done_cells=F("done_cells") + len(student_ids) * len(standard_ids),
            rollups_written=F("rollups_written") + len(out),
        )
    return len(out)


def _fetch(cursor: Any) -> Iterable[Sequence[Any]]:
    while True:
        rows = cursor.fetchmany(FETCH_ROWS)
        if not rows:
            return
        yield from rows


def _finish(run: RecomputeRun, status: str) -> None:
    run.status = status
    run.finished_at = timezone.now()
    RecomputeRun.objects.filter(pk=run.pk).update(
        status=status,
        finished_at=run.finished_at,
        error=run.error,
        done_cells=run.done_cells,
    )
