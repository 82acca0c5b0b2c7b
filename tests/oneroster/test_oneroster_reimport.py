"""Importing again: nothing for unchanged rows, updates for changed ones, deactivation for gone."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masterly.accounts.models import User
from masterly.roster.models import Enrollment, GuardianLink, RoleAssignment, Section
from tests.oneroster.builders import district, snapshot

pytestmark = pytest.mark.django_db

ROSTER_WRITE = re.compile(
    r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?(roster_|accounts_)', re.IGNORECASE
)


def by_label(summary):
    return {f.label: f.counts for f in summary.files}


def test_importing_the_same_files_again_changes_nothing_and_writes_nothing(import_set):
    import_set(district())
    before = snapshot()
    del before["core.AuditEvent"]

    with CaptureQueriesContext(connection) as queries:
        summary = import_set(district())

    assert summary.changes == 0
    assert all(f.counts.unchanged > 0 for f in summary.files)
    writes = [q["sql"] for q in queries.captured_queries if ROSTER_WRITE.match(q["sql"])]
    assert writes == []
    after = snapshot()
    del after["core.AuditEvent"]
    assert after == before  # updated_at included: not one row was touched


def test_a_changed_row_is_updated(import_set):
    import_set(district())
    roster = district()
    roster.row("users.csv", "st1")["familyName"] = "Adams-Ruiz"
    roster.row("classes.csv", "k2")["title"] = "Math 7 - Period 3"

    summary = import_set(roster)

    counts = by_label(summary)
    assert (counts["users.csv"].updated, counts["users.csv"].unchanged) == (1, 6)
    assert (counts["classes.csv"].updated, counts["classes.csv"].unchanged) == (1, 1)
    assert summary.changes == 2
    assert User.objects.get(sourced_id="st1").last_name == "Adams-Ruiz"
    assert Section.objects.get(sourced_id="k2").title == "Math 7 - Period 3"


def test_rows_gone_from_a_bulk_file_are_deactivated_never_deleted(import_set):
    import_set(district())
    roster = district()
    roster.drop("users.csv", "st1")
    roster.drop("roles.csv", "r-st1")
    roster.drop("enrollments.csv", "e2")
    roster.drop("classes.csv", "k2")
    roster.drop("enrollments.csv", "e3")
    roster.row("users.csv", "g1")["agentSourcedIds"] = ""

    # Two of this small district's five enrollments: the guard would ask (test_..._guard.py).
    summary = import_set(roster, allow_mass_deactivation=True)

    counts = by_label(summary)
    assert counts["users.csv"].deactivated == 1
    assert counts["roles.csv"].deactivated == 1
    assert counts["enrollments.csv"].deactivated == 2
    assert counts["classes.csv"].deactivated == 1
    assert counts["guardian links (agentSourcedIds)"].deactivated == 1
    student = User.objects.get(sourced_id="st1")  # still there, with its history
    assert not student.is_active
    assert not Enrollment.objects.get(sourced_id="e2").is_active
    assert not Section.objects.get(sourced_id="k2").is_active
    assert not RoleAssignment.objects.get(user=student).is_active
    assert not GuardianLink.objects.get(student=student).is_active
    assert GuardianLink.objects.get(student__sourced_id="st2").is_active


def test_a_tobedeleted_row_deactivates_and_a_returning_row_comes_back(import_set):
    import_set(district())
    roster = district()
    roster.row("enrollments.csv", "e2")["status"] = "tobedeleted"
    roster.row("users.csv", "st2")["enabledUser"] = "false"

    summary = import_set(roster, allow_mass_deactivation=True)  # a small district's big share

    assert by_label(summary)["enrollments.csv"].deactivated == 1
    assert by_label(summary)["users.csv"].deactivated == 1
    assert not Enrollment.objects.get(sourced_id="e2").is_active
    assert not User.objects.get(sourced_id="st2").is_active

    summary = import_set(district())

    assert by_label(summary)["enrollments.csv"].updated == 1
    assert by_label(summary)["users.csv"].updated == 1
    assert Enrollment.objects.get(sourced_id="e2").is_active
    assert User.objects.get(sourced_id="st2").is_active


def test_a_reimport_never_clobbers_a_password(import_set):
    import_set(district())
    teacher = User.objects.get(sourced_id="t1")
    teacher.set_password("chosen-by-the-teacher")
    teacher.save(update_fields=["password"])
    roster = district()
    roster.row("users.csv", "t1")["givenName"] = "Tess"

    import_set(roster)

    teacher.refresh_from_db()
    assert teacher.first_name == "Tess"
    assert teacher.check_password("chosen-by-the-teacher")


def test_a_term_whose_end_moves_moves_its_sections_ends_on(import_set):
    import_set(district())
    roster = district()
    roster.row("academicSessions.csv", "spring")["endDate"] = "2027-06-15"

    import_set(roster)

    assert Section.objects.get(sourced_id="k1").ends_on == datetime.date(2027, 6, 15)
    assert Section.objects.get(sourced_id="k2").ends_on == datetime.date(2027, 1, 15)


def test_a_class_whose_terms_change_gets_its_new_terms(import_set):
    import_set(district())
    roster = district()
    roster.row("classes.csv", "k1")["termSourcedIds"] = "fall"

    import_set(roster)

    k1 = Section.objects.get(sourced_id="k1")
    assert [t.sourced_id for t in k1.terms.all()] == ["fall"]
    assert k1.ends_on == datetime.date(2027, 1, 15)


def test_a_dry_run_reports_what_would_change_and_changes_nothing(import_set):
    import_set(district())
    before = snapshot()
    roster = district()
    roster.row("users.csv", "st1")["familyName"] = "Adams-Ruiz"

    summary = import_set(roster, dry_run=True)

    assert summary.dry_run
    assert by_label(summary)["users.csv"].updated == 1
    assert snapshot() == before
