"""The staging side of an import: each file's rows checked and kept, named by the import's token.

Every chunk of a file is written here in its own short transaction, so a teacher's score save
waits at most for one chunk, never for the whole import. References are checked against this
import's staging and the live roster together (a class may name a course that is new in this
import). ``staging_clear`` removes an import's rows, in short transactions too.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from django.db import connection, models, transaction

from masterly.accounts.models import User
from masterly.core.bulk import rows_where_in
from masterly.integrations.oneroster.ahead import pending_clear
from masterly.integrations.oneroster.models import (
    AgentPair,
    PlannedRow,
    StagedCourse,
    StagedEnrollment,
    StagedGroup,
    StagedOrg,
    StagedRole,
    StagedSection,
    StagedSectionTerm,
    StagedSession,
    StagedUser,
)
from masterly.roster.models import AcademicSession, Course, Enrollment, Org, Section
from masterly.roster.services import Reference, StagedKind

KINDS: dict[str, StagedKind] = {
    "org": StagedKind(
        live=Org,
        staged=StagedOrg,
        columns=("name", "type", "identifier"),
        parent=Reference("parent_id", Org, "parent_sid"),
    ),
    "session": StagedKind(
        live=AcademicSession,
        staged=StagedSession,
        columns=("title", "type", "start_date", "end_date", "school_year"),
        parent=Reference("parent_id", AcademicSession, "parent_sid"),
    ),
    "course": StagedKind(
        live=Course,
        staged=StagedCourse,
        columns=("title", "course_code", "grades", "subjects"),
        references=(
            Reference("org_id", Org, "org_sid"),
            Reference("school_year_id", AcademicSession, "school_year_sid"),
        ),
    ),
    "section": StagedKind(
        live=Section,
        staged=StagedSection,
        columns=("title", "class_code", "class_type", "location", "grades", "subjects", "periods"),
        references=(
            Reference("course_id", Course, "course_sid"),
            Reference("school_id", Org, "school_sid"),
        ),
    ),
    "user": StagedKind(
        live=User,
        staged=StagedUser,
        columns=(
            "username",
            "first_name",
            "last_name",
            "middle_name",
            "email",
            "identifier",
            "grades",
            "preferred_language",
        ),
        kept_once_chosen={
            # A guardian's own sign-in (activation), and a person's own language.
            "username": "sign_in_chosen_at",
            "email": "sign_in_chosen_at",
            "preferred_language": "language_chosen_at",
        },
    ),
    "enrollment": StagedKind(
        live=Enrollment,
        staged=StagedEnrollment,
        columns=("role", "is_primary", "begin_date", "end_date"),
        references=(
            Reference("user_id", User, "user_sid"),
            Reference("section_id", Section, "section_sid"),
        ),
    ),
}
SCRATCH: tuple[type[models.Model], ...] = (
    *(kind.staged for kind in KINDS.values()),
    StagedSectionTerm,
    StagedRole,
    AgentPair,
    StagedGroup,
    PlannedRow,
)
CLEAR_BATCH = 20_000
CHOSEN_BATCH = 500  # usernames per query: well below SQLite's limit of bound values


def _staged(
    model: type[models.Model], token: int, key: str, keys: Collection[str], *columns: str
) -> list[tuple[Any, ...]]:
    """This import's staged rows (not to be deleted) whose ``key`` is one of ``keys``: one
    query binding the keys as they are (another import's rows are dropped here; rare)."""
    rows = rows_where_in(model, ("token", "deleted", *columns), key, keys)
    return [row[2:] for row in rows if row[0] == token and not row[1]]


def known_ids(kind: str, token: int, sourced_ids: Collection[str]) -> dict[str, str]:
    """sourcedId → itself for those that name a record staged by this import (and not to be
    deleted) or already in the roster: two queries."""
    ids = set(sourced_ids) - {""}
    if not ids:
        return {}
    spec = KINDS[kind]
    found = {sid for (sid,) in _staged(spec.staged, token, "sourced_id", ids, "sourced_id")}
    rest = ids - found
    if rest:
        found.update(
            sid for (sid,) in rows_where_in(spec.live, ("sourced_id",), "sourced_id", rest)
        )
    return {sid: sid for sid in found}


def org_types(token: int, sourced_ids: Collection[str]) -> dict[str, tuple[str, str]]:
    """sourcedId → (sourcedId, type) of orgs, this import's staged value first."""
    ids = set(sourced_ids) - {""}
    if not ids:
        return {}
    found = dict(rows_where_in(Org, ("sourced_id", "type"), "sourced_id", ids))
    found.update(_staged(StagedOrg, token, "sourced_id", ids, "sourced_id", "type"))
    return {sid: (sid, kind) for sid, kind in found.items()}


def already_staged(kind: str, token: int, sourced_ids: Collection[str]) -> set[str]:
    """The sourcedIds an earlier chunk of this file staged: a repeated row."""
    if not sourced_ids:
        return set()
    rows = rows_where_in(KINDS[kind].staged, ("token", "sourced_id"), "sourced_id", sourced_ids)
    return {sid for row_token, sid in rows if row_token == token}


def username_holders(token: int, usernames: Collection[str]) -> dict[str, str | None]:
    """username → sourcedId of whoever has it now or was given it by an earlier chunk."""
    holders: dict[str, Any] = dict(
        rows_where_in(User, ("username", "sourced_id"), "username", usernames)
    )
    holders.update(_staged(StagedUser, token, "username", usernames, "username", "sourced_id"))
    return holders


def chosen_usernames(usernames: Collection[str]) -> dict[str, str | None]:
    """username → sourcedId of the person who chose it at activation (a guardian's own
    sign-in): a roster row never takes it from them."""
    names = sorted(usernames)
    chosen: dict[str, str | None] = {}
    for start in range(0, len(names), CHOSEN_BATCH):
        rows = User.objects.filter(
            username__in=names[start : start + CHOSEN_BATCH], sign_in_chosen_at__isnull=False
        ).values_list("username", "sourced_id")
        chosen.update(rows)
    return chosen


def staging_clear(token: int) -> None:
    """Remove every staged row of this import, and the roster rows it inserted ahead of an
    apply that did not happen (``ahead.py``), a batch per short transaction."""
    pending_clear(token)
    for model in SCRATCH:
        rows = model._default_manager.filter(token=token)
        while True:
            with transaction.atomic():
                ordered = rows.order_by("pk").values_list("pk", flat=True)
                edge = list(ordered[CLEAR_BATCH - 1 : CLEAR_BATCH])
                if not edge:
                    rows.delete()
                    break
                rows.filter(pk__lte=edge[0]).delete()


def staging_analyze() -> None:
    """Fresh statistics for the staging tables on PostgreSQL before the apply reads them: with
    none, its planner picks nested loops over both tables (minutes at district scale) instead
    of hash joins (a fraction of a second)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in SCRATCH:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
