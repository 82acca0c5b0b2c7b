"""Many rows written and found at once store and read exactly what the ORM would."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from masterly.core.bulk import insert_rows, rows_where_in
from masterly.roster.models import AcademicSession, Org, RoleAssignment
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_inserted_rows_read_back_as_the_orm_writes_them() -> None:
    district = f.OrgFactory(type=Org.Type.DISTRICT)
    before = timezone.now()
    count = insert_rows(
        AcademicSession,
        [
            {
                "sourced_id": f"term-{n}",
                "title": f"Term {n}",
                "type": AcademicSession.Type.TERM,
                "start_date": datetime.date(2026, 8, 1 + n),
                "end_date": datetime.date(2026, 12, 1 + n),
                "school_year": 2027,
                "org": district,  # a model by field name, or its id by attname
            }
            for n in range(3)
        ],
    )
    assert count == 3
    terms = list(AcademicSession.objects.filter(sourced_id__startswith="term-").order_by("id"))
    assert [t.start_date for t in terms] == [datetime.date(2026, 8, 1 + n) for n in range(3)]
    assert {t.org_id for t in terms} == {district.pk}
    # Left out: the defaults; auto_now: the time of the call, as an aware datetime.
    assert all(t.is_active and t.source_hash == "" and t.parent_id is None for t in terms)
    assert all(before <= t.updated_at <= timezone.now() for t in terms)
    # The ORM's own filters on those columns match them (same stored format).
    assert AcademicSession.objects.filter(updated_at__gte=before, start_date__gte="2026-08-02")
    assert AcademicSession.objects.filter(start_date=datetime.date(2026, 8, 2)).count() == 1


def test_an_unknown_field_is_refused_and_nothing_written() -> None:
    with pytest.raises(ValueError, match="Org has no field colour"):
        insert_rows(Org, [{"sourced_id": "x", "name": "X", "type": "school", "colour": "red"}])
    assert not Org.objects.filter(sourced_id="x").exists()
    assert insert_rows(Org, []) == 0


def test_rows_where_in_reads_booleans_dates_and_ids() -> None:
    school = f.OrgFactory()
    people = [f.UserFactory() for _ in range(3)]
    assignments = [
        f.RoleAssignmentFactory(user=person, org=school, is_active=n != 1)
        for n, person in enumerate(people)
    ]
    rows = rows_where_in(
        RoleAssignment, ("user_id", "id", "is_active"), "user_id", [p.pk for p in people[:2]]
    )
    assert sorted(rows) == sorted((a.user_id, a.pk, a.is_active) for a in assignments[:2])
    assert all(type(row[2]) is bool for row in rows)
    term = f.TermFactory()
    [(end,)] = rows_where_in(AcademicSession, ("end_date",), "sourced_id", [term.sourced_id])
    assert end == term.end_date and isinstance(end, datetime.date)
    assert rows_where_in(Org, ("id",), "sourced_id", []) == []


def test_rows_where_in_takes_more_keys_than_sqlite_binds_at_once() -> None:
    school = f.OrgFactory()
    keys = [f"missing-{n}" for n in range(25_000)] + [school.sourced_id]
    assert rows_where_in(Org, ("id",), "sourced_id", keys) == [(school.pk,)]


def test_rows_where_in_refuses_columns_it_cannot_read() -> None:
    with pytest.raises(ValueError, match="use the ORM"):
        rows_where_in(Org, ("updated_at",), "id", [1])
