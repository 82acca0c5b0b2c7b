"""The demo district, built once for every test in this folder.

``masterly demo`` takes half a minute, and most demo tests only read what it built, so it is
built once inside a transaction that is rolled back after the folder's last test; each test
runs in its own savepoint inside it.
Tests that need an empty database, or a demo built for another day, live one folder up.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

TODAY = datetime.date(2026, 11, 23)


@dataclass(frozen=True)
class DemoBuild:
    printed: str
    queries: int


@pytest.fixture(scope="package")
def demo_build(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoBuild]:
    with django_db_blocker.unblock(), transaction.atomic():
        out = io.StringIO()
        with CaptureQueriesContext(connection) as queries:
            call_command("demo", today=TODAY, stdout=out, stderr=io.StringIO())
        yield DemoBuild(printed=out.getvalue(), queries=len(queries))
        transaction.set_rollback(True)


@pytest.fixture
def district(demo_build: DemoBuild) -> str:
    """What ``masterly demo`` printed."""
    return demo_build.printed
