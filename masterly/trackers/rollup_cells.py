"""Keeping the stored rollups of the cells a write touched current, in the writer's transaction.

A write of evidence (one score, or a whole attempt or import batch) or of an override first
locks the trackers holding the cells it touches (:func:`lock_cells`, one query, before it
writes), then recomputes exactly those cells in every one of those trackers
(:func:`refresh`): a fixed number of queries whatever the number of cells, trackers or
evidence, all set-based. Which evidence counts where, and why the lock, is told in
:mod:`masterly.trackers.rollups`.

Private to the evidence and override services (an import-linter contract): a write that
skipped them would leave the rollups stale.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

from masterly.assessments.models import Evidence
from masterly.mastery import Scorer
from masterly.roster.models import Enrollment, Section
from masterly.trackers.dashboard_counts import mark_stale
from masterly.trackers.models import (
    Override,
    Rollup,
    Tracker,
    TrackerSection,
    TrackerStandard,
)
from masterly.trackers.rollups import (
    PercentCache,
    cell_value,
    points_decimal,
    rollup_row,
    rollup_writer,
    scale_key,
    scorer_of,
)

Cell = tuple[int, int]
"""(student id, standard id)."""

DELETE_CELLS = 300
"""Emptied cells one DELETE removes (3 parameters each: well under any database's limit)."""


@dataclass(frozen=True, slots=True)
class LockedTracker:
    """A tracker locked for this transaction, with what computing its cells needs."""

    pk: int
    rollup_generation: int
    scorer: Scorer


@dataclass(frozen=True, slots=True)
class LockedCells:
    """The cells a write touches and, for each, the locked trackers holding it."""

    trackers: dict[int, LockedTracker]
    holding: dict[Cell, list[int]]

    def __bool__(self) -> bool:
        return bool(self.holding)


class _SQL:
    """The statements, written once from the models' table names (an evidence write runs
    them on every call: the ORM's query compilation would cost more than the queries)."""

    def __init__(self) -> None:
        q = connection.ops.quote_name
        self.postgres = connection.vendor == "postgresql"

        def table(model: type[models.Model]) -> str:
            return q(model._meta.db_table)

        lock = " FOR UPDATE OF t" if connection.features.has_select_for_update_of else ""
        # The students of a tracker as joins, from the written students' enrollments (the
        # one definition, ``membership.tracker_students``, is a subquery from the tracker);
        # a test holds the two equal.
        self.trackers = (
            "SELECT t.id, t.method, t.decay, t.weight, t.n_mastery, t.scale, "  # noqa: S608
            "t.rollup_generation, e.user_id, tst.standard_id "
            f"FROM {table(Tracker)} t "
            f"JOIN {table(TrackerSection)} ts ON ts.tracker_id = t.id "
            f"JOIN {table(Section)} s ON s.id = ts.section_id "
            f"JOIN {table(Enrollment)} e ON e.section_id = ts.section_id "
            f"JOIN {table(TrackerStandard)} tst ON tst.tracker_id = t.id "
            "WHERE t.is_archived = %s AND e.role = %s AND e.is_active = %s AND s.is_active = %s "
            "AND e.user_id {students} AND tst.standard_id {standards}{pairs}{tracker} "
            f"ORDER BY t.id{lock}"
        )
        # PostgreSQL locks the trackers of the rows it returns: only the written cells'.
        self.pairs = (
            " AND (e.user_id, tst.standard_id) IN "
            "(SELECT * FROM unnest(%s::bigint[], %s::bigint[]))"
        )
        self.evidence = (
            "SELECT student_id, standard_id, points_earned, points_possible, "  # noqa: S608
            f"assessed_on FROM {table(Evidence)} "
            "WHERE student_id {students} AND standard_id {standards} AND is_deleted = %s "
            "ORDER BY student_id, standard_id, assessed_on, entered_at, id"
        )
        self.overrides = (
            f"SELECT tracker_id, student_id, standard_id, level FROM {table(Override)} "  # noqa: S608
            "WHERE student_id {students} AND standard_id {standards} "
            "AND tracker_id {trackers} AND cleared_at IS NULL"
        )
        # One term per cell, ORed: both databases find each through the unique index
        # (a row-value ``IN (VALUES …)`` makes SQLite scan the table).
        self.delete = f"DELETE FROM {table(Rollup)} WHERE {{cells}}"  # noqa: S608
        self.delete_cell = "(tracker_id = %s AND student_id = %s AND standard_id = %s)"

    def among(self, values: Collection[int]) -> tuple[str, list[Any]]:
        """``= ANY(%s)`` on PostgreSQL (one parameter), ``IN (%s, …)`` on SQLite."""
        if self.postgres:
            return "= ANY(%s)", [list(values)]
        return f"IN ({', '.join(['%s'] * len(values))})", list(values)


@functools.cache
def _sql(vendor: str) -> _SQL:
    """The statements for the database in use (``vendor`` keys the cache)."""
    return _SQL()


def lock_cells(cells: Collection[Cell], *, tracker_id: int | None = None) -> LockedCells:
    """The (not archived) trackers holding each of ``cells``, locked in id order (one query);
    only ``tracker_id`` when given (an override is one tracker's).

    On PostgreSQL the tracker rows holding the cells (those pairs, not every student ×
    standard of them) are locked (``FOR UPDATE``), in id order so that concurrent writers
    never deadlock; on SQLite the transaction holds the write lock.
    """
    if not cells:
        return LockedCells({}, {})
    sql = _sql(connection.vendor)
    students, student_params = sql.among({student for student, _ in cells})
    standards, standard_params = sql.among({standard for _, standard in cells})
    params: list[Any] = [False, Enrollment.Role.STUDENT.value, True, True]
    params += [*student_params, *standard_params]
    pairs = tracker = ""
    if sql.postgres:  # SQLite locks nothing here: the pairs are sifted below
        pairs = sql.pairs
        params += [[student for student, _ in cells], [standard for _, standard in cells]]
    if tracker_id is not None:
        tracker = " AND t.id = %s"
        params.append(tracker_id)
    with connection.cursor() as cursor:
        cursor.execute(
            sql.trackers.format(
                students=students, standards=standards, pairs=pairs, tracker=tracker
            ),
            params,
        )
        rows = cursor.fetchall()
    wanted = set(cells)
    trackers: dict[int, LockedTracker] = {}
    holding: dict[Cell, set[int]] = defaultdict(set)
    for pk, method, decay, weight, n, scale, generation, student, standard in rows:
        if (student, standard) not in wanted:  # students × standards, on SQLite
            continue
        if pk not in trackers:
            scorer = scorer_of(
                method, points_decimal(decay), points_decimal(weight), n, scale_key(scale)
            )
            trackers[pk] = LockedTracker(pk, generation, scorer)
        holding[(student, standard)].add(pk)
    return LockedCells(trackers, {cell: sorted(ids) for cell, ids in holding.items()})


def refresh(locked: LockedCells) -> None:
    """Recompute every locked cell in each tracker holding it.

    A fixed number of queries whatever the number of cells: their evidence, their active
    overrides, one upsert, the trackers' dashboard counts marked stale and, when some cell
    became empty, one delete.
    """
    if not locked:
        return
    sql = _sql(connection.vendor)
    students, student_params = sql.among({student for student, _ in locked.holding})
    standards, standard_params = sql.among({standard for _, standard in locked.holding})
    trackers, tracker_params = sql.among(list(locked.trackers))
    with connection.cursor() as cursor:
        cursor.execute(
            sql.evidence.format(students=students, standards=standards),
            [*student_params, *standard_params, False],
        )
        evidence = cursor.fetchall()
        cursor.execute(
            sql.overrides.format(students=students, standards=standards, trackers=trackers),
            [*student_params, *standard_params, *tracker_params],
        )
        overrides = {(t, s, d): level for t, s, d, level in cursor.fetchall()}
    upserts: list[tuple[Any, ...]] = []
    empty: list[int] = []
    by_cell = dict(_cells(evidence))
    percents = {pk: PercentCache(tracker.scorer) for pk, tracker in locked.trackers.items()}
    for cell, tracker_ids in locked.holding.items():
        points, last = by_cell.get(cell, ((), None))
        for pk in tracker_ids:
            tracker, percent = locked.trackers[pk], percents[pk]
            values = [percent(earned, possible) for earned, possible in points]
            value = cell_value(tracker.scorer, values, last, overrides.get((pk, *cell)))
            if value is None:
                empty += [pk, *cell]
                continue
            upserts.append(rollup_row(pk, *cell, value, tracker.rollup_generation))
    rollup_writer(connection.vendor).write(upserts)
    mark_stale(list(locked.trackers))
    if empty:
        with connection.cursor() as cursor:
            for start in range(0, len(empty), 3 * DELETE_CELLS):
                chunk = empty[start : start + 3 * DELETE_CELLS]
                terms = " OR ".join([sql.delete_cell] * (len(chunk) // 3))
                cursor.execute(sql.delete.format(cells=terms), chunk)


def _cells(
    rows: Sequence[tuple[Any, ...]],
) -> Iterator[tuple[Cell, tuple[list[tuple[Any, Any]], Any]]]:
    """Evidence rows in cell order → each cell's (earned, possible) points, as read, and its
    last date."""
    current: Cell | None = None
    points: list[tuple[Any, Any]] = []
    last: Any = None
    for student, standard, earned, possible, assessed_on in rows:
        if (student, standard) != current:
            if current is not None:
                yield current, (points, last)
            current, points = (student, standard), []
        points.append((earned, possible))
        last = assessed_on
    if current is not None:
        yield current, (points, last)
