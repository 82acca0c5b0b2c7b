"""New records inserted ahead of the apply, a batch per short transaction (ADR 17).

A district's first import creates hundreds of thousands of rows; inserting them in the apply
held SQLite's one write lock for longer than a score save waits. So once the files are staged
and the guard agreed, the records the roster does not have yet are inserted here, marked with
the import's token (``import_pending``). Orgs, sessions, courses, sections and people are
inserted inactive (every read skips inactive people; the access rules skip marked orgs and
sections) and the apply switches them on. Enrollments, roles and guardian links, most of the
rows, are inserted active but hidden by their managers (``roster.models.VisibleManager``)
until the apply writes the one ``LiveImport`` row that makes them all visible at once (ADR
27). ``pending_clear`` (called by ``staging_clear``) then unmarks them in short batches; if
the import fails, is refused or rolled back (a dry run), or its worker dies before the apply,
it removes them instead, in short transactions too, and the roster is as it was.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.db.models import Max, Min

from masterly.accounts.models import User
from masterly.integrations.oneroster.context import ImportContext
from masterly.integrations.oneroster.models import AgentPair, StagedRole
from masterly.roster.models import (
    AcademicSession,
    Course,
    Enrollment,
    GuardianLink,
    Org,
    RoleAssignment,
    Section,
)
from masterly.roster.services import (
    HIDDEN_AHEAD,
    StagedKind,
    guardian_links_insert_ahead,
    import_forget,
    import_is_live,
    pending_id_range,
    pending_remove,
    pending_unmark,
    role_assignments_insert_ahead,
    staged_records_insert_ahead,
)

# Ids per short transaction: a fraction of a second of writing each, even on a loaded machine.
AHEAD_BATCH = 5_000
CLEAR_BATCH = 20_000
# Referring tables first, so each removal leaves no row pointing at a removed one.
PENDING: tuple[type[models.Model], ...] = (
    GuardianLink,
    RoleAssignment,
    Enrollment,
    User,
    Section,
    Course,
    AcademicSession,
    Org,
)


# Kinds that insert no records of their own: a student's groups are only memberships of
# students already live or made live with them, written by the short apply itself.
APPLIED_ONLY = frozenset({"demographics"})


def _ranges(rows: models.QuerySet[Any]) -> list[tuple[int, int]]:
    """Consecutive id ranges of ``AHEAD_BATCH`` covering ``rows`` (one query)."""
    edges = rows.aggregate(low=Min("pk"), high=Max("pk"))
    if edges["low"] is None:
        return []
    low, high = int(edges["low"]), int(edges["high"])
    starts = range(low, high + 1, AHEAD_BATCH)
    return [(start, min(start + AHEAD_BATCH - 1, high)) for start in starts]


def insert_ahead(ctx: ImportContext, kinds: dict[str, StagedKind], *, on_file: list[str]) -> int:
    """Insert every staged kind's new records ahead, in the order references need; return how
    many rows were inserted. ``on_file`` gets the file being inserted (for a message)."""
    token = ctx.token
    for kind, entry in ctx.applies:
        if kind in APPLIED_ONLY:
            continue
        on_file.append(entry.file.split(":")[0])
        if kind == "role":
            batches = _ranges(User.objects.all())
        elif kind == "guardian":
            batches = _ranges(AgentPair.objects.filter(token=token))
        else:
            spec = kinds[kind]
            batches = _ranges(spec.staged._default_manager.filter(token=token))
        inserted = 0
        for batch in batches:
            with transaction.atomic():
                if kind == "role":
                    inserted += role_assignments_insert_ahead(
                        staged_roles=StagedRole, token=token, users=batch
                    )
                elif kind == "guardian":
                    inserted += guardian_links_insert_ahead(
                        staged_pairs=AgentPair, token=token, pairs=batch
                    )
                else:
                    inserted += staged_records_insert_ahead(
                        kind=kinds[kind], token=token, now=ctx.now, ids=batch
                    )
        ctx.ahead[kind] = ctx.ahead.get(kind, 0) + inserted
    return sum(ctx.ahead.values())


def pending_clear(token: int) -> None:
    """After a successful apply, unmark the rows it made live by its ``LiveImport`` row, then
    forget that row; otherwise remove the rows this import inserted ahead. Either way a batch
    per short transaction, so the clean-up never holds the write lock for long; if it is cut
    short, the dead-run sweep calls it again and it carries on (ADR 33)."""
    if import_is_live(token):
        for model in HIDDEN_AHEAD:
            edges = pending_id_range(model=model, token=token)
            if edges is None:
                continue
            for start in range(edges[0], edges[1] + 1, CLEAR_BATCH):
                with transaction.atomic():
                    ids = (start, min(start + CLEAR_BATCH - 1, edges[1]))
                    pending_unmark(model=model, token=token, ids=ids)
        with transaction.atomic():
            import_forget(token)
        return
    for model in PENDING:
        while True:
            with transaction.atomic():
                if pending_remove(model=model, token=token, limit=CLEAR_BATCH) < CLEAR_BATCH:
                    break
