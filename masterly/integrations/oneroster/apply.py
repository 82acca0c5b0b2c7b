"""The apply: the staged difference written to the roster, set-based, in the caller's one short
transaction (ADR 17). Each kind is a few statements whatever its number of rows."""

from __future__ import annotations

from django.db import connection

from masterly.integrations.oneroster.context import ImportContext
from masterly.integrations.oneroster.models import (
    AgentPair,
    StagedGroup,
    StagedRole,
    StagedSection,
    StagedSectionTerm,
    StagedSession,
)
from masterly.integrations.oneroster.staging import KINDS
from masterly.roster.services import (
    WriteCounts,
    guardian_links_apply,
    import_make_live,
    role_assignments_apply,
    role_assignments_counts,
    section_terms_apply,
    sections_ends_on_apply,
    staged_counts,
    staged_records_apply,
    student_groups_apply,
)
from masterly.trackers.dashboard_counts import mark_all_stale

# The kinds inserted ahead active and hidden until ``import_make_live`` (``HIDDEN_AHEAD``).
HIDDEN_KINDS = ("enrollment", "role", "guardian")


def plan_counts(ctx: ImportContext) -> dict[str, WriteCounts]:
    """What the apply will do to each kind, read before its transaction so the write lock is
    not held for these scans (ADR 33): the records' and roles' counts compare staging with
    their own table only, which nothing else of the apply changes. The guardian links' and
    groups' counts depend on the roles the apply changes first, so the apply reads those."""
    planned: dict[str, WriteCounts] = {}
    for kind, _entry in ctx.applies:
        if kind == "role":
            planned[kind] = role_assignments_counts(staged_roles=StagedRole, token=ctx.token)
        elif kind in KINDS:
            planned[kind] = staged_counts(kind=KINDS[kind], token=ctx.token)
    return planned


def apply_staged(
    ctx: ImportContext, *, on_file: list[str], planned: dict[str, WriteCounts] | None = None
) -> None:
    """Apply every staged kind in the order references need; ``on_file`` gets the file being
    applied (for a message if the database refuses a row); ``planned``: ``plan_counts``."""
    token = ctx.token
    planned = planned or {}
    if connection.vendor == "postgresql":
        # Rows written earlier in this transaction have no statistics yet: the planner takes
        # a just-filled table for empty and joins it by nested loops (minutes at district
        # scale). Every statement here is set-based, where hash joins are right.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_nestloop = off")
    if any(ctx.ahead.get(kind) for kind in HIDDEN_KINDS):
        import_make_live(token)  # one row: every enrollment, role and link inserted ahead
    for kind, entry in ctx.applies:
        file = entry.file.split(":")[0]
        on_file.append(file)
        complete = ctx.is_bulk(file)
        if kind == "role":
            counts = role_assignments_apply(
                staged_roles=StagedRole,
                token=token,
                complete=complete,
                ahead=ctx.ahead.get(kind, 0),
                counts=planned.get(kind),
            )
        elif kind == "guardian":
            counts = guardian_links_apply(
                staged_pairs=AgentPair, token=token, complete=complete, ahead=ctx.ahead.get(kind, 0)
            )
        elif kind == "demographics":
            counts = student_groups_apply(staged_groups=StagedGroup, token=token)
        else:
            counts = staged_records_apply(
                kind=KINDS[kind],
                token=token,
                now=ctx.now,
                complete=complete,
                ahead=ctx.ahead.get(kind, 0),
                counts=planned.get(kind),
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
