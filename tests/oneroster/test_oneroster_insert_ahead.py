"""New records are inserted ahead of the apply in short batches (ADR 17): invisible until the
apply makes them live, and removed again whenever the import does not finish, so it stays all
or nothing (a failed apply, a refusal, a dry run, a worker killed before its apply)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError

from masterly.accounts.models import User
from masterly.integrations.oneroster import importer
from masterly.integrations.oneroster.errors import MassDeactivationRefused, RosterImportRejected
from masterly.integrations.oneroster.staging import staging_clear
from masterly.roster import access
from masterly.roster.models import (
    Enrollment,
    GuardianLink,
    LiveImport,
    Org,
    RoleAssignment,
    Section,
)
from masterly.trackers.membership import tracker_students
from masterly.trackers.services import tracker_create
from tests.assessment_factories import FrameworkFactory, StandardFactory
from tests.oneroster.builders import district, snapshot, with_students

pytestmark = pytest.mark.django_db

PENDING_MODELS = (User, Org, Section, Enrollment, RoleAssignment, GuardianLink)


def pending_rows() -> int:
    return sum(m._base_manager.filter(import_pending__isnull=False).count() for m in PENDING_MODELS)


def with_new_school(roster: Any) -> Any:
    """20 more students in k1, and a new school with a class of its own."""
    roster = with_students(roster, 20)
    roster.add("orgs.csv", sourcedId="s9", name="New School", type="school", parentSourcedId="d1")
    roster.add(
        "classes.csv",
        sourcedId="k9",
        title="New class",
        classType="scheduled",
        courseSourcedId="c6",
        schoolSourcedId="s9",
        termSourcedIds="fall",
    )
    roster.add(
        "enrollments.csv",
        sourcedId="e-new-k9",
        classSourcedId="k9",
        schoolSourcedId="s9",
        userSourcedId="xst0",
        role="student",
    )
    return roster


def ids(rows: Any, field: str = "pk") -> set[int]:
    return set(rows.values_list(field, flat=True))


def probe_before_apply(monkeypatch: pytest.MonkeyPatch, look: Callable[[], None]) -> None:
    """Call ``look`` once the new records are inserted ahead, just before the apply."""
    real = importer.apply_staged

    def apply_staged(*args: Any, **kwargs: Any) -> None:
        look()
        real(*args, **kwargs)

    monkeypatch.setattr(importer, "apply_staged", apply_staged)


def test_records_inserted_ahead_are_invisible_until_the_apply_makes_them_live(
    import_set, monkeypatch
):
    import_set(district())
    teacher = User.objects.get(sourced_id="t1")
    admin = User.objects.get(sourced_id="adm1")
    standards = [StandardFactory(framework=FrameworkFactory())]
    tracker = tracker_create(
        actor=teacher,
        name="Math 6",
        owner=teacher,
        sections=[Section.objects.get(sourced_id="k1")],
        standards=standards,
    )
    seen: dict[str, Any] = {}

    def visible() -> dict[str, set[int]]:
        return {
            "teacher_students": ids(access.visible_students(teacher)),
            "teacher_sections": ids(access.visible_sections(teacher)),
            "admin_students": ids(access.visible_students(admin)),
            "admin_sections": ids(access.visible_sections(admin)),
            "admin_schools": ids(access.visible_schools(admin)),
            "tracker": ids(tracker_students(tracker.pk), "user"),
        }

    def look() -> None:
        seen.update(visible(), pending=pending_rows())
        seen["new_user_active"] = User.objects.get(sourced_id="xst0").is_active

    before = visible()
    probe_before_apply(monkeypatch, look)

    summary = import_set(with_new_school(district()))

    # 20 students, 10 guardians, a school, a class, 21 enrollments, 30 roles, 10 links.
    assert seen["pending"] == 20 + 10 + 1 + 1 + 21 + 30 + 10
    assert {key: seen[key] for key in before} == before  # the half-done import is invisible
    assert not seen["new_user_active"]
    assert pending_rows() == 0  # the apply made them all live
    assert summary.entry("users.csv", "").counts.created == 30
    assert summary.entry("enrollments.csv", "").counts.created == 21
    assert ids(tracker_students(tracker.pk), "user") >= ids(
        User.objects.filter(sourced_id__startswith="xst", is_active=True)
    )
    assert Section.objects.get(sourced_id="k9").is_active
    assert ids(access.visible_sections(admin)) > before["admin_sections"]


def test_an_apply_the_database_refuses_leaves_nothing_behind(import_set, monkeypatch):
    import_set(district())
    before = snapshot()

    def apply_staged(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError("UNIQUE constraint failed: accounts_user.username")

    monkeypatch.setattr(importer, "apply_staged", apply_staged)
    with pytest.raises(RosterImportRejected) as rejected:
        import_set(with_new_school(district()))

    assert "the database refused a row" in str(rejected.value.errors[-1])
    assert pending_rows() == 0
    assert snapshot() == before


def test_a_dry_run_leaves_no_record_inserted_ahead(import_set):
    import_set(district())
    before = snapshot()

    summary = import_set(with_new_school(district()), dry_run=True)

    assert summary.entry("users.csv", "").counts.created == 30
    assert pending_rows() == 0
    after = snapshot()
    del before["core.AuditEvent"], after["core.AuditEvent"]
    assert after == before


def retiring_most_people(roster: Any) -> Any:
    """The new school and students, and student st1 (with their role and enrollment) gone."""
    roster = with_new_school(roster)
    for name, key in (("users.csv", "sourcedId"), ("roles.csv", "userSourcedId")):
        header, rows = roster.files[name]
        roster.files[name] = (header, [row for row in rows if row.get(key) != "st1"])
    header, rows = roster.files["enrollments.csv"]
    roster.files["enrollments.csv"] = (header, [r for r in rows if r["userSourcedId"] != "st1"])
    return roster


def test_a_refused_import_then_confirmed_one_insert_ahead_only_when_allowed(
    import_set, monkeypatch, settings
):
    settings.ONEROSTER_MAX_DEACTIVATION_SHARE = 0.01
    import_set(district())
    before = snapshot()
    inserted: list[int] = []
    probe_before_apply(monkeypatch, lambda: inserted.append(pending_rows()))

    with pytest.raises(MassDeactivationRefused):
        import_set(retiring_most_people(district()))
    assert inserted == []  # refused before anything was inserted ahead
    assert pending_rows() == 0
    assert snapshot() == before

    summary = import_set(retiring_most_people(district()), allow_mass_deactivation=True)
    assert inserted and inserted[0] > 0
    assert pending_rows() == 0
    assert summary.entry("users.csv", "").counts.created == 30
    assert summary.entry("users.csv", "").counts.deactivated > 0


def test_rows_inserted_ahead_by_an_import_whose_worker_died_are_removed_with_its_staging(
    import_set, monkeypatch
):
    import_set(district())
    before = snapshot()
    tokens: list[int] = []

    def killed(ctx: Any, *args: Any, **kwargs: Any) -> None:
        tokens.append(ctx.token)
        raise KeyboardInterrupt  # stands for the process being killed before its apply

    monkeypatch.setattr(importer, "apply_staged", killed)
    monkeypatch.setattr(importer, "staging_clear", lambda token: None)  # no finally ran
    with pytest.raises(KeyboardInterrupt):
        import_set(with_new_school(district()))
    assert pending_rows() > 0  # left behind, inactive and marked...

    staging_clear(tokens[0])  # ...and removed with the staging by the dead-run sweep

    assert pending_rows() == 0
    assert snapshot() == before


def test_a_failure_after_the_apply_made_the_import_live_leaves_nothing_behind(
    import_set, monkeypatch
):
    # The real apply runs (its LiveImport row written), then the database refuses the audit
    # record in the same transaction: everything is rolled back, the marked rows removed.
    import_set(district())
    before = snapshot()

    def record(**kwargs: Any) -> None:
        assert LiveImport.objects.count() == 1  # made live inside the transaction...
        raise IntegrityError("NOT NULL constraint failed: core_auditevent.action")

    monkeypatch.setattr(importer, "record", record)
    with pytest.raises(RosterImportRejected):
        import_set(with_new_school(district()))

    assert pending_rows() == 0  # ...and rolled back with it
    assert snapshot() == before


def test_a_clean_up_cut_short_after_the_apply_is_finished_by_the_sweep(import_set, monkeypatch):
    # The worker dies after the apply committed, before it unmarked the rows: they are live
    # (visible through LiveImport) and the dead-run sweep's staging_clear only unmarks them.
    import_set(district())
    tokens: list[int] = []
    monkeypatch.setattr(importer, "staging_clear", tokens.append)

    summary = import_set(with_new_school(district()))

    assert pending_rows() > 0 and LiveImport.objects.filter(token=tokens[0]).exists()
    new_student = User.objects.get(sourced_id="xst0")
    section = Section.objects.get(sourced_id="k9")
    assert Enrollment.objects.filter(user=new_student, section=section, is_active=True).exists()
    assert access.can_see_section(User.objects.get(sourced_id="adm1"), section)
    monkeypatch.undo()

    staging_clear(tokens[0])

    assert pending_rows() == 0
    assert not LiveImport.objects.exists()
    assert Enrollment.objects.filter(user=new_student, section=section, is_active=True).exists()
    assert summary.entry("enrollments.csv", "").counts.created == 21
    assert import_set(with_new_school(district())).changes == 0  # nothing left to do
