"""Keeping the stored rollups equal to what the evidence says.

Which evidence counts where
    A cell is (tracker, student, standard). A student is in a tracker while they hold an
    active student enrollment in one of its (active) sections. **All** of a student's current
    (not deleted) evidence on a standard counts in **every** tracker that contains both, not
    only the evidence from that tracker's own assessments: mastery of a standard is the
    student's, and a reassessment given by another teacher is evidence too. Archived trackers
    are frozen: their rollups stay as they were when archived (unarchiving must recompute).

Two ways of keeping rollups current
    *Incremental* (:mod:`masterly.trackers.rollup_cells`): every evidence write (one score or a
    batch), edit, deletion, restore and override recomputes exactly the affected cells in the
    same transaction, from those cells' evidence (read through the ``evidence_cell_order``
    index): a fixed number of queries whatever the number of cells, trackers or evidence
    (the write of the evidence itself adds one ``INSERT`` per chunk of rows, ADR 11).

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

from django.db import connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from masterly.assessments.models import Evidence
from masterly.core.bulk import COPY_FROM_ROWS
from masterly.mastery import MasteryPolicy, Scorer
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import (
    Override,
    RecomputeRun,
    Rollup,
    Tracker,
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


# ------------------------------------------------------------------ scorers


@functools.lru_cache(maxsize=1024)
def scorer_of(method: str, decay: Decimal, weight: Decimal, n: int, scale: str | None) -> Scorer:
    """The (cached) scorer of these settings (``scale``: canonical JSON, see :func:`scale_key`)."""
    data = None if scale is None else json.loads(scale)
    return Scorer(MasteryPolicy(method, decay, weight, n, scale_from_data(data)))


def scale_key(raw: Any) -> str | None:
    """A stored scale (JSON text or already decoded) as canonical JSON text, for the cache."""
    data = json.loads(raw) if isinstance(raw, str) else raw
    return None if data is None else json.dumps(data, sort_keys=True)


def tracker_scorer(tracker: Tracker) -> Scorer:
    """The (cached) scorer of a tracker's current settings."""
    return scorer_of(
        tracker.method,
        Decimal(tracker.decay),
        Decimal(tracker.weight),
        tracker.n_mastery,
        scale_key(tracker.scale),
    )


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
            if self._postgres and len(rows) >= COPY_FROM_ROWS:
                self._write_postgres(cursor, rows)
            elif self._postgres:  # a few cells (one score's): one statement, no staging
                row = "(" + ", ".join(["%s"] * len(self.COLUMNS)) + ")"
                cursor.execute(
                    f"INSERT INTO {self._table} ({self._columns}) VALUES "  # noqa: S608
                    + ", ".join([row] * len(rows))
                    + self._upsert,
                    [value for each in rows for value in each],
                )
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


def rollup_row(
    tracker_id: int, student_id: int, standard_id: int, value: CellValue, generation: int
) -> tuple[Any, ...]:
    """A cell's values in :attr:`RollupWriter.COLUMNS` order."""
    return (
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


@functools.cache
def rollup_writer(vendor: str) -> RollupWriter:
    """The writer for the database in use (``vendor`` keys the cache)."""
    return RollupWriter()


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
            Tracker.objects.filter(pk=tracker_id).update(counts_stale=True)
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
        out.append(rollup_row(tracker_id, student_id, standard_id, value, generation))

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
