"""New records inserted ahead of the apply, a batch per short transaction (ADR 17).

A district's first import creates hundreds of thousands of rows; inserting them in the apply
held SQLite's one write lock for longer than a score save waits. So once the files are staged
and the guard agreed, the records the roster does not have yet are inserted here, inactive
and marked with the import's token (``import_pending``): every read of the roster already
skips inactive people, enrollments, roles and links, and the access rules skip marked orgs
and sections too, so a half-done import is invisible. The apply makes them live in one
statement per table. If the import fails, is refused or rolled back (a dry run), or its
worker dies, ``pending_clear`` (called by ``staging_clear``) removes them again, in short
transactions too, and the roster is as it was.
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
    StagedKind,
    guardian_links_insert_ahead,
    pending_remove,
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
    inserted = 0
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
    return inserted


def pending_clear(token: int) -> None:
    """Remove the rows this import inserted ahead and did not make live, a batch per short
    transaction (nothing to do after a successful apply: it made them all live)."""
    for model in PENDING:
        while True:
            with transaction.atomic():
                if pending_remove(model=model, token=token, limit=CLEAR_BATCH) < CLEAR_BATCH:
                    break
