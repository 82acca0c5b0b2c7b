"""A re-import with changes: the rows it deactivates and updates are found before the apply's
transaction and written to a plan (``PlannedRow``, ADR 33's addendum), so the apply changes
them by id. It stays all or nothing: a failure in the apply leaves the district as it was and
no plan behind; a success changes exactly what the files say and leaves no plan behind."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from masterly.accounts.models import User
from masterly.integrations.oneroster import importer
from masterly.integrations.oneroster.apply import apply_staged as real_apply_staged
from masterly.integrations.oneroster.errors import RosterImportRejected
from masterly.integrations.oneroster.models import PlannedRow
from masterly.roster.models import Enrollment, GuardianLink, RoleAssignment, Section
from tests.oneroster.builders import RosterSet, district, snapshot, with_students

pytestmark = pytest.mark.django_db


def by_label(summary: Any) -> dict[str, Any]:
    return {f.label: f.counts for f in summary.files}


def later_export() -> RosterSet:
    """The district a while later: st1 gone (with their role, enrollment and guardian link),
    t1 renamed, e3 moved to a new sourcedId (the old one gone), st2 no longer primary."""
    roster = district()
    roster.drop("users.csv", "st1")
    roster.drop("roles.csv", "r-st1")
    roster.drop("enrollments.csv", "e2")
    roster.row("users.csv", "g1")["agentSourcedIds"] = ""
    roster.row("users.csv", "t1")["familyName"] = "Baker-Lowe"
    roster.row("enrollments.csv", "e3")["sourcedId"] = "e3-moved"
    roster.row("roles.csv", "r-st2")["roleType"] = "secondary"
    return roster


def probe_plan(monkeypatch: pytest.MonkeyPatch) -> Counter[tuple[str, str]]:
    """(kind, action) → planned rows, as the plan stands when the apply starts."""
    seen: Counter[tuple[str, str]] = Counter()
    real = importer.apply_staged

    def apply_staged(*args: Any, **kwargs: Any) -> None:
        seen.update(PlannedRow.objects.values_list("kind", "action"))
        real(*args, **kwargs)

    monkeypatch.setattr(importer, "apply_staged", apply_staged)
    return seen


def test_a_reimport_with_changes_is_applied_from_its_plan_and_leaves_none_behind(
    import_set, monkeypatch
):
    import_set(district())
    planned = probe_plan(monkeypatch)

    summary = import_set(later_export(), allow_mass_deactivation=True)

    assert planned == {
        ("user", "g"): 1,  # st1
        ("user", "c"): 1,  # t1 renamed
        ("role", "g"): 1,  # st1's
        ("role", "c"): 1,  # st2's primary flag
        ("guardian", "g"): 1,  # g1 → st1
        ("enrollment", "g"): 2,  # e2 (st1's), e3 (moved)
    }
    counts = by_label(summary)
    assert (counts["users.csv"].deactivated, counts["users.csv"].updated) == (1, 1)
    assert (counts["roles.csv"].deactivated, counts["roles.csv"].updated) == (1, 1)
    assert counts["guardian links (agentSourcedIds)"].deactivated == 1
    assert (counts["enrollments.csv"].created, counts["enrollments.csv"].deactivated) == (1, 2)
    assert not User.objects.get(sourced_id="st1").is_active
    assert User.objects.get(sourced_id="t1").last_name == "Baker-Lowe"
    assert not RoleAssignment.objects.get(user__sourced_id="st1").is_active
    assert not RoleAssignment.objects.get(user__sourced_id="st2").is_primary
    assert not GuardianLink.objects.get(student__sourced_id="st1").is_active
    assert GuardianLink.objects.get(student__sourced_id="st2").is_active
    active = set(Enrollment.objects.filter(is_active=True).values_list("sourced_id", flat=True))
    assert active == {"e1", "e3-moved"}
    assert not PlannedRow.objects.exists()


def test_a_reimport_with_changes_failing_in_its_apply_leaves_the_district_unchanged(
    import_set, monkeypatch
):
    # The real apply runs every planned change, then the database refuses the audit record in
    # the same transaction: all of it is rolled back, and the plan removed with the staging.
    import_set(district())
    before = snapshot()

    def record(**kwargs: Any) -> None:
        assert not User.objects.get(sourced_id="st1").is_active  # applied, inside...
        raise IntegrityError("NOT NULL constraint failed: core_auditevent.action")

    monkeypatch.setattr(importer, "record", record)
    with pytest.raises(RosterImportRejected) as rejected:
        import_set(later_export(), allow_mass_deactivation=True)

    assert "the database refused a row" in str(rejected.value.errors[-1])
    assert snapshot() == before  # ...and rolled back
    assert not PlannedRow.objects.exists()


def test_a_role_and_link_gone_then_back_come_back_in_one_import(import_set):
    # The link's plan takes st1's role as the roles' plan leaves it: revived in this import.
    import_set(district())
    roster = district()
    roster.drop("roles.csv", "r-st1")
    import_set(roster, allow_mass_deactivation=True)
    assert not RoleAssignment.objects.get(user__sourced_id="st1").is_active
    assert not GuardianLink.objects.get(student__sourced_id="st1").is_active

    summary = import_set(district())

    counts = by_label(summary)
    assert counts["roles.csv"].updated == 1
    assert counts["guardian links (agentSourcedIds)"].updated == 1
    assert RoleAssignment.objects.get(user__sourced_id="st1").is_active
    assert GuardianLink.objects.get(student__sourced_id="st1").is_active


def test_a_row_added_by_hand_after_the_plan_is_left_as_if_added_after_the_import(
    import_set, monkeypatch
):
    # Not in the file, but made between the plan and the apply: the apply changes planned rows
    # only, so it stays, as it would had it been made a moment after the import.
    import_set(district())
    real = importer.apply_staged

    def apply_staged(*args: Any, **kwargs: Any) -> None:
        Enrollment.objects.create(
            sourced_id="by-hand",
            user=User.objects.get(sourced_id="st2"),
            section=Section.objects.get(sourced_id="k1"),
            role="student",
        )
        real(*args, **kwargs)

    monkeypatch.setattr(importer, "apply_staged", apply_staged)
    import_set(later_export(), allow_mass_deactivation=True)

    assert Enrollment.objects.get(sourced_id="by-hand").is_active
    assert not Enrollment.objects.get(sourced_id="e2").is_active


def count_apply_statements(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many statements each apply's transaction runs, one entry per import."""
    counted: list[int] = []

    def apply_staged(*args: Any, **kwargs: Any) -> None:
        with CaptureQueriesContext(connection) as queries:
            real_apply_staged(*args, **kwargs)
        counted.append(len(queries.captured_queries))

    monkeypatch.setattr(importer, "apply_staged", apply_staged)
    return counted


def test_the_apply_runs_as_many_statements_for_many_changed_rows_as_for_few(
    import_set, monkeypatch
):
    import_set(with_students(district(), 30))
    counted = count_apply_statements(monkeypatch)
    few = with_students(district(), 30)
    for row in few.rows("users.csv")[:2]:
        row["familyName"] = "Renamed"
    few.row("enrollments.csv", "e3")["sourcedId"] = "e3-moved"
    import_set(few, allow_mass_deactivation=True)
    import_set(with_students(district(), 30), allow_mass_deactivation=True)  # as it was
    many = with_students(district(), 30)
    for row in many.rows("users.csv")[:25]:
        row["familyName"] = "Renamed"
    for row in [r for r in many.rows("enrollments.csv") if r["role"] == "student"][:20]:
        row["sourcedId"] += "-later"  # new rows: none revives one the first left inactive
    import_set(many, allow_mass_deactivation=True)

    small, _back, large = counted
    assert small == large <= 8
