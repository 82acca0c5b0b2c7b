"""A valid OneRoster set becomes the roster: records, roles, guardians, terms."""

from __future__ import annotations

import datetime

import pytest

from masterly.accounts.models import User
from masterly.core.models import AuditEvent
from masterly.integrations.oneroster.errors import RosterImportRejected
from masterly.roster.models import (
    AcademicSession,
    Enrollment,
    GuardianLink,
    Org,
    Role,
    RoleAssignment,
    Section,
)
from tests.oneroster.builders import district

pytestmark = pytest.mark.django_db


def counts(summary) -> dict[str, tuple[int, int, int, int]]:
    return {
        f.label: (f.counts.created, f.counts.updated, f.counts.deactivated, f.counts.unchanged)
        for f in summary.files
    }


def roles() -> set[tuple[str, str, str, bool]]:
    return set(
        RoleAssignment.objects.filter(is_active=True).values_list(
            "user__sourced_id", "role", "org__sourced_id", "is_primary"
        )
    )


def links() -> set[tuple[str, str]]:
    return set(
        GuardianLink.objects.filter(is_active=True).values_list(
            "guardian__sourced_id", "student__sourced_id"
        )
    )


def test_a_valid_v12_zip_imports_every_file_with_its_relations(import_set):
    summary = import_set(district("1.2"))

    assert summary.version == "1.2"
    assert counts(summary) == {
        "orgs.csv": (3, 0, 0, 0),
        "academicSessions.csv": (3, 0, 0, 0),
        "courses.csv": (2, 0, 0, 0),
        "classes.csv": (2, 0, 0, 0),
        "users.csv": (7, 0, 0, 0),
        "roles.csv": (7, 0, 0, 0),
        "guardian links (agentSourcedIds)": (2, 0, 0, 0),
        "enrollments.csv": (3, 0, 0, 0),
    }
    # A school listed before its district still gets it as parent.
    assert dict(Org.objects.values_list("sourced_id", "parent__sourced_id")) == {
        "d1": None,
        "s1": "d1",
        "s2": "d1",
    }
    fall = AcademicSession.objects.get(sourced_id="fall")
    assert (fall.parent.sourced_id, fall.end_date, fall.school_year) == (
        "y2027",
        datetime.date(2027, 1, 15),
        2027,
    )
    k1 = Section.objects.get(sourced_id="k1")
    assert {t.sourced_id for t in k1.terms.all()} == {"fall", "spring"}
    assert k1.ends_on == datetime.date(2027, 6, 30)  # the last day of its last term
    assert Section.objects.get(sourced_id="k2").ends_on == datetime.date(2027, 1, 15)
    assert (k1.course.sourced_id, k1.school.sourced_id, k1.periods) == ("c6", "s1", "1")

    teacher = User.objects.get(sourced_id="t1")
    assert (teacher.username, teacher.first_name, teacher.last_name) == ("tbaker", "Tessa", "Baker")
    assert (teacher.email, teacher.identifier, teacher.is_active) == (
        "tbaker@example.org",
        "ID-t1",
        True,
    )
    assert not teacher.has_usable_password()  # signs in through SSO or an activation
    assert User.objects.get(sourced_id="st2").username == "st2"  # empty username: the sourcedId
    assert User.objects.get(sourced_id="st1").grades == "06"

    assert roles() == {
        ("t1", Role.TEACHER, "s1", True),
        ("st1", Role.STUDENT, "s1", True),
        ("st2", Role.STUDENT, "s2", True),
        ("g1", Role.GUARDIAN, "s1", True),
        ("g2", Role.GUARDIAN, "s2", True),
        ("lead1", Role.SCHOOL_LEADER, "s1", True),
        ("adm1", Role.DISTRICT_ADMIN, "d1", True),
    }
    # st1's row lists guardian g1; guardian g2's row lists st2: both directions link.
    assert links() == {("g1", "st1"), ("g2", "st2")}

    e1 = Enrollment.objects.get(sourced_id="e1")
    assert (e1.user.sourced_id, e1.section.sourced_id, e1.role, e1.is_primary) == (
        "t1",
        "k1",
        "teacher",
        True,
    )
    assert (e1.begin_date, e1.end_date) == (datetime.date(2026, 8, 1), datetime.date(2027, 6, 30))

    event = AuditEvent.objects.get()
    assert event.action == "oneroster.import"
    assert event.actor is None
    assert "29 created" in event.summary
    assert event.details["files"][0]["counts"]["created"] == 3


def test_a_valid_v11_folder_imports_roles_from_users_csv(import_set):
    summary = import_set(district("1.1"), folder=True)

    assert summary.version == "1.1"
    assert counts(summary)["roles (from users.csv)"] == (7, 0, 0, 0)
    # 1.1 "administrator" leads what its org is: a school (leader) or a district (admin).
    assert ("lead1", Role.SCHOOL_LEADER, "s1", True) in roles()
    assert ("adm1", Role.DISTRICT_ADMIN, "d1", True) in roles()
    assert links() == {("g1", "st1"), ("g2", "st2")}
    assert Enrollment.objects.filter(is_active=True).count() == 3


def test_a_v11_user_with_several_orgs_gets_a_role_at_each_and_the_first_is_primary(import_set):
    roster = district("1.1")
    roster.row("users.csv", "t1")["orgSourcedIds"] = "s1,s2"
    import_set(roster)

    assert {r for r in roles() if r[0] == "t1"} == {
        ("t1", Role.TEACHER, "s1", True),
        ("t1", Role.TEACHER, "s2", False),
    }


def test_a_file_absent_from_the_manifest_is_left_untouched(import_set):
    import_set(district())
    roster = district()
    roster.manifest["file.enrollments"] = "absent"
    roster.rows("enrollments.csv").clear()  # would deactivate everything if it were read

    summary = import_set(roster)

    assert "enrollments.csv" not in counts(summary)
    assert Enrollment.objects.filter(is_active=True).count() == 3


def test_a_delta_manifest_is_refused_with_a_clear_message(import_set):
    roster = district()
    roster.manifest["file.users"] = "delta"

    with pytest.raises(RosterImportRejected) as rejected:
        import_set(roster)

    assert [str(e) for e in rejected.value.errors] == [
        "manifest.csv, line 16, column value: file.users is delta, but only bulk is supported: "
        "Masterly imports complete (bulk) OneRoster sets. Export a full set and import that."
    ]
    assert not Org.objects.exists()
