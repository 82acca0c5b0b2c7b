"""``masterly demo`` builds the described district, deterministically and in bulk, and its
sign-ins work (on the one demo build this folder shares)."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse

from masterly.accounts.models import User
from masterly.roster.models import (
    AcademicSession,
    Enrollment,
    GuardianLink,
    Org,
    Role,
    RoleAssignment,
    Section,
)
from tests.demo.built.conftest import TODAY, DemoBuild
from tests.oneroster.builders import snapshot

pytestmark = pytest.mark.django_db


def demo() -> str:
    out = io.StringIO()
    call_command("demo", today=TODAY, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def role_counts() -> dict[str, int]:
    rows = RoleAssignment.objects.values_list("role").annotate(n=Count("id"))
    return dict(rows)


def test_the_demo_builds_the_described_district(district: str) -> None:
    out = district

    assert "Demo district ready" in out
    assert "teacher  grade 6 math teacher" in out
    district_org = Org.objects.get(type=Org.Type.DISTRICT)
    assert list(district_org.children.values_list("name", flat=True)) == [
        "Cedar Ridge Middle School",
        "Lakeview Middle School",
    ]
    counts = role_counts()
    assert counts[Role.DISTRICT_ADMIN] == 1
    assert counts[Role.SCHOOL_LEADER] == 2
    assert counts[Role.TEACHER] == 10
    assert counts[Role.STUDENT] == 600
    assert 600 <= counts[Role.GUARDIAN] <= 1200  # one or two each
    students = User.objects.filter(role_assignments__role=Role.STUDENT)
    assert not students.annotate(n=Count("guardian_links")).filter(n=0).exists()
    assert not students.annotate(n=Count("guardian_links")).filter(n__gt=2).exists()

    years = AcademicSession.objects.filter(type="schoolYear").order_by("start_date")
    assert [(y.title, y.start_date, y.end_date) for y in years] == [
        ("2025–2026", datetime.date(2025, 8, 1), datetime.date(2026, 6, 30)),
        ("2026–2027", datetime.date(2026, 8, 1), datetime.date(2027, 6, 30)),
    ]
    current = Section.objects.filter(ends_on__gte=TODAY)
    archived = Section.objects.filter(ends_on__lt=TODAY)
    assert current.count() == 24  # 2 schools × Math 6, 7, 8 × 4 periods
    assert archived.count() == 16  # last year's Math 6 and 7, with last year's students
    assert all(s.is_archived(TODAY) for s in archived)
    assert {t.title for t in current.first().terms.all()} == {"Fall 2026", "Spring 2027"}
    # Every student is in exactly one current math section, of their grade.
    per_student = Enrollment.objects.filter(role="student", section__in=current).values("user")
    assert per_student.annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert per_student.distinct().count() == 600
    assert Enrollment.objects.filter(role="student", section__in=archived).count() == 400


def test_the_five_sign_ins_are_who_the_readme_says(district: str) -> None:

    people = {
        name: authenticate(username=name, password="masterly-demo")
        for name in ("admin", "leader", "teacher", "student", "parent")
    }
    assert all(people.values())
    admin, leader, teacher, student, parent = people.values()
    assert admin.is_staff and not teacher.is_staff
    assert RoleAssignment.objects.get(user=admin).role == Role.DISTRICT_ADMIN
    school = RoleAssignment.objects.get(user=leader, role=Role.SCHOOL_LEADER).org
    assert school.name == "Cedar Ridge Middle School"

    taught = Section.objects.filter(
        enrollments__user=teacher, enrollments__role="teacher", ends_on__gte=TODAY
    )
    assert taught.count() == 3
    assert {s.course.title for s in taught} == {"Math 6"}
    assert all(s.school == school for s in taught)

    (own,) = Section.objects.filter(enrollments__user=student, ends_on__gte=TODAY)
    assert own in taught
    assert student.grades == "06"

    children = User.objects.filter(guardian_links__guardian=parent, guardian_links__is_active=True)
    assert sorted(children.values_list("grades", flat=True)) == ["06", "08"]
    assert student in children
    sibling = children.exclude(pk=student.pk).get()
    assert (
        Section.objects.filter(enrollments__user=sibling, ends_on__gte=TODAY).get().school == school
    )


def test_the_demo_is_deterministic(district: str) -> None:
    first = snapshot()
    names = list(User.objects.order_by("sourced_id").values_list("sourced_id", "username"))

    out = demo()  # rebuilding the demo over itself changes no record

    assert "0 created, 0 updated, 0 deactivated" in out
    assert list(User.objects.order_by("sourced_id").values_list("sourced_id", "username")) == names
    again = snapshot()
    for label in ("roster.Org", "roster.Section", "roster.Enrollment", "roster.GuardianLink"):
        assert again[label] == first[label]


def test_the_demo_is_built_in_bulk_not_row_by_row(demo_build: DemoBuild) -> None:
    # What keeps the demo fast is a bounded number of queries, not one per person or score
    # (600 students, their guardians and enrollments, 17,000 scores, and each course's two
    # paper tests: some 40 queries per tracker and test, whatever its class size, about 1,000
    # in all): counted, not timed.
    assert demo_build.queries < 5_500, f"{demo_build.queries} queries: something writes row by row"
    assert Org.objects.count() == 3
    assert GuardianLink.objects.exists()


def test_the_admins_import_page_lists_the_demos_roster_import(demo_build: DemoBuild) -> None:
    """The demo is built through the OneRoster import: its page says so, rather than "No
    roster has been imported yet" above a district of 600 students."""
    client = Client()
    client.force_login(User.objects.get(username="admin"))
    page = client.get(reverse("oneroster:imports")).content.decode()
    assert "No roster has been imported yet" not in page
    assert "the demo district" in page and "Imported" in page
