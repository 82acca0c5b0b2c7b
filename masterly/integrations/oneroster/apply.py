"""The apply: the staged difference written to the roster, set-based, in the caller's one short
transaction (ADR 17). Each kind is a few statements whatever its number of rows; every row it
deactivates or updates was found before that transaction (``plan_apply``, ADR 33)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from masterly.integrations.oneroster.context import ImportContext
from masterly.integrations.oneroster.models import (
    AgentPair,
    PlannedRow,
    StagedGroup,
    StagedRole,
    StagedSection,
    StagedSectionTerm,
    StagedSession,
)
from masterly.integrations.oneroster.staging import KINDS
from masterly.roster.services import (
    CHANGE,
    GONE,
    Planned,
    WriteCounts,
    guardian_links_apply,
    guardian_links_plan,
    import_make_live,
    plan_rows_insert,
    role_assignments_apply,
    role_assignments_counts,
    role_assignments_plan_rows,
    section_terms_apply,
    sections_ends_on_apply,
    staged_counts,
    staged_records_apply,
    staged_records_plan,
    student_groups_apply,
    table_id_range,
)
from masterly.trackers.dashboard_counts import mark_all_stale

# The kinds inserted ahead active and hidden until ``import_make_live`` (``HIDDEN_AHEAD``).
HIDDEN_KINDS = ("enrollment", "role", "guardian")
# Roster ids looked at per short transaction of the plan on SQLite (a fraction of a second).
PLAN_BATCH = 20_000


@contextmanager
def _hash_joins() -> Iterator[None]:
    """On PostgreSQL a transaction whose planner joins by hashing: rows written a moment ago
    have no statistics yet, and it would take a just-filled table for empty and join it by
    nested loops (minutes at district scale). Every statement run in it is set-based. On
    SQLite nothing (a transaction there holds the write lock)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_nestloop = off")
        yield


def _plan_rows(
    token: int, kind: str, counts: WriteCounts, rows: list[tuple[int, str, bool | None]]
) -> Planned:
    """Write rows found by a read to the plan, a batch per short transaction."""
    for start in range(0, len(rows), PLAN_BATCH):
        with transaction.atomic():
            batch = rows[start : start + PLAN_BATCH]
            plan_rows_insert(plan=PlannedRow, token=token, kind=kind, rows=batch)
    return Planned(
        counts,
        gone=sum(1 for row in rows if row[1] == GONE),
        changed=sum(1 for row in rows if row[1] == CHANGE),
    )


def _plan_records(ctx: ImportContext, kind: str, complete: bool) -> Planned:
    """A staged kind's counts, and its rows to deactivate and update written to the plan: on
    SQLite a range of ids per short transaction, on PostgreSQL (where writers never wait for
    it) one statement each."""
    spec = KINDS[kind]
    planned = Planned(staged_counts(kind=spec, token=ctx.token))
    edges = table_id_range(spec.live)
    if edges is None:
        return planned
    step = PLAN_BATCH if connection.vendor == "sqlite" else edges[1] - edges[0] + 1
    with _hash_joins():
        for start in range(edges[0], edges[1] + 1, step):
            with transaction.atomic():
                gone, changed = staged_records_plan(
                    kind=spec,
                    name=kind,
                    plan=PlannedRow,
                    token=ctx.token,
                    complete=complete,
                    ids=(start, min(start + step - 1, edges[1])),
                )
            planned.gone += gone
            planned.changed += changed
    return planned


def plan_apply(ctx: ImportContext) -> dict[str, Planned]:
    """What the apply will do to each kind, found before its transaction so the write lock is
    not held for these scans (ADR 33): the counts, and every row it will deactivate or update
    written to the plan table (``PlannedRow``), so the apply changes those rows by id. The
    records' and roles' rows compare staging with their own table only, which nothing else of
    the apply changes; the guardian links' take the roles as their plan leaves them. The
    students' groups are still read by the apply itself."""
    planned: dict[str, Planned] = {}
    token = ctx.token
    for kind, entry in ctx.applies:
        complete = ctx.is_bulk(entry.file.split(":")[0])
        if kind == "role":
            with _hash_joins():
                counts = role_assignments_counts(staged_roles=StagedRole, token=token)
                rows = role_assignments_plan_rows(
                    staged_roles=StagedRole, token=token, complete=complete
                )
                planned[kind] = _plan_rows(token, kind, counts, rows)
        elif kind == "guardian":
            with _hash_joins():
                counts, rows = guardian_links_plan(
                    staged_pairs=AgentPair, plan=PlannedRow, token=token, complete=complete
                )
                planned[kind] = _plan_rows(token, kind, counts, rows)
        elif kind in KINDS:
            planned[kind] = _plan_records(ctx, kind, complete)
    return planned


def apply_staged(ctx: ImportContext, *, on_file: list[str], planned: dict[str, Planned]) -> None:
    """Apply every staged kind in the order references need; ``on_file`` gets the file being
    applied (for a message if the database refuses a row); ``planned``: ``plan_apply``."""
    token = ctx.token
    if connection.vendor == "postgresql":
        # Rows written earlier in this transaction have no statistics yet (``_hash_joins``).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_nestloop = off")
    if any(ctx.ahead.get(kind) for kind in HIDDEN_KINDS):
        import_make_live(token)  # one row: every enrollment, role and link inserted ahead
    for kind, entry in ctx.applies:
        on_file.append(entry.file.split(":")[0])
        if kind == "role":
            counts = role_assignments_apply(
                staged_roles=StagedRole,
                plan=PlannedRow,
                planned=planned[kind],
                token=token,
                ahead=ctx.ahead.get(kind, 0),
            )
        elif kind == "guardian":
            counts = guardian_links_apply(
                staged_pairs=AgentPair,
                plan=PlannedRow,
                planned=planned[kind],
                token=token,
                ahead=ctx.ahead.get(kind, 0),
            )
        elif kind == "demographics":
            counts = student_groups_apply(staged_groups=StagedGroup, token=token)
        else:
            counts = staged_records_apply(
                kind=KINDS[kind],
                name=kind,
                plan=PlannedRow,
                planned=planned[kind],
                token=token,
                now=ctx.now,
                ahead=ctx.ahead.get(kind, 0),
            )
            if kind == "section" and (counts.created or counts.updated):
                section_terms_apply(
                    staged_sections=StagedSection, staged_terms=StagedSectionTerm, token=token
                )
        entry.counts.add(counts)
    if any(entry.changes for _kind, entry in ctx.applies):
        mark_all_stale()  # the dashboards' counts are split by enrollment and group
    if any(kind in {"session", "section"} and entry.changes for kind, entry in ctx.applies):
        sections_ends_on_apply(
            staged_sections=StagedSection, staged_sessions=StagedSession, token=token
        )
