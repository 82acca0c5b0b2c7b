"""Enrollments, roles and guardian links an import inserted ahead are active but hidden from
every read until the import is applied (one ``LiveImport`` row, ADR 33). Each read path below
is looked at three times: before the rows exist, while they are pending (nothing may change),
and once their import is live (the read must see them: it really looks at these rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.auth import authenticate
from django.test import RequestFactory

from masterly.accounts.models import User
from masterly.integrations.oneroster.programs import _students
from masterly.roster import access
from masterly.roster.models import Enrollment, GuardianLink, LiveImport, Role, RoleAssignment
from masterly.roster.selectors import (
    children_with_sections,
    school_summaries,
    section_page,
    sections_for_role,
    with_details,
)
from masterly.trackers.membership import tracker_students
from masterly.trackers.services import tracker_create
from tests import factories as f
from tests.assessment_factories import FrameworkFactory, StandardFactory
from tests.conftest import World

TOKEN = 4242


def ids(rows: Any, field: str = "pk") -> list[int]:
    return sorted(rows.values_list(field, flat=True))


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # held roles are cached per user object


def insert_pending(world: World, newcomer: User) -> None:
    """What an import inserts ahead: a student role, a class and a parent for ``newcomer``, and
    a second class for the teacher (all active, all marked with the import's token)."""
    RoleAssignment.objects.create(
        user=newcomer, role=Role.STUDENT, org=world.school, import_pending=TOKEN
    )
    Enrollment.objects.create(
        sourced_id="pending-student",
        user=newcomer,
        section=world.section,
        role=Enrollment.Role.STUDENT,
        import_pending=TOKEN,
    )
    Enrollment.objects.create(
        sourced_id="pending-teacher",
        user=world.teacher,
        section=world.other_section,
        role=Enrollment.Role.TEACHER,
        import_pending=TOKEN,
    )
    GuardianLink.objects.create(guardian=world.parent, student=newcomer, import_pending=TOKEN)


def admin_enrollments(world: World) -> int:
    request = RequestFactory().get("/admin/roster/enrollment/")
    request.user = User.objects.filter(username="root").first() or User.objects.create_superuser(
        "root", "root@example.org", "x"
    )
    return admin.site._registry[Enrollment].get_queryset(request).count()


READS: dict[str, Callable[[World, User, Any], object]] = {
    "a teacher's students": lambda w, n, t: ids(access.visible_students(fresh(w.teacher))),
    "a teacher's classes": lambda w, n, t: ids(access.visible_sections(fresh(w.teacher))),
    "a leader's students": lambda w, n, t: ids(access.visible_students(fresh(w.leader))),
    "a district admin's students": lambda w, n, t: ids(access.visible_students(fresh(w.admin))),
    "a parent's children": lambda w, n, t: ids(access.visible_students(fresh(w.parent))),
    "a parent's page of children": lambda w, n, t: [
        c.child.pk for c in children_with_sections(fresh(w.parent))
    ],
    "the roles a person holds (sign-in, menus)": lambda w, n, t: sorted(
        access.held_roles(fresh(n))
    ),
    "a tracker's students": lambda w, n, t: ids(tracker_students(t.pk), "user"),
    "a class page's students": lambda w, n, t: [
        s.pk for s in section_page(fresh(w.teacher), w.section.pk)[1]
    ],
    "a teacher's classes with student counts": lambda w, n, t: sorted(
        (s.pk, s.student_count) for s in sections_for_role(fresh(w.teacher), Role.TEACHER).current
    ),
    "a class's teachers": lambda w, n, t: [
        e.user_id
        for s in with_details(type(w.section).objects.filter(pk=w.other_section.pk))
        for e in s.teacher_enrollments
    ],
    "a school's head counts": lambda w, n, t: [
        (s.teacher_count, s.student_count)
        for s in school_summaries(fresh(w.leader), as_role=Role.SCHOOL_LEADER, with_sections=False)
    ],
    "a class's enrollments (related manager)": lambda w, n, t: ids(w.section.enrollments.all()),
    "a person's roles (related manager)": lambda w, n, t: ids(n.role_assignments.all()),
    "a parent's links (related manager)": lambda w, n, t: ids(w.parent.children_links.all()),
    "the students a programs file may name": lambda w, n, t: _students([n.sourced_id]),
    "the admin's list of enrollments": lambda w, n, t: admin_enrollments(w),
    "counts of the three tables": lambda w, n, t: (
        Enrollment.objects.count(),
        RoleAssignment.objects.count(),
        GuardianLink.objects.count(),
    ),
}


@pytest.mark.parametrize("read", READS.keys())
def test_a_pending_row_is_invisible_until_its_import_is_live(world: World, read: str) -> None:
    newcomer = f.UserFactory(username="newcomer")
    tracker = tracker_create(
        actor=world.teacher,
        name="Math 6",
        owner=world.teacher,
        sections=[world.section],
        standards=[StandardFactory(framework=FrameworkFactory())],
    )
    look = READS[read]
    before = look(world, newcomer, tracker)

    insert_pending(world, newcomer)
    assert look(world, newcomer, tracker) == before

    LiveImport.objects.create(token=TOKEN)
    assert look(world, newcomer, tracker) != before


def test_another_import_being_live_does_not_show_these_rows(world: World) -> None:
    newcomer = f.UserFactory(username="newcomer")
    insert_pending(world, newcomer)
    LiveImport.objects.create(token=TOKEN + 1)
    assert not access.can_see_student(world.teacher, newcomer)
    assert Enrollment._base_manager.filter(import_pending=TOKEN).count() == 2


def test_a_person_inserted_ahead_cannot_sign_in(world: World) -> None:
    # People are inserted inactive and switched on by the apply (ADR 17), whatever is live.
    pending = f.UserFactory(username="pending", is_active=False, import_pending=TOKEN)
    LiveImport.objects.create(token=TOKEN + 1)
    assert authenticate(username="pending", password=f.PASSWORD) is None
    assert authenticate(username=pending.email, password=f.PASSWORD) is None
