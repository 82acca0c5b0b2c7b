"""Access follows the roster: deactivated enrollments, links and roles lose it; several roles
add up; roles count only within their org."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from masterly.accounts.models import User
from masterly.roster import access
from masterly.roster.models import Enrollment, GuardianLink, Org, Role, RoleAssignment
from masterly.roster.selectors import roles_for
from tests import factories as f
from tests.conftest import World


def deactivate_role(user: object, role: Role) -> None:
    RoleAssignment.objects.filter(user=user, role=role).update(is_active=False)


def test_deactivated_teacher_enrollment_loses_the_class(world: World) -> None:
    Enrollment.objects.filter(user=world.teacher, section=world.section).update(is_active=False)
    assert not access.can_see_student(world.teacher, world.student)
    assert not access.visible_sections(world.teacher).exists()


def test_deactivated_student_enrollment_leaves_the_teachers_view(world: World) -> None:
    Enrollment.objects.filter(user=world.student, section=world.section).update(is_active=False)
    assert not access.can_see_student(world.teacher, world.student)
    # The school still sees its student (the student role is active), the parent their child.
    assert access.can_see_student(world.leader, world.student)
    assert access.can_see_student(world.parent, world.student)
    # The student no longer sees the class, nor does the parent through the child.
    assert not access.can_see_section(world.student, world.section)
    assert not access.can_see_section(world.parent, world.section)


def test_deactivated_guardian_link_loses_the_child(world: World) -> None:
    GuardianLink.objects.filter(guardian=world.parent).update(is_active=False)
    assert not access.visible_students(world.parent).exists()
    assert not access.visible_sections(world.parent).exists()


@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("teacher", Role.TEACHER),
        ("parent", Role.GUARDIAN),
        ("student", Role.STUDENT),
        ("leader", Role.SCHOOL_LEADER),
        ("admin", Role.DISTRICT_ADMIN),
    ],
)
def test_deactivated_role_loses_everything_it_gave(world: World, persona: str, role: Role) -> None:
    user = getattr(world, persona)
    assert access.visible_students(user).exists()
    deactivate_role(user, role)
    assert not access.visible_students(user).exists()
    assert not access.visible_sections(user).exists()


@pytest.mark.parametrize("persona", ["teacher", "parent", "student", "leader", "admin"])
def test_deactivated_user_sees_nothing(world: World, persona: str) -> None:
    user = getattr(world, persona)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert not access.visible_students(user).exists()
    assert not access.visible_sections(user).exists()


def test_anonymous_sees_nothing_and_costs_no_query(
    world: World, django_assert_num_queries: object
) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert list(access.visible_students(AnonymousUser())) == []
        assert list(access.visible_sections(AnonymousUser())) == []
        assert list(access.visible_schools(AnonymousUser())) == []


def test_teacher_who_is_also_a_parent_sees_the_union(world: World) -> None:
    # The teacher of Period 1 is also other_student's parent.
    f.RoleAssignmentFactory(user=world.teacher, role=Role.GUARDIAN, org=world.school)
    f.GuardianLinkFactory(guardian=world.teacher, student=world.other_student)

    everyone = set(access.visible_students(world.teacher))
    assert everyone == {world.student, world.other_student}
    assert set(access.visible_sections(world.teacher)) == {world.section, world.other_section}
    # Acting in one role narrows to that role.
    assert set(access.visible_students(world.teacher, as_role=Role.TEACHER)) == {world.student}
    assert set(access.visible_students(world.teacher, as_role=Role.GUARDIAN)) == {
        world.other_student
    }
    assert set(access.visible_sections(world.teacher, as_role=Role.GUARDIAN)) == {
        world.other_section
    }
    # Still nothing from another school.
    assert not access.can_see_student(world.teacher, world.school_b_student)


def test_non_primary_teacher_enrollment_counts(world: World) -> None:
    co_teacher = f.UserFactory(username="co_teacher")
    f.RoleAssignmentFactory(user=co_teacher, role=Role.TEACHER, org=world.school)
    f.EnrollmentFactory(
        user=co_teacher, section=world.section, role=Enrollment.Role.TEACHER, is_primary=False
    )
    assert set(access.visible_students(co_teacher)) == {world.student}


def test_teacher_role_counts_only_at_its_own_school(world: World) -> None:
    """A teacher enrollment at a school where the person holds no teacher role gives nothing."""
    outsider = f.UserFactory(username="outsider")
    f.RoleAssignmentFactory(user=outsider, role=Role.TEACHER, org=world.school_b)
    f.EnrollmentFactory(user=outsider, section=world.section, role=Enrollment.Role.TEACHER)
    assert not access.visible_students(outsider).exists()


def test_district_wide_teacher_role_covers_the_districts_schools(world: World) -> None:
    roaming = f.UserFactory(username="roaming")
    f.RoleAssignmentFactory(user=roaming, role=Role.TEACHER, org=world.district)
    f.EnrollmentFactory(user=roaming, section=world.school_b_section, role=Enrollment.Role.TEACHER)
    assert set(access.visible_students(roaming)) == {world.school_b_student}


def test_leader_sees_students_enrolled_at_their_school_without_a_school_role(
    world: World,
) -> None:
    visitor = f.UserFactory(username="visitor")
    f.EnrollmentFactory(user=visitor, section=world.section, role=Enrollment.Role.STUDENT)
    assert access.can_see_student(world.leader, visitor)
    assert access.can_see_student(world.teacher, visitor)
    assert not access.can_see_student(world.other_leader, visitor)


def test_admin_of_another_district_sees_nothing_of_ours(world: World) -> None:
    other_district = f.OrgFactory(name="Elsewhere", type=Org.Type.DISTRICT)
    f.OrgFactory(name="Elsewhere Middle", parent=other_district)
    admin2 = f.UserFactory(username="admin2")
    f.RoleAssignmentFactory(user=admin2, role=Role.DISTRICT_ADMIN, org=other_district)
    assert not access.visible_students(admin2).exists()
    assert not access.visible_sections(admin2).exists()
    assert [s.name for s in access.visible_schools(admin2)] == ["Elsewhere Middle"]


def test_superuser_sees_every_student_and_section(world: World) -> None:
    root = f.UserFactory(username="root", is_superuser=True, is_staff=True)
    assert set(access.visible_students(root)) == {
        world.student,
        world.other_student,
        world.school_b_student,
    }
    assert set(access.visible_sections(root)) == {
        world.section,
        world.other_section,
        world.school_b_section,
    }
    assert access.is_district_admin(root)


def test_is_district_admin(world: World) -> None:
    assert access.is_district_admin(world.admin)
    for persona in ("teacher", "leader", "parent", "student"):
        assert not access.is_district_admin(getattr(world, persona))
    deactivate_role(world.admin, Role.DISTRICT_ADMIN)
    # The answer is remembered on the user object (as Django's permissions are): the next
    # request's user, loaded afresh, is no longer an admin.
    assert not access.is_district_admin(User.objects.get(pk=world.admin.pk))
    assert not access.is_district_admin(AnonymousUser())


def test_roles_are_looked_up_once_per_user_object(
    world: World, django_assert_num_queries: object
) -> None:
    """Pages ask several times (the curriculum-map pages do): one query answers them all."""
    admin = User.objects.get(pk=world.admin.pk)
    with django_assert_num_queries(1):  # type: ignore[operator]
        assert access.is_district_admin(admin)
        assert access.is_district_admin(admin)
        assert access.held_roles(admin) == {Role.DISTRICT_ADMIN}
        assert roles_for(admin) == [Role.DISTRICT_ADMIN]


def test_a_role_change_is_seen_by_a_user_object_loaded_afresh(world: World) -> None:
    """Like Django's permission cache: within one request (one user object) the roles stay
    as first read; the flags on the object itself are read at each call."""
    teacher = User.objects.get(pk=world.teacher.pk)
    assert not access.is_district_admin(teacher)
    f.RoleAssignmentFactory(user=world.teacher, role=Role.DISTRICT_ADMIN, org=world.district)
    assert not access.is_district_admin(teacher)
    assert access.is_district_admin(User.objects.get(pk=world.teacher.pk))

    teacher.is_superuser = True
    assert access.is_district_admin(teacher)
    assert roles_for(teacher) == [Role.DISTRICT_ADMIN, Role.TEACHER]
    teacher.is_active = False
    assert not access.is_district_admin(teacher)
    assert roles_for(teacher) == []


def test_extra_rules_extend_a_role(world: World) -> None:
    """The extension point later apps (tracker collaborators) use."""
    from django.db.models import Exists

    from masterly.accounts.models import User

    def shared_with_other_teacher(user: object) -> list:
        # Who the user is, said in the query (rules are compiled once and reused).
        is_other_teacher = Exists(User.objects.filter(pk=world.other_teacher.pk).filter(pk=user.pk))
        return [User.objects.filter(is_other_teacher, pk=world.student.pk).values("pk")]

    access.add_student_rule(Role.TEACHER, shared_with_other_teacher)
    try:
        assert set(access.visible_students(world.other_teacher)) == {
            world.student,
            world.other_student,
        }
        assert set(access.visible_students(world.teacher)) == {world.student}
    finally:
        access.STUDENT_RULES[Role.TEACHER].remove(shared_with_other_teacher)


def test_rules_key_follows_the_rules_in_force() -> None:
    """Callers that keep SQL compiled from the rules (the tracker grid) key it by this."""

    def extra(user: object) -> list:
        return []

    before = access.rules_key()
    access.add_student_rule(Role.TEACHER, extra)
    try:
        assert access.rules_key() != before
    finally:
        access.STUDENT_RULES[Role.TEACHER].remove(extra)
    assert access.rules_key() == before


@pytest.mark.parametrize("kind", ["student", "section"])
def test_a_rule_that_returns_no_query_adds_nothing_and_raises_nothing(
    world: World, kind: str
) -> None:
    """``add_student_rule`` lets a rule return ``[]``: the role then sees what its other rules
    give, and a role with only such rules sees nobody (no error, no HTTP 500)."""

    def nothing_to_add(user: object) -> list:
        return []

    rules, add = (
        (access.STUDENT_RULES, access.add_student_rule)
        if kind == "student"
        else (access.SECTION_RULES, access.add_section_rule)
    )
    saved = {role: list(rules[role]) for role in Role}
    add(Role.TEACHER, nothing_to_add)
    try:
        assert set(access.visible_students(world.teacher)) == {world.student}
        assert set(access.visible_sections(world.teacher)) == {world.section}
        # The only rule of the role: the teacher now sees nothing, and nothing breaks.
        rules[Role.TEACHER][:] = [nothing_to_add]
        visible = (
            access.visible_students(world.teacher, as_role=Role.TEACHER)
            if kind == "student"
            else access.visible_sections(world.teacher, as_role=Role.TEACHER)
        )
        assert list(visible) == []
        assert access.can_see_student(world.leader, world.student)
    finally:
        for role, kept in saved.items():
            rules[role][:] = kept
