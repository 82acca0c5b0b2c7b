"""The staging tables an import checks its files into are emptied afterwards, whatever happened,
and nothing of the roster is written before every file has been read."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masterly.integrations.oneroster.errors import MassDeactivationRefused, RosterImportRejected
from masterly.integrations.oneroster.staging import SCRATCH
from tests.oneroster.builders import district, with_students

pytestmark = pytest.mark.django_db

ROSTER_WRITE = re.compile(
    r'^\s*(\d+ times: )?(INSERT INTO|UPDATE|DELETE FROM)\s+"?(roster_|accounts_)', re.IGNORECASE
)
STAGING_WRITE = re.compile(r'^\s*(\d+ times: )?INSERT INTO\s+"?oneroster_', re.IGNORECASE)


def staged_rows() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in SCRATCH}


def nothing_staged() -> dict[str, int]:
    return {model.__name__: 0 for model in SCRATCH}


def test_after_an_import_no_staging_row_is_left(import_set):
    import_set(with_students(district(), 5))
    assert staged_rows() == nothing_staged()


def test_after_a_rejected_import_no_staging_row_is_left(import_set):
    roster = district()
    roster.row("enrollments.csv", "e3")["userSourcedId"] = "nobody"
    with pytest.raises(RosterImportRejected):
        import_set(roster)
    assert staged_rows() == nothing_staged()


def test_after_a_refused_import_no_staging_row_is_left(import_set):
    import_set(district())
    roster = district()
    for sid in ("e1", "e2", "e3"):
        roster.drop("enrollments.csv", sid)
    with pytest.raises(MassDeactivationRefused):
        import_set(roster)
    assert staged_rows() == nothing_staged()


def test_the_roster_is_written_only_after_every_file_is_staged(import_set):
    with CaptureQueriesContext(connection) as queries:
        import_set(district())

    sql = [q["sql"] for q in queries.captured_queries]
    first_roster_write = next(n for n, q in enumerate(sql) if ROSTER_WRITE.match(q))
    last_staging_write = max(n for n, q in enumerate(sql) if STAGING_WRITE.match(q))
    assert last_staging_write < first_roster_write
