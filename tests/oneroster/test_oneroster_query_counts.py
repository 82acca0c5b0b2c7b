"""The import's queries do not grow with its rows (for one chunk): no query per row."""

from __future__ import annotations

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.oneroster.builders import district, with_students

pytestmark = pytest.mark.django_db

# Django logs an executemany (a few rows on PostgreSQL, any rows on SQLite) as "N times: INSERT …".
INSERT = re.compile(r"^\s*(\d+ times: )?INSERT\b", re.IGNORECASE)


def queries_of(import_set, students: int, *, twice: bool = False) -> list[str]:
    """The SQL of importing a district with this many more students (rolled back after)."""
    roster = with_students(district(), students)
    with transaction.atomic():
        if twice:
            import_set(roster)
        with CaptureQueriesContext(connection) as captured:
            import_set(roster)
        transaction.set_rollback(True)
    return [q["sql"] for q in captured.captured_queries]


@pytest.mark.parametrize("twice", [False, True], ids=["first import", "re-import"])
def test_the_same_number_of_queries_for_10_and_30_students(import_set, twice):
    # Up to 30 students (52 users) every bulk INSERT is one statement, even with SQLite's limit
    # of 999 parameters a statement.
    assert len(queries_of(import_set, 10, twice=twice)) == len(
        queries_of(import_set, 30, twice=twice)
    )


@pytest.mark.parametrize("twice", [False, True], ids=["first import", "re-import"])
def test_only_bulk_inserts_grow_from_10_to_200_students(import_set, twice):
    small = queries_of(import_set, 10, twice=twice)
    large = queries_of(import_set, 200, twice=twice)

    assert len([q for q in small if not INSERT.match(q)]) == len(
        [q for q in large if not INSERT.match(q)]
    )
    # Bulk inserts are split only by the database's limit on parameters (999 on SQLite).
    assert len([q for q in large if INSERT.match(q)]) <= 3 * len(
        [q for q in small if INSERT.match(q)]
    )
