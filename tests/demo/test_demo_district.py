"""``masterly demo``: the described district, deterministic, safe, and its sign-ins work."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from masterly.accounts.models import User
from masterly.demo import build_demo
from masterly.roster.models import (
    AcademicSession,
    Enrollment,
    GuardianLink,
    Org,
    Role,
    RoleAssignment,
    Section,
)
from masterly.standards.models import Framework
from masterly.trackers.models import Tracker
from tests.oneroster.builders import snapshot

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def demo(**options: object) -> str:
    out = io.StringIO()
    call_command("demo", today=TODAY, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def role_counts() -> dict[str, int]:
    rows = RoleAssignment.objects.values_list("role").annotate(n=Count("id"))
    return dict(rows)


def test_the_demo_builds_the_described_district():
    out = demo()

    assert "Demo district ready" in out
    assert "teacher  grade 6 math teacher" in out
    district = Org.objects.get(type=Org.Type.DISTRICT)
    assert list(district.children.values_list("name", flat=True)) == [
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


def test_the_five_sign_ins_are_who_the_readme_says():
    demo()

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


def test_the_demo_is_deterministic():
    demo()
    first = snapshot()
    names = list(User.objects.order_by("sourced_id").values_list("sourced_id", "username"))

    out = demo()  # rebuilding the demo over itself changes no record

    assert "0 created, 0 updated, 0 deactivated" in out
    assert list(User.objects.order_by("sourced_id").values_list("sourced_id", "username")) == names
    again = snapshot()
    for label in ("roster.Org", "roster.Section", "roster.Enrollment", "roster.GuardianLink"):
        assert again[label] == first[label]


def test_if_empty_does_nothing_when_a_district_exists(world):
    before = snapshot()

    out = demo(if_empty=True)

    assert (
        out
        == "Using the district already in the database (the demo loads only into an empty one).\n"
    )
    assert snapshot() == before


def test_a_start_that_stopped_mid_demo_is_finished_by_the_next_start():
    # The first `make run` stopped (Ctrl+C) after the rosters, before standards and trackers.
    build_demo(today=TODAY)
    assert not Tracker.objects.exists()

    out = demo(if_empty=True)

    assert "An earlier start stopped before the demo district was finished: finishing it." in out
    assert Tracker.objects.filter(owner__username="teacher").count() == 2
    assert Framework.objects.count() == 1
    # Finished: the next start leaves it alone.
    before = snapshot()
    assert demo(if_empty=True).startswith("Using the district already in the database")
    assert snapshot() == before


def test_without_if_empty_a_real_district_is_never_touched(world):
    before = snapshot()

    with pytest.raises(CommandError, match="holds a district that is not the demo"):
        demo()

    assert snapshot() == before


def test_the_demo_is_built_in_bulk_not_row_by_row():
    # What keeps the demo fast is a bounded number of queries, not one per person or score
    # (600 students, their guardians and enrollments, 17,000 scores, and each course's two
    # paper tests: some 40 queries per tracker and test, whatever its class size, about 1,000
    # in all): counted, not timed.
    with CaptureQueriesContext(connection) as queries:
        demo(if_empty=True)
    assert len(queries) < 5_500, f"{len(queries)} queries: something writes row by row"
    assert Org.objects.count() == 3
    assert GuardianLink.objects.exists()


def test_a_hand_made_account_named_like_a_demo_sign_in_stops_the_demo_cleanly(django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-admin-123")

    with pytest.raises(CommandError, match="username “admin” already belongs to an account"):
        demo()
    assert not Org.objects.exists()

    err = io.StringIO()
    call_command("demo", if_empty=True, today=TODAY, stdout=io.StringIO(), stderr=err)
    assert "The demo district could not be loaded; nothing was changed." in err.getvalue()
