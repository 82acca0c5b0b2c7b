"""Roster writes, in bulk: what a roster import (OneRoster today) does to the roster.

An import validates its files into staging tables first (rows named by the import's
``token``, references by sourcedId, see ``integrations/oneroster/models.py``); these functions
then apply the difference to the roster with a few set-based statements each, whatever the
number of rows: ``INSERT … SELECT`` of the new records, ``UPDATE … FROM`` of the changed ones
(their ``source_hash`` or active state differs), and deactivation of the ones a complete
source no longer has. There is no Python per row, so the caller's transaction (and on SQLite
the database's one write lock) lasts seconds even for a district (ADR 17).

Records are never deleted: one that should go is deactivated (``is_active=False``) so the
history that points at it stays. The caller owns the transaction and the audit record.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, models

from masterly.accounts.models import User
from masterly.core.bulk import insert_rows
from masterly.roster.models import (
    AcademicSession,
    Enrollment,
    GuardianLink,
    LiveImport,
    Org,
    Role,
    RoleAssignment,
    Section,
    SectionTerm,
    StudentGroupMembership,
)

DELETE_BATCH = 5000  # ids bound in one DELETE (SQLite's limit of bound values is far above)
# Inserted ahead *active* and hidden by their managers until the import is a ``LiveImport``, so
# the apply does not rewrite them (and their ``is_active`` indexes) at all (ADR 33). The other
# tables are inserted inactive and switched on by the apply (ADR 17): their reads are too many
# and too spread out to guard (users sign in), and they hold few rows.
HIDDEN_AHEAD: tuple[type[models.Model], ...] = (Enrollment, RoleAssignment, GuardianLink)


@dataclass
class WriteCounts:
    created: int = 0
    updated: int = 0
    deactivated: int = 0
    unchanged: int = 0

    def add(self, other: WriteCounts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.deactivated += other.deactivated
        self.unchanged += other.unchanged


@dataclass
class Planned:
    """What the apply of one kind will do, found before its transaction (ADR 33): its counts,
    and how many rows it will deactivate (``gone``) and update (``changed``), written to the
    import's plan table (``oneroster.PlannedRow``: token, kind, action, row_id, staged_id,
    flag) so the apply finds them by id instead of scanning for them under the write lock."""

    counts: WriteCounts
    gone: int = 0
    changed: int = 0


GONE, CHANGE = "g", "c"  # a planned row's action: deactivate it; update it


@dataclass(frozen=True)
class Reference:
    """A foreign key filled from a staged sourcedId: ``column`` ← ``target`` whose sourcedId
    is the staged row's ``staged``."""

    column: str
    target: type[models.Model]
    staged: str


@dataclass(frozen=True)
class StagedKind:
    """How one staged table maps onto one roster table."""

    live: type[models.Model]
    staged: type[models.Model]
    columns: tuple[str, ...]  # copied as they are (same name in both tables)
    references: tuple[Reference, ...] = ()
    # A reference to the same table (an org's parent): set once every row of it exists.
    parent: Reference | None = None
    # Columns a person owns once they chose them, each with the column saying when they did
    # (their sign-in: ``User.sign_in_chosen_at``; their language: ``language_chosen_at``): an
    # update leaves them as the person set them.
    kept_once_chosen: Mapping[str, str] = field(default_factory=dict)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _table(model: type[models.Model]) -> str:
    return _q(model._meta.db_table)


def _execute(sql: str, params: Sequence[Any]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _exists(sql_from_where: str, params: Sequence[Any]) -> bool:
    """Look before writing: an import that changes nothing issues no write statement at all."""
    return bool(_fetch(f"SELECT 1 {sql_from_where} LIMIT 1", params))


def _insert_any(into: str, select: str, params: Sequence[Any]) -> int:
    """``INSERT INTO … SELECT``, if the SELECT finds a row: a batch with nothing new to insert
    issues no write (a re-import writes nothing)."""
    if not _fetch(f"SELECT 1 FROM ({select}) x LIMIT 1", params):  # noqa: S608 - our own SQL
        return 0
    return _execute(f"{into} {select}", params)


def _distinct(left: str, right: str) -> str:
    """A comparison that treats NULL as a value (the two databases spell it differently)."""
    if connection.vendor == "postgresql":
        return f"{left} IS DISTINCT FROM {right}"
    return f"{left} IS NOT {right}"


def _settled(row: str, token: int) -> str:
    """Raw SQL: a live row that this import did not insert ahead. A sweep for missing rows
    skips this import's own (all staged: skipping them first saves a look-up each) and those
    of another import not applied yet (ADR 33). The token is our own integer (int() makes
    sure), so it is spelled in the SQL."""
    return (
        f"({row}.import_pending IS NULL OR ({row}.import_pending <> {int(token)} "  # noqa: S608
        f"AND {row}.import_pending IN (SELECT token FROM {_table(LiveImport)})))"
    )


def _planned(plan: type[models.Model]) -> str:
    """Raw SQL: the ids of the rows planned for an action; three parameters: token, kind,
    action (``GONE`` or ``CHANGE``)."""
    return (
        f"SELECT p.row_id FROM {_table(plan)} p "  # noqa: S608 - our own table name
        f"WHERE p.token = %s AND p.kind = %s AND p.action = %s"
    )


def table_id_range(model: type[models.Model]) -> tuple[int, int] | None:
    """The lowest and highest id of every row of ``model`` (one read)."""
    low, high = _fetch(f"SELECT MIN(id), MAX(id) FROM {_table(model)}", [])[0]  # noqa: S608
    return None if low is None else (int(low), int(high))


def plan_rows_insert(
    *, plan: type[models.Model], token: int, kind: str, rows: Sequence[tuple[int, str, Any]]
) -> int:
    """Write (row id, action, flag) rows found by a read to the plan (the caller commits)."""
    return insert_rows(
        plan,
        (
            {"token": token, "kind": kind, "action": action, "row_id": row_id, "flag": flag}
            for row_id, action, flag in rows
        ),
    )


def _random_password() -> str:
    """An unusable password per new user, made by the database (as make_password(None) does)."""
    if connection.vendor == "postgresql":
        return f"'{UNUSABLE_PASSWORD_PREFIX}' || md5(random()::text || clock_timestamp()::text)"
    return f"'{UNUSABLE_PASSWORD_PREFIX}' || lower(hex(randomblob(20)))"


def _ref(reference: Reference, row: str = "s") -> str:
    return (
        f"(SELECT p.{_q('id')} FROM {_table(reference.target)} p "  # noqa: S608 - our own table names
        f"WHERE p.{_q('sourced_id')} = {row}.{_q(reference.staged)})"
    )


def _stamped(model: type[models.Model]) -> bool:
    return any(f.name == "updated_at" for f in model._meta.concrete_fields)


def _defaults(
    kind: StagedKind, given: set[str], now: datetime.datetime
) -> tuple[list[str], list[str], list[Any]]:
    """Columns a new row needs that the staged row does not give: their defaults."""
    columns: list[str] = []
    sql: list[str] = []
    params: list[Any] = []
    for f in kind.live._meta.concrete_fields:
        if f.primary_key or f.column in given:
            continue
        if kind.live is User and f.attname == "password":
            columns.append(str(f.column))
            sql.append(_random_password())
            continue
        value = now if getattr(f, "auto_now", False) else f.get_default()
        columns.append(str(f.column))
        sql.append("%s")
        params.append(f.get_db_prep_save(value, connection))
    return columns, sql, params


def staged_counts(*, kind: StagedKind, token: int) -> WriteCounts:
    """What applying the staged rows will do to the records they name (one query). A row
    inserted ahead (``import_pending``) counts as created: the apply makes it live."""
    live, staged = _table(kind.live), _table(kind.staged)
    was_active_now_not = "l.is_active AND (s.deleted OR NOT s.is_active)"
    differs = "(l.source_hash <> s.source_hash OR l.is_active <> s.is_active)"
    row = _fetch(
        f"SELECT "  # noqa: S608 - table names are our own
        f"COALESCE(SUM(CASE WHEN l.id IS NULL AND NOT s.deleted THEN 1 ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN l.id IS NOT NULL AND NOT s.deleted AND {differs} "
        f"AND NOT ({was_active_now_not}) THEN 1 ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN l.id IS NOT NULL AND {was_active_now_not} THEN 1 ELSE 0 END), 0), "
        f"COUNT(*) "
        f"FROM {staged} s LEFT JOIN {live} l ON l.sourced_id = s.sourced_id "
        f"AND l.import_pending IS NULL WHERE s.token = %s",
        [token],
    )[0]
    created, updated, deactivated, total = (int(n) for n in row)
    return WriteCounts(created, updated, deactivated, total - created - updated - deactivated)


def _insert_new(
    kind: StagedKind, token: int, now: datetime.datetime, *, ahead: tuple[int, int] | None
) -> int:
    """``INSERT … SELECT`` of the staged records the roster does not have. ``ahead``: only the
    active ones whose staging ids are in that range, marked pending: inactive, or active and
    hidden if the table is ``HIDDEN_AHEAD``."""
    columns: list[str] = []
    sql: list[str] = []
    params: list[Any] = []
    for column in ("sourced_id", "source_hash", *kind.columns):
        columns.append(column)
        sql.append(f"s.{_q(column)}")
    columns += ["is_active", "import_pending"]
    sql += ["s.is_active", "NULL"] if ahead is None else ["%s", "%s"]
    params += [] if ahead is None else [kind.live in HIDDEN_AHEAD, token]
    for reference in kind.references:
        columns.append(reference.column)
        sql.append(_ref(reference))
    if kind.parent:  # set by the apply, when every row exists
        columns.append(kind.parent.column)
        sql.append("NULL")
    more_columns, more_sql, more_params = _defaults(kind, set(columns), now)
    live, staged = _table(kind.live), _table(kind.staged)
    where = "s.token = %s AND NOT s.deleted"
    if ahead is not None:
        where += " AND s.is_active AND s.id BETWEEN %s AND %s"
    return _insert_any(
        f"INSERT INTO {live} ({', '.join(_q(c) for c in [*columns, *more_columns])})",
        f"SELECT {', '.join([*sql, *more_sql])} FROM {staged} s WHERE {where} "  # noqa: S608
        f"AND NOT EXISTS (SELECT 1 FROM {live} l WHERE l.sourced_id = s.sourced_id)",
        [*params, *more_params, token, *(ahead or ())],
    )


def staged_records_insert_ahead(
    *, kind: StagedKind, token: int, now: datetime.datetime, ids: tuple[int, int]
) -> int:
    """Insert the new active records staged with ids in ``ids`` ahead of the apply, marked with
    the import's token: inactive, or (``HIDDEN_AHEAD``) active and hidden by their manager, so
    no read takes them for live (one statement; the caller commits each batch, ADR 17, 27)."""
    return _insert_new(kind, token, now, ahead=ids)


def pending_make_live(*, model: type[models.Model], token: int, ahead: int = 0) -> int:
    """The rows this import inserted ahead become live (one statement, in the apply); those of
    a ``HIDDEN_AHEAD`` table already are, once ``import_make_live`` ran: ``ahead`` of them."""
    if model in HIDDEN_AHEAD:
        return ahead
    return _execute(
        f"UPDATE {_table(model)} SET is_active = %s, import_pending = NULL "  # noqa: S608
        f"WHERE import_pending = %s",
        [True, token],
    )


def import_make_live(token: int) -> None:
    """Every row this import inserted ahead into a ``HIDDEN_AHEAD`` table becomes visible: one
    row written, in the apply's transaction, whatever their number (ADR 33)."""
    LiveImport.objects.create(token=token)


def import_is_live(token: int) -> bool:
    return LiveImport.objects.filter(token=token).exists()


def import_forget(token: int) -> None:
    """After every row of a live import is unmarked: its marker is no longer needed."""
    LiveImport.objects.filter(token=token).delete()


def pending_id_range(*, model: type[models.Model], token: int) -> tuple[int, int] | None:
    """The lowest and highest id of the rows still marked with ``token`` (one read)."""
    low, high = _fetch(
        f"SELECT MIN(id), MAX(id) FROM {_table(model)} WHERE import_pending = %s",  # noqa: S608
        [token],
    )[0]
    return None if low is None else (int(low), int(high))


def pending_unmark(*, model: type[models.Model], token: int, ids: tuple[int, int]) -> int:
    """Unmark the rows of a live import with ids in ``ids`` (they are visible already; the
    marker only costs every read a look at ``LiveImport``). No index holds the column."""
    return _execute(
        f"UPDATE {_table(model)} SET import_pending = NULL "  # noqa: S608 - our own table
        f"WHERE id BETWEEN %s AND %s AND import_pending = %s",
        [*ids, token],
    )


def pending_remove(*, model: type[models.Model], token: int, limit: int) -> int:
    """Remove up to ``limit`` rows this import inserted ahead (it failed or was refused)."""
    table = _table(model)
    if not _exists(f"FROM {table} WHERE import_pending = %s", [token]):
        return 0  # the usual case, after an apply: no write at all
    return _execute(
        f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} "  # noqa: S608
        f"WHERE import_pending = %s LIMIT %s)",
        [token, limit],
    )


def _column_value(kind: StagedKind, live: str, column: str) -> str:
    """The staged value of ``column``, or the live one where the person chose it."""
    chosen_at = kind.kept_once_chosen.get(column)
    if chosen_at is None:
        return f"s.{_q(column)}"
    return (
        f"CASE WHEN {live}.{_q(chosen_at)} IS NULL THEN s.{_q(column)} ELSE {live}.{_q(column)} END"
    )


def staged_records_plan(
    *,
    kind: StagedKind,
    name: str,
    plan: type[models.Model],
    token: int,
    complete: bool,
    ids: tuple[int, int],
) -> tuple[int, int]:
    """Write to ``plan`` the live records with ids in ``ids`` that the apply will deactivate
    (``complete``: active, settled and gone from the source) and update (their staged row
    differs); return how many of each. Two statements, each looking before it writes; the
    caller commits each batch (ADR 33). The apply's own statements then check again that each
    planned row still needs the change."""
    live, staged = _table(kind.live), _table(kind.staged)
    into = f"INSERT INTO {_table(plan)} (token, kind, action, row_id, staged_id)"
    gone = 0
    if complete:
        gone = _insert_any(
            into,
            f"SELECT %s, %s, %s, l.id, NULL FROM {live} l "  # noqa: S608 - our own table names
            f"WHERE l.id BETWEEN %s AND %s AND l.is_active AND {_settled('l', token)} "
            f"AND l.sourced_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {staged} s "
            f"WHERE s.token = %s AND s.sourced_id = l.sourced_id)",
            [token, name, GONE, *ids, token],
        )
    changed = _insert_any(
        into,
        f"SELECT %s, %s, %s, l.id, s.id FROM {live} l JOIN {staged} s "  # noqa: S608
        f"ON s.sourced_id = l.sourced_id AND s.token = %s WHERE l.id BETWEEN %s AND %s "
        f"AND NOT s.deleted AND l.import_pending IS NULL "
        f"AND (l.source_hash <> s.source_hash OR l.is_active <> s.is_active)",
        [token, name, CHANGE, token, *ids],
    )
    return gone, changed


def staged_records_apply(
    *,
    kind: StagedKind,
    name: str,
    plan: type[models.Model],
    planned: Planned,
    token: int,
    now: datetime.datetime,
    ahead: int = 0,
) -> WriteCounts:
    """Deactivate the planned gone records, make the records inserted ahead live, insert the
    other new ones, update the planned changed ones, deactivate those marked deleted. A
    handful of statements, each finding its rows by id (``staged_records_plan``)."""
    counts = planned.counts
    live, staged = _table(kind.live), _table(kind.staged)
    stamped = _stamped(kind.live)
    stamp = connection.ops.adapt_datetimefield_value(now)
    off = f"is_active = %s{', updated_at = %s' if stamped else ''}"
    off_params: list[Any] = [False, *([stamp] if stamped else [])]
    deactivated = 0
    if planned.gone:
        deactivated = _execute(
            f"UPDATE {live} SET {off} WHERE id IN ({_planned(plan)}) "  # noqa: S608
            f"AND is_active AND {_settled(live, token)}",
            [*off_params, token, name, GONE],
        )
    made_live = (
        pending_make_live(model=kind.live, token=token, ahead=ahead) if counts.created else 0
    )
    if counts.created > made_live:
        _insert_new(kind, token, now, ahead=None)
    refs = list(kind.references)
    sets = [
        f"{_q(c)} = {_column_value(kind, live, c)}"
        for c in ("source_hash", "is_active", *kind.columns)
    ]
    sets += [
        f"{_q(r.column)} = {_ref(r)}" for r in [*refs, *([kind.parent] if kind.parent else [])]
    ]
    stamp_params: list[Any] = []
    if stamped:
        sets.append(f"{_q('updated_at')} = %s")
        stamp_params = [stamp]
    if planned.changed:
        _execute(
            f"UPDATE {live} SET {', '.join(sets)} FROM {_table(plan)} p, {staged} s "  # noqa: S608
            f"WHERE p.token = %s AND p.kind = %s AND p.action = %s AND {live}.id = p.row_id "
            f"AND s.id = p.staged_id AND {live}.import_pending IS NULL "
            f"AND ({live}.source_hash <> s.source_hash OR {live}.is_active <> s.is_active)",
            [*stamp_params, token, name, CHANGE],
        )
    if kind.parent and (counts.created or counts.updated):
        _execute(
            f"UPDATE {live} SET {_q(kind.parent.column)} = {_ref(kind.parent)} "  # noqa: S608
            f"FROM {staged} s WHERE s.token = %s AND NOT s.deleted "
            f"AND {live}.sourced_id = s.sourced_id AND s.{_q(kind.parent.staged)} <> '' "
            f"AND {live}.{_q(kind.parent.column)} IS NULL",
            [token],
        )
    if counts.deactivated:
        _execute(
            f"UPDATE {live} SET {off} WHERE is_active AND sourced_id IN "  # noqa: S608
            f"(SELECT s.sourced_id FROM {staged} s WHERE s.token = %s AND s.deleted)",
            [*off_params, token],
        )
    counts.deactivated += deactivated
    return counts


def staged_would_deactivate(
    *, kind: StagedKind, token: int, among: str = "", params: Sequence[Any] = ()
) -> tuple[int, int]:
    """(active records a complete source would deactivate, active records now), both limited
    by the SQL condition ``among`` on the live row ``l`` (read only: the guard asks first)."""
    live, staged = _table(kind.live), _table(kind.staged)
    where = f"l.is_active{f' AND ({among})' if among else ''}"
    gone = (
        f"l.sourced_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {staged} s WHERE s.token = %s "  # noqa: S608 - our own table names
        f"AND s.sourced_id = l.sourced_id AND NOT s.deleted AND s.is_active)"
    )
    row = _fetch(
        f"SELECT COALESCE(SUM(CASE WHEN {gone} THEN 1 ELSE 0 END), 0), COUNT(*) "  # noqa: S608
        f"FROM {live} l WHERE {where}",
        [token, *params],
    )[0]
    return int(row[0]), int(row[1])


# ------------------------------------------------------------------ sections and their terms


def section_terms_apply(
    *, staged_sections: type[models.Model], staged_terms: type[models.Model], token: int
) -> None:
    """Make each staged section's terms exactly the staged ones (two statements)."""
    link, section = _table(SectionTerm), _table(Section)
    session = _table(AcademicSession)
    pairs = (
        f"SELECT sec.id AS section_id, t.id AS term_id FROM {_table(staged_terms)} st "  # noqa: S608 - our own table names
        f"JOIN {section} sec ON sec.sourced_id = st.section_sid "
        f"JOIN {session} t ON t.sourced_id = st.term_sid WHERE st.token = %s"
    )
    _execute(
        f"DELETE FROM {link} WHERE section_id IN (SELECT sec.id FROM "  # noqa: S608
        f"{_table(staged_sections)} s JOIN {section} sec ON sec.sourced_id = s.sourced_id "
        f"WHERE s.token = %s AND NOT s.deleted) AND NOT EXISTS (SELECT 1 FROM ({pairs}) p "
        f"WHERE p.section_id = {link}.section_id AND p.term_id = {link}.term_id)",
        [token, token],
    )
    _execute(
        f"INSERT INTO {link} (section_id, term_id) SELECT DISTINCT p.section_id, p.term_id "  # noqa: S608
        f"FROM ({pairs}) p WHERE NOT EXISTS (SELECT 1 FROM {link} l "
        f"WHERE l.section_id = p.section_id AND l.term_id = p.term_id)",
        [token],
    )


def sections_ends_on_apply(
    *, staged_sections: type[models.Model], staged_sessions: type[models.Model], token: int
) -> int:
    """``ends_on`` (the last day of its last term) of the sections this import staged or whose
    terms it staged, where it is not already right (one statement)."""
    link, section = _table(SectionTerm), _table(Section)
    session = _table(AcademicSession)
    last_day = (
        f"(SELECT MAX(t.end_date) FROM {link} st JOIN {session} t ON t.id = st.term_id "  # noqa: S608 - our own table names
        f"WHERE st.section_id = {section}.id)"
    )
    return _execute(
        f"UPDATE {section} SET ends_on = {last_day} WHERE ("  # noqa: S608
        f"sourced_id IN (SELECT s.sourced_id FROM {_table(staged_sections)} s "
        f"WHERE s.token = %s AND NOT s.deleted) OR id IN (SELECT st.section_id FROM {link} st "
        f"JOIN {session} t ON t.id = st.term_id JOIN {_table(staged_sessions)} ss "
        f"ON ss.sourced_id = t.sourced_id AND ss.token = %s)) "
        f"AND {_distinct('ends_on', last_day)}",
        [token, token],
    )


# ------------------------------------------------------------------ role assignments, guardians


def _wanted_roles(staged_roles: type[models.Model], *, users: str = "") -> str:
    """(user_id, role, org_id, is_primary) of each staged (user, role, org): primary if any of
    its rows says so. ``users``: a further condition on the person ``u``."""
    return (
        f"SELECT u.id AS user_id, s.role AS role, o.id AS org_id, "  # noqa: S608 - our own table names
        f"(MAX(CASE WHEN s.is_primary THEN 1 ELSE 0 END) = 1) AS is_primary "
        f"FROM {_table(User)} u JOIN {_table(staged_roles)} s ON s.user_sid = u.sourced_id "
        f"AND s.token = %s JOIN {_table(Org)} o ON o.sourced_id = s.org_sid "
        f"WHERE 1 = 1{users} GROUP BY u.id, s.role, o.id"
    )


SAME_ROLE = "r.user_id = a.user_id AND r.role = a.role AND r.org_id = a.org_id"


def role_assignments_insert_ahead(
    *, staged_roles: type[models.Model], token: int, users: tuple[int, int]
) -> int:
    """Insert ahead of the apply, active and hidden (marked with the token), the staged roles not
    held yet of the people whose ids are in ``users`` (one statement; ADR 17)."""
    roles = _table(RoleAssignment)
    wanted = _wanted_roles(staged_roles, users=" AND u.id BETWEEN %s AND %s")
    return _insert_any(
        f"INSERT INTO {roles} (user_id, role, org_id, is_primary, is_active, import_pending)",
        f"SELECT a.user_id, a.role, a.org_id, a.is_primary, %s, %s FROM ({wanted}) a "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM {roles} r WHERE {SAME_ROLE})",
        [True, token, token, *users],
    )


def role_assignments_counts(*, staged_roles: type[models.Model], token: int) -> WriteCounts:
    """What applying the staged roles will create, update and leave (one query, read only: the
    importer asks before its apply's transaction, ADR 33)."""
    wanted = _wanted_roles(staged_roles)
    created, updated, total = _fetch(
        f"SELECT COALESCE(SUM(CASE WHEN r.id IS NULL THEN 1 ELSE 0 END), 0), "  # noqa: S608
        f"COALESCE(SUM(CASE WHEN r.id IS NOT NULL AND (NOT r.is_active "
        f"OR r.is_primary <> a.is_primary) THEN 1 ELSE 0 END), 0), COUNT(*) "
        f"FROM ({wanted}) a LEFT JOIN {_table(RoleAssignment)} r ON {SAME_ROLE} "
        f"AND r.import_pending IS NULL",
        [token],
    )[0]
    return WriteCounts(int(created), int(updated), 0, int(total) - int(created) - int(updated))


def role_assignments_plan_rows(
    *, staged_roles: type[models.Model], token: int, complete: bool
) -> list[tuple[int, str, bool | None]]:
    """(role id, action, primary) of the roles the apply will deactivate (``complete``: the
    roles of imported people that are not staged) and update (made active, or their primary
    changed): one or two reads, before the apply's transaction (ADR 33)."""
    roles, user = _table(RoleAssignment), _table(User)
    wanted = _wanted_roles(staged_roles)
    rows: list[tuple[int, str, bool | None]] = []
    if complete:
        # An anti-join against the wanted roles computed once (a NOT EXISTS correlated with
        # the grouped sub-query makes PostgreSQL group it again for every role: hours at
        # scale). The roles inserted ahead (this import's) are skipped: they are all staged.
        gone = _fetch(
            f"SELECT r.id FROM {roles} r JOIN {user} u ON u.id = r.user_id "  # noqa: S608 - our own table names
            f"LEFT JOIN ({wanted}) a ON a.user_id = r.user_id AND a.role = r.role "
            f"AND a.org_id = r.org_id WHERE r.is_active AND {_settled('r', token)} "
            f"AND u.sourced_id IS NOT NULL AND a.user_id IS NULL",
            [token],
        )
        rows += [(int(row_id), GONE, None) for (row_id,) in gone]
    changed = _fetch(
        f"SELECT r.id, a.is_primary FROM ({wanted}) a JOIN {roles} r ON {SAME_ROLE} "  # noqa: S608
        f"AND r.import_pending IS NULL WHERE NOT r.is_active OR r.is_primary <> a.is_primary",
        [token],
    )
    rows += [(int(row_id), CHANGE, bool(primary)) for row_id, primary in changed]
    return rows


def role_assignments_apply(
    *,
    staged_roles: type[models.Model],
    plan: type[models.Model],
    planned: Planned,
    token: int,
    ahead: int = 0,
) -> WriteCounts:
    """The planned roles deactivated and updated (made active, primary as planned), those
    inserted ahead made live, any other new one inserted (``role_assignments_plan_rows``)."""
    roles = _table(RoleAssignment)
    counts = planned.counts
    if planned.gone:
        counts.deactivated += _execute(
            f"UPDATE {roles} SET is_active = %s WHERE id IN ({_planned(plan)}) "  # noqa: S608
            f"AND is_active AND {_settled(roles, token)}",
            [False, token, "role", GONE],
        )
    made_live = (
        pending_make_live(model=RoleAssignment, token=token, ahead=ahead) if counts.created else 0
    )
    if counts.created > made_live:
        wanted = _wanted_roles(staged_roles)
        _execute(
            f"INSERT INTO {roles} (user_id, role, org_id, is_primary, is_active) "  # noqa: S608
            f"SELECT a.user_id, a.role, a.org_id, a.is_primary, %s FROM ({wanted}) a "
            f"WHERE NOT EXISTS (SELECT 1 FROM {roles} r WHERE {SAME_ROLE})",
            [True, token],
        )
    if planned.changed:
        _execute(
            f"UPDATE {roles} SET is_primary = p.flag, is_active = %s FROM {_table(plan)} p "  # noqa: S608
            f"WHERE p.token = %s AND p.kind = %s AND p.action = %s AND {roles}.id = p.row_id "
            f"AND {roles}.import_pending IS NULL",
            [True, token, "role", CHANGE],
        )
    return counts


def _wanted_links(
    staged_pairs: type[models.Model],
    *,
    ahead: int | None = None,
    plan: type[models.Model] | None = None,
) -> str:
    """(guardian_id, student_id) of each staged (person, agent) pair: the guardian is whichever
    of the two holds the guardian role, the child whichever holds the student role. ``ahead``:
    the token of an import whose roles inserted ahead count too (they are made live with the
    links), and only the pairs whose ids are in a range (two more parameters). ``plan``: the
    roles held as they will be once the apply's planned role changes are made (``ahead``
    names the import; no range)."""
    user, roles = _table(User), _table(RoleAssignment)
    # The token is our own integer (int() makes sure), so it is spelled in the SQL.
    if plan is not None:

        def planned(action: str) -> str:
            return (
                f"SELECT p.row_id FROM {_table(plan)} p WHERE p.token = {int(ahead or 0)} "  # noqa: S608 - our own table
                f"AND p.kind = 'role' AND p.action = '{action}'"
            )

        held = f"((r.is_active AND r.id NOT IN ({planned(GONE)})) OR r.id IN ({planned(CHANGE)}))"
    elif ahead is None:
        held = "r.is_active"
    else:
        held = f"(r.is_active OR r.import_pending = {int(ahead)})"

    def holds(person: str, role: str) -> str:
        return (
            f"EXISTS (SELECT 1 FROM {roles} r WHERE r.user_id = {person}.id "  # noqa: S608 - our own table names
            f"AND {held} AND r.role = '{role}')"
        )

    pairs = (
        f"FROM {_table(staged_pairs)} p JOIN {user} u ON u.sourced_id = p.user_sourced_id "
        f"JOIN {user} a ON a.sourced_id = p.agent_sourced_id WHERE p.token = %s"
    )
    if ahead is not None and plan is None:
        pairs += " AND p.id BETWEEN %s AND %s"
    return (
        f"SELECT a.id AS guardian_id, u.id AS student_id {pairs} "
        f"AND {holds('u', Role.STUDENT)} AND {holds('a', Role.GUARDIAN)} "
        f"UNION SELECT u.id, a.id {pairs} AND {holds('u', Role.GUARDIAN)} "
        f"AND {holds('a', Role.STUDENT)}"
    )


def guardian_links_insert_ahead(
    *, staged_pairs: type[models.Model], token: int, pairs: tuple[int, int]
) -> int:
    """Insert ahead of the apply, active and hidden (marked with the token), the links of the staged
    pairs with ids in ``pairs`` that do not exist yet (one statement; ADR 17)."""
    links = _table(GuardianLink)
    wanted = _wanted_links(staged_pairs, ahead=token)
    return _insert_any(
        f"INSERT INTO {links} (guardian_id, student_id, relationship, is_active, import_pending)",
        f"SELECT g.guardian_id, g.student_id, '', %s, %s FROM ({wanted}) g "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT 1 FROM {links} l WHERE l.guardian_id = g.guardian_id "
        f"AND l.student_id = g.student_id)",
        [True, token, token, *pairs, token, *pairs],
    )


SAME_LINK = "g.guardian_id = l.guardian_id AND g.student_id = l.student_id"


def guardian_links_plan(
    *, staged_pairs: type[models.Model], plan: type[models.Model], token: int, complete: bool
) -> tuple[WriteCounts, list[tuple[int, str, bool | None]]]:
    """What applying the staged pairs will create, revive and leave, and (link id, action,
    None) of the links it will revive and (``complete``: those of imported guardians that are
    not staged) deactivate: three reads before the apply's transaction, after the roles'
    plan, taking the roles as they will be once it is applied (ADR 33)."""
    links, user = _table(GuardianLink), _table(User)
    wanted = _wanted_links(staged_pairs, ahead=token, plan=plan)
    created, revived, total = _fetch(
        f"SELECT COALESCE(SUM(CASE WHEN l.id IS NULL THEN 1 ELSE 0 END), 0), "  # noqa: S608
        f"COALESCE(SUM(CASE WHEN l.id IS NOT NULL AND NOT l.is_active THEN 1 ELSE 0 END), 0), "
        f"COUNT(*) FROM ({wanted}) g LEFT JOIN {links} l "
        f"ON {SAME_LINK} AND l.import_pending IS NULL",
        [token, token],
    )[0]
    counts = WriteCounts(int(created), int(revived), 0, int(total) - int(created) - int(revived))
    # Joins against the wanted links computed once, never a NOT EXISTS correlated with them
    # (PostgreSQL would compute the UNION again for every link). This import's links inserted
    # ahead are skipped: they are all wanted.
    joined = f"FROM {links} l LEFT JOIN ({wanted}) g ON {SAME_LINK}"
    rows: list[tuple[int, str, bool | None]] = []
    if complete:
        gone = _fetch(
            f"SELECT l.id {joined} JOIN {user} u ON u.id = l.guardian_id "
            f"WHERE l.is_active AND {_settled('l', token)} "
            f"AND u.sourced_id IS NOT NULL AND g.guardian_id IS NULL",
            [token, token],
        )
        rows += [(int(row_id), GONE, None) for (row_id,) in gone]
    if counts.updated:
        again = _fetch(
            f"SELECT l.id {joined} WHERE NOT l.is_active AND l.import_pending IS NULL "
            f"AND g.guardian_id IS NOT NULL",
            [token, token],
        )
        rows += [(int(row_id), CHANGE, None) for (row_id,) in again]
    return counts, rows


def guardian_links_apply(
    *,
    staged_pairs: type[models.Model],
    plan: type[models.Model],
    planned: Planned,
    token: int,
    ahead: int = 0,
) -> WriteCounts:
    """The planned links revived and deactivated, those inserted ahead made live, any other
    new one inserted (``guardian_links_plan``)."""
    links = _table(GuardianLink)
    counts = planned.counts
    if planned.gone:
        counts.deactivated += _execute(
            f"UPDATE {links} SET is_active = %s WHERE id IN ({_planned(plan)}) "  # noqa: S608
            f"AND is_active AND {_settled(links, token)}",
            [False, token, "guardian", GONE],
        )
    if planned.changed:
        _execute(
            f"UPDATE {links} SET is_active = %s WHERE id IN ({_planned(plan)}) "  # noqa: S608
            f"AND NOT is_active AND import_pending IS NULL",
            [True, token, "guardian", CHANGE],
        )
    made_live = (
        pending_make_live(model=GuardianLink, token=token, ahead=ahead) if counts.created else 0
    )
    if counts.created > made_live:
        wanted = _wanted_links(staged_pairs)
        _execute(
            f"INSERT INTO {links} (guardian_id, student_id, relationship, is_active) "  # noqa: S608
            f"SELECT g.guardian_id, g.student_id, '', %s FROM ({wanted}) g WHERE NOT EXISTS "
            f"(SELECT 1 FROM {links} l WHERE l.guardian_id = g.guardian_id "
            f"AND l.student_id = g.student_id)",
            [True, token, token],
        )
    return counts


# ------------------------------------------------------------------ student groups


def student_groups_apply(*, staged_groups: type[models.Model], token: int) -> WriteCounts:
    """Make every student's OneRoster groups exactly the staged ones (a complete file: a
    student it does not list loses theirs). Only holders of an active student role get
    groups; program groups (another source) are never touched. A few statements."""
    groups, user, roles = _table(StudentGroupMembership), _table(User), _table(RoleAssignment)
    group = _q("group")
    source = StudentGroupMembership.Source.ONEROSTER.value
    wanted = (
        f"SELECT DISTINCT u.id AS student_id, s.{group} AS grp FROM {_table(staged_groups)} s "  # noqa: S608 - our own table names
        f"JOIN {user} u ON u.sourced_id = s.user_sid WHERE s.token = %s AND s.{group} <> '' "
        f"AND EXISTS (SELECT 1 FROM {roles} r WHERE r.user_id = u.id AND r.is_active "
        f"AND r.role = '{Role.STUDENT.value}')"
    )
    same = f"m.student_id = w.student_id AND m.{group} = w.grp"
    created, total = _fetch(
        f"SELECT COALESCE(SUM(CASE WHEN m.id IS NULL THEN 1 ELSE 0 END), 0), COUNT(*) "  # noqa: S608
        f"FROM ({wanted}) w LEFT JOIN {groups} m ON {same}",
        [token],
    )[0]
    counts = WriteCounts(created=int(created), unchanged=int(total) - int(created))
    if counts.created:
        _execute(
            f"INSERT INTO {groups} (student_id, {group}, source) "  # noqa: S608
            f"SELECT w.student_id, w.grp, %s FROM ({wanted}) w "
            f"WHERE NOT EXISTS (SELECT 1 FROM {groups} m WHERE {same})",
            [source, token],
        )
    gone = (
        f"SELECT m.id FROM {groups} m LEFT JOIN ({wanted}) w ON {same} "  # noqa: S608 - our own table names
        f"WHERE m.source = %s AND w.student_id IS NULL"
    )
    if _exists(f"FROM ({gone}) g", [token, source]):
        counts.deactivated = _execute(
            f"DELETE FROM {groups} WHERE id IN ({gone})",  # noqa: S608 - our own table names
            [token, source],
        )
    return counts


def student_group_set(
    *, group: str, source: str, add: Collection[int], remove: Collection[int]
) -> WriteCounts:
    """Put the students ``add`` in ``group`` and take ``remove`` out of it (ids of students;
    the caller checked them). One query to read the group, then bulk writes; a student
    already where they should be costs nothing."""
    members = set(
        StudentGroupMembership.objects.filter(group=group).values_list("student_id", flat=True)
    )
    new = sorted(set(add) - members)
    gone = sorted(set(remove) & members)
    insert_rows(
        StudentGroupMembership,
        ({"student_id": student, "group": group, "source": source} for student in new),
    )
    for start in range(0, len(gone), DELETE_BATCH):
        StudentGroupMembership.objects.filter(
            group=group, student_id__in=gone[start : start + DELETE_BATCH]
        ).delete()
    unchanged = len(set(add) & members) + len(set(remove) - members)
    return WriteCounts(created=len(new), deactivated=len(gone), unchanged=unchanged)
