"""Done-when: a OneRoster 1.2 zip of about 1,000 users prints its summary; again, 0 changes."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from masterly.accounts.models import User
from masterly.roster.models import GuardianLink
from tests.oneroster.builders import district, with_students

pytestmark = pytest.mark.django_db


def test_a_thousand_user_zip_imports_then_reimports_with_no_changes(tmp_path):
    roster = with_students(district(), 662)  # 7 + 662 students + 331 guardians = 1,000 users
    path = roster.write_zip(tmp_path / "district.zip")

    first = io.StringIO()
    call_command("import_oneroster", str(path), stdout=first)

    assert User.objects.count() == 1000
    assert GuardianLink.objects.count() == 2 + 331
    lines = first.getvalue().splitlines()
    assert next(line for line in lines if line.startswith("users.csv ")).split() == [
        "users.csv",
        "1,000",
        "0",
        "0",
        "0",
    ]
    # Every record counts: 1,000 users, 1,000 roles, 333 guardian links, 665 enrollments, …
    assert "OneRoster 1.2 import of district.zip: 3,008 created, 0 updated" in first.getvalue()

    again = io.StringIO()
    call_command("import_oneroster", str(path), stdout=again)

    assert "0 created, 0 updated, 0 deactivated, 3,008 unchanged" in again.getvalue()
