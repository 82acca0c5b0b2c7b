"""Queries compiled once per shape: the ORM builds and compiles the SQL the first time, and
later calls only bind their values.

Building and compiling a queryset can cost Django more than the database takes to run it
(ADR 10 has the figures; ``bench/tracker_grid.py --reads`` measures them). A
:class:`CompiledQuery` wraps a function that builds a queryset from integer values (ids, or
lists of ids). The first call for a shape (which arguments are lists, and their lengths)
builds it with stand-in values no row has, compiles it, and notes where each stand-in lands
among the SQL's parameters; every later call of that shape puts its own values there. A
stand-in missing from the parameters or written into the SQL text (the ORM inlines some
values, such as slice bounds) makes the shape uncacheable, and such calls compile as
usual: never a wrong query. What it cannot see: a build function must use its values only as
query values, never in Python (an ``if`` on a value would be decided for the stand-in).
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model, QuerySet

Values = int | Sequence[int]
ModelT = TypeVar("ModelT", bound=Model)
# Far outside any id a database hands out: a stand-in is never mistaken for a real value.
_STAND_IN_BASE = -8_123_456_789_000
_SHAPES_KEPT = 256
PREPARE_AFTER = 5

# A parameter is either a constant of the compiled SQL or the place of a value: (name, index
# in its list, or -1 for a single value).
_Slot = tuple[bool, Any]


class CompiledQuery:
    """``build(**fixed, **values)`` → a queryset; ``sql(fixed, **values)`` → its SQL and
    parameters. ``fixed`` holds what the SQL's text depends on (flags, a role): each
    combination is a shape of its own, passed to ``build`` as it is."""

    def __init__(self, build: Callable[..., QuerySet[Any, Any]]) -> None:
        self._build = build
        self._shapes: OrderedDict[tuple[Any, ...], tuple[str, list[_Slot]] | None] = OrderedDict()
        self._lock = threading.Lock()

    def sql(
        self, fixed: Mapping[str, Hashable] | None = None, /, **values: Values
    ) -> tuple[str, list[Any]]:
        """The SQL and parameters of ``build(**fixed, **values)``.

        Raises ``EmptyResultSet`` where the ORM would (for example an empty id list): the
        query can have no rows.
        """
        fixed = fixed or {}
        key = (connection.vendor, *sorted(fixed.items()), *self._shape(values))
        with self._lock:
            known = key in self._shapes
            entry = self._shapes.get(key)
            if known:
                self._shapes.move_to_end(key)
        if not known:
            entry = self._compile(fixed, values)
            with self._lock:
                self._shapes[key] = entry
                while len(self._shapes) > _SHAPES_KEPT:
                    self._shapes.popitem(last=False)
        if entry is None:  # a shape the stand-ins cannot serve: compile this call's own
            sql, params = self._build(**fixed, **values).query.sql_with_params()
            return sql, list(params)
        sql, slots = entry
        return sql, [_bind(slot, values) for slot in slots]

    def queryset(
        self, fixed: Mapping[str, Hashable] | None = None, /, **values: Values
    ) -> QuerySet[Any, Any]:
        """``build(**fixed, **values)`` itself: the ORM's own path, compiled at each use
        (what ``bench/tracker_grid.py --reads`` weighs the compiled path against)."""
        return self._build(**(fixed or {}), **values)

    @staticmethod
    def _shape(values: dict[str, Values]) -> list[tuple[str, int]]:
        return [
            (name, -1 if isinstance(value, int) else len(value))
            for name, value in sorted(values.items())
        ]

    def _compile(
        self, fixed: Mapping[str, Hashable], values: dict[str, Values]
    ) -> tuple[str, list[_Slot]] | None:
        numbers = itertools.count()
        places: dict[int, tuple[str, int]] = {}
        stand_ins: dict[str, Values] = {}
        for name, length in self._shape(values):
            if length < 0:
                stand_in = _STAND_IN_BASE - next(numbers)
                stand_ins[name] = stand_in
                places[stand_in] = (name, -1)
            else:
                ids = [_STAND_IN_BASE - next(numbers) for _ in range(length)]
                stand_ins[name] = ids
                places.update({stand_in: (name, index) for index, stand_in in enumerate(ids)})
        sql, params = self._build(**fixed, **stand_ins).query.sql_with_params()
        slots: list[_Slot] = []
        seen: set[int] = set()
        for param in params:
            if isinstance(param, int) and not isinstance(param, bool) and param in places:
                seen.add(param)
                slots.append((True, places[param]))
            else:
                slots.append((False, param))
        if len(seen) < len(places) or any(str(-n) in sql for n in places):
            return None
        return sql, slots


def _bind(slot: _Slot, values: dict[str, Values]) -> Any:
    is_value, what = slot
    if not is_value:
        return what
    name, index = what
    value = values[name]
    return value if index < 0 else value[index]  # type: ignore[index]


def fetch(
    query: CompiledQuery, fixed: Mapping[str, Hashable] | None = None, /, **values: Values
) -> list[tuple[Any, ...]]:
    """The rows of ``query``, as the database gives them (no converters: on SQLite a boolean
    is 0 or 1, a decimal a float); none where the ORM knows there can be none."""
    try:
        sql, params = query.sql(fixed, **values)
    except EmptyResultSet:
        return []
    with _cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def instances(
    query: CompiledQuery,
    model: type[ModelT],
    fixed: Mapping[str, Hashable] | None = None,
    /,
    **values: Values,
) -> list[ModelT]:
    """The rows of ``query`` (which selects ``model``'s columns, then any annotations) as
    instances of ``model``, each annotation an attribute."""
    try:
        sql, params = query.sql(fixed, **values)
    except EmptyResultSet:
        return []
    if connection.vendor != "postgresql":
        return list(model._default_manager.raw(sql, params))
    # PostgreSQL hands back Python values of the columns' types already (what the ORM's
    # converters would make of them), so the rows become models as the ORM builds them.
    with _cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        rows = cursor.fetchall()
    by_column = {str(f.column): f.attname for f in model._meta.concrete_fields}
    fields = [by_column[name] for name in names if name in by_column]
    extra = [(index, name) for index, name in enumerate(names) if name not in by_column]
    width = len(fields)
    out = []
    for row in rows:
        instance = model.from_db(connection.alias, fields, row[:width])
        for index, name in extra:
            setattr(instance, name, row[index])
        out.append(instance)
    return out


def _cursor() -> Any:
    """A cursor that lets PostgreSQL prepare what it runs again and again.

    Masterly binds parameters on the client (Django's default for PostgreSQL, which suits
    one-off and search queries: each is planned for its own values). A compiled query's SQL
    is the same at every call, so here the parameters are bound by the server and a statement
    run ``PREPARE_AFTER`` times on a connection is prepared there, planned once (planning
    the access-filtered queries cost more than running them, ADR 10). Results come in
    binary (many rows parse faster so). The cursor is Django's wrapper
    all the same (query logging and counting see it).
    """
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold != PREPARE_AFTER:
        raw.prepare_threshold = PREPARE_AFTER
    cursor = psycopg.Cursor(raw)
    cursor.format = psycopg.pq.Format.BINARY  # rows in binary: less to parse than text
    # (django-stubs types these as taking Django's wrapper; they wrap the driver's cursor.)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)  # type: ignore[arg-type]
    return connection.make_cursor(cursor)  # type: ignore[arg-type]
