"""The dashboards' reads of the schools' counts come from one covering index, sought by
school, kind and day: a district's thousands of figures are not looked up row by row in the
table, nor reached by a skip-scan of every school's kinds (ADR 25)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.trackers.models import SchoolLevelCount
from tests.dashboards.conftest import SEPTEMBER, School


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's plans; PostgreSQL's vary")
@pytest.mark.parametrize("as_of", ["", SEPTEMBER.isoformat()])
def test_the_district_page_reads_its_figures_from_the_covering_index(
    school: School, as_of: str
) -> None:
    client = Client()
    client.force_login(school.world.admin)
    url = reverse("district_dashboard") + (f"?as_of={as_of}" if as_of else "")
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    table = SchoolLevelCount._meta.db_table
    reads = [q["sql"] for q in captured if f'FROM "{table}"' in q["sql"] and "SUM(" in q["sql"]]
    assert len(reads) == 3  # the checkpoint, the changes since, the months before
    with connection.cursor() as cursor:
        for sql in reads:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
            plan = " ".join(row[3] for row in cursor.fetchall())
            assert "COVERING INDEX schoolcount_kind_day_cover" in plan, plan
            assert "ANY(" not in plan, plan  # sought, not skip-scanned
