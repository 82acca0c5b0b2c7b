"""Writing and finding many rows at once, without the ORM's work per row and per value.

``bulk_create`` builds a model instance per row and then prepares every value of every row
through the field machinery one at a time: for a district's roster (hundreds of thousands
of rows) that cost more than the database's own work several times over. Here each row is a
mapping of field names to values; a field's value goes through its ``get_db_prep_save`` only
where that can change it (dates, times, decimals and the like), and the rows go to the
database the fastest way it offers: ``executemany`` of one prepared ``INSERT`` on SQLite,
``COPY`` on PostgreSQL (for a few rows, ``executemany`` there too). It is the project's one
bulk writer (ADR 6, ADR 11): rosters, evidence, audit rows, the demo. Likewise a lookup of
thousands of keys (``filter(key__in=…)`` costs the ORM several microseconds a key) binds
them as they are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from itertools import chain
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

_SQLITE_KEYS = 10_000

# Fields whose Python values the database drivers take as they are (the values are already of
# the field's type): these skip ``get_db_prep_save``. Any other field (a subclass included)
# is prepared by Django, as bulk_create would.
_AS_IS = frozenset(
    {
        models.CharField,
        models.TextField,
        models.EmailField,
        models.SlugField,
        models.URLField,
        models.BooleanField,
        models.IntegerField,
        models.BigIntegerField,
        models.SmallIntegerField,
        models.PositiveIntegerField,
        models.PositiveBigIntegerField,
        models.PositiveSmallIntegerField,
        models.FloatField,
        models.ForeignKey,
        models.OneToOneField,
        models.AutoField,
        models.BigAutoField,
        models.SmallAutoField,
    }
)


COPY_FROM_ROWS = 100
"""From this many rows PostgreSQL gets ``COPY`` (a few round trips, then the fastest load);
fewer go as one ``executemany``, as on SQLite (a score saved by a teacher is one row)."""


def insert_rows(
    model: type[models.Model], rows: Iterable[Mapping[str, Any]], *, using: str = DEFAULT_DB_ALIAS
) -> int:
    """Insert ``rows`` (field name or attname → value) as new records of ``model``.

    A field a row leaves out gets its default (evaluated once for the whole call, so every
    row of one call shares the moment of a ``timezone.now`` default); ``auto_now`` and
    ``auto_now_add`` fields get the time of the call. Nothing is validated: callers pass
    values of the fields' types, as they would to ``bulk_create``. Returns the rows inserted.
    """
    connection = connections[using]
    table, columns, values = _prepared(model, rows, connection)
    if not values:
        return 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and len(values) >= COPY_FROM_ROWS:
            with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row_values in values:
                    copy.write_row(row_values)
        else:
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
                values,
            )
    return len(values)


def insert_rows_returning_ids(
    model: type[models.Model], rows: Iterable[Mapping[str, Any]], *, using: str = DEFAULT_DB_ALIAS
) -> list[int]:
    """:func:`insert_rows`, returning the new rows' ids in the rows' order.

    One multi-row ``INSERT … RETURNING`` per :func:`rows_per_insert` rows (the order of the
    ids is the rows' order, as ``bulk_create`` relies on too).
    """
    connection = connections[using]
    table, columns, values = _prepared(model, rows, connection)
    if not values:
        return []
    quote = connection.ops.quote_name
    pk = model._meta.pk
    head = f"INSERT INTO {table} ({', '.join(columns)}) VALUES "  # noqa: S608 - our own names
    tail = f" RETURNING {quote(str(pk.column if pk is not None else 'id'))}"
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    per = _rows_per_insert(connection, len(columns))
    ids: list[int] = []
    with connection.cursor() as cursor:
        for start in range(0, len(values), per):
            chunk = values[start : start + per]
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, list(chain(*chunk)))
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def rows_per_insert(model: type[models.Model], *, using: str = DEFAULT_DB_ALIAS) -> int:
    """How many rows of ``model`` one ``INSERT`` of :func:`insert_rows_returning_ids` takes:
    as many as the database takes parameters for."""
    columns = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    return _rows_per_insert(connections[using], len(columns))


def _rows_per_insert(connection: BaseDatabaseWrapper, columns: int) -> int:
    if connection.vendor == "sqlite":
        # The connection's own limit (32766 since SQLite 3.32), not Django's 999 of old
        # SQLite builds: an evidence batch of BATCH_ROWS then goes in one statement.
        connection.ensure_connection()
        limit = connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    else:
        limit = connection.features.max_query_params or 10_000
    return max(1, limit // columns)


def _prepared(
    model: type[models.Model], rows: Iterable[Mapping[str, Any]], connection: BaseDatabaseWrapper
) -> tuple[str, list[str], list[tuple[Any, ...]]]:
    """The quoted table, the quoted columns and each row's values ready for the driver."""
    rows = list(rows)
    meta = model._meta
    quote = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if not isinstance(f, models.AutoField)]
    columns = [quote(str(f.column)) for f in fields]
    if not rows:
        return quote(meta.db_table), columns, []
    names = {f.attname: f for f in fields} | {f.name: f for f in fields}
    unknown = {key for row in rows for key in row} - set(names)
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    now = timezone.now()
    missing = {f.attname: _default(f, now) for f in fields}
    prepare = [None if type(f) in _AS_IS else _preparer(f, connection) for f in fields]
    values = [
        tuple(
            value if prep is None else prep(value)
            for value, prep in zip(_row_values(row, fields, missing), prepare, strict=True)
        )
        for row in rows
    ]
    return quote(meta.db_table), columns, values


def _default(field: models.Field[Any, Any], now: Any) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


def _preparer(field: models.Field[Any, Any], connection: BaseDatabaseWrapper) -> Any:
    """``get_db_prep_save`` for one call, remembered by value: an import's dates and its
    ``updated_at`` repeat from row to row, and preparing a date costs Django microseconds."""
    known: dict[Any, Any] = {}

    def prepare(value: Any) -> Any:
        try:
            return known[value]
        except KeyError:
            known[value] = prepared = field.get_db_prep_save(value, connection)
            return prepared
        except TypeError:  # not hashable
            return field.get_db_prep_save(value, connection)

    return prepare


def _row_values(
    row: Mapping[str, Any], fields: Sequence[models.Field[Any, Any]], missing: Mapping[str, Any]
) -> Iterable[Any]:
    for field in fields:
        if field.attname in row:
            yield row[field.attname]
        elif field.name in row:
            value = row[field.name]
            yield value.pk if isinstance(value, models.Model) else value
        else:
            yield missing[field.attname]


def rows_where_in(
    model: type[models.Model], columns: Sequence[str], key: str, keys: Iterable[Any]
) -> list[tuple[Any, ...]]:
    """``model.objects.filter(<key>__in=keys).values_list(*columns)`` in one query, the keys
    bound as they are (strings or ids). The columns may be of the plain types above, booleans
    or dates (read as ``bool`` and ``date`` on SQLite too); others are refused."""
    keys = list(keys)
    if not keys:
        return []
    meta = model._meta
    fields = [meta.get_field(name) for name in columns]
    readers: list[Any] = []
    for field in fields:
        if type(field) in _AS_IS and not isinstance(field, models.BooleanField):
            readers.append(None)
        elif isinstance(field, models.BooleanField):
            readers.append(lambda value: None if value is None else bool(value))
        elif type(field) is models.DateField:
            readers.append(field.to_python)
        else:
            raise ValueError(f"rows_where_in cannot read {field!r}; use the ORM")
    quote = connection.ops.quote_name
    select = ", ".join(quote(str(field.column)) for field in fields)  # type: ignore[union-attr]
    table = quote(meta.db_table)
    where = quote(str(meta.get_field(key).column))  # type: ignore[union-attr]
    rows: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            sql = f"SELECT {select} FROM {table} WHERE {where} = ANY(%s)"  # noqa: S608
            cursor.execute(sql, [keys])
            rows = cursor.fetchall()
        else:
            for start in range(0, len(keys), _SQLITE_KEYS):  # SQLite's limit of bound values
                batch = keys[start : start + _SQLITE_KEYS]
                marks = ", ".join(["%s"] * len(batch))
                sql = f"SELECT {select} FROM {table} WHERE {where} IN ({marks})"  # noqa: S608
                cursor.execute(sql, batch)
                rows.extend(cursor.fetchall())
    if all(reader is None for reader in readers):
        return rows
    return [
        tuple(v if read is None else read(v) for v, read in zip(row, readers, strict=True))
        for row in rows
    ]
