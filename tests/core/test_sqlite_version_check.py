"""Masterly needs SQLite 3.35+ (``RETURNING``): on an older one, ``masterly start`` and
``masterly check`` stop at once with a message naming both versions; PostgreSQL does not
care which SQLite Python links."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import connection

from masterly.core import checks
from masterly.demo.management.commands import start

OLD = (3, 34, 1)
SQLITE = "django.db.backends.sqlite3"
MESSAGE = "Masterly needs SQLite 3.35 or newer; this Python links SQLite 3.34.1."

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run's check")


def test_an_old_sqlite_is_named_with_the_version_needed() -> None:
    (error,) = checks.sqlite_version_errors([SQLITE], OLD)
    assert error.msg == MESSAGE and error.id == "masterly.E001"
    assert "PostgreSQL" in (error.hint or "")


@pytest.mark.parametrize(
    ("engines", "version"),
    [([SQLITE], (3, 35, 0)), ([SQLITE], (3, 46, 1)), (["django.db.backends.postgresql"], OLD)],
)
def test_a_new_enough_sqlite_or_postgresql_passes(engines: list[str], version: tuple) -> None:
    assert checks.sqlite_version_errors(engines, version) == []


def test_this_machines_sqlite_passes() -> None:
    assert checks.sqlite_version_check() == []


@on_sqlite
def test_masterly_check_fails_on_an_old_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "SQLITE_VERSION", OLD)
    with pytest.raises(SystemCheckError, match=re.escape(MESSAGE)):
        call_command("check")


@on_sqlite
def test_masterly_start_stops_before_it_migrates_or_serves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(checks, "SQLITE_VERSION", OLD)
    ran: list[object] = []  # had the check let it through, start would stop here, not serve
    monkeypatch.setattr(start.Command, "handle", lambda *args, **options: ran.append(options))
    with pytest.raises(SystemCheckError, match=re.escape(MESSAGE)):
        call_command(start.Command(), "--no-demo", skip_checks=False)
    assert ran == []
