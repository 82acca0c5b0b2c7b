"""What each role's home page and the roster pages show, and that they cost a fixed number of
queries whatever the size of the classes."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from masterly.accounts.models import User
from masterly.roster.models import Enrollment, Role, Section
from tests import factories as f
from tests.conftest import World


def page(world: World, persona: str | User, url: str) -> str:
    client = Client()
    client.force_login(getattr(world, persona) if isinstance(persona, str) else persona)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def enroll(section: Section, user: User, role: str = Enrollment.Role.STUDENT) -> None:
    f.EnrollmentFactory(user=user, section=section, role=role)


def archived_section(world: World, title: str = "Math 6 - Last year") -> Section:
    last_year = f.TermFactory(
        title="Fall 2025",
        start_date=datetime.date(2025, 8, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    section = f.SectionFactory(course=world.section.course, title=title, terms=[last_year])
    enroll(section, world.teacher, Enrollment.Role.TEACHER)
    enroll(section, world.student)
    return section


# ------------------------------------------------------------------ teacher


def test_teacher_home_lists_current_classes_with_details(world: World) -> None:
    Section.objects.filter(pk=world.section.pk).update(periods="3")
    html = page(world, "teacher", reverse("teacher_home"))
    assert "<h1>My mastery trackers</h1>" in html  # the teacher's home is their trackers
    assert "<h2>My classes</h2>" in html
    assert "Math 6 - Period 1" in html
    assert reverse("section_detail", args=[world.section.pk]) in html
    assert "Fall 2026" in html and "Math 6" in html
    assert "<dt>Period</dt><dd>3</dd>" in html
    assert "<dt>Students</dt><dd>1</dd>" in html
    assert "Math 6 - Period 2" not in html  # other_teacher's class


def test_teacher_home_puts_ended_and_deactivated_classes_under_archived(world: World) -> None:
    archived_section(world)
    closed = f.SectionFactory(course=world.section.course, title="Math 6 - Closed", is_active=False)
    enroll(closed, world.teacher, Enrollment.Role.TEACHER)
    html = page(world, "teacher", reverse("teacher_home"))
    current, archived = html.split("<h2>Archived classes</h2>")
    assert "Math 6 - Period 1" in current
    assert "Math 6 - Last year" in archived and "Math 6 - Closed" in archived
    assert "Math 6 - Last year" not in current


def test_teacher_home_empty_state(world: World) -> None:
    newcomer = f.UserFactory(username="newcomer")
    f.RoleAssignmentFactory(user=newcomer, role=Role.TEACHER, org=world.school)
    html = page(world, newcomer, reverse("teacher_home"))
    assert "No classes yet — your school" in html and "roster import will add them." in html


def test_section_page_lists_students_by_last_name(world: World) -> None:
    for first, last in [("Zed", "Adams"), ("Amy", "Young"), ("Bo", "Moreno")]:
        enroll(world.section, f.UserFactory(first_name=first, last_name=last))
    User.objects.filter(pk=world.student.pk).update(first_name="Sam", last_name="Baker")
    html = page(world, "teacher", reverse("section_detail", args=[world.section.pk]))
    order = [html.index(name) for name in ("Adams, Zed", "Baker, Sam", "Moreno, Bo", "Young, Amy")]
    assert order == sorted(order)
    assert "4 students" in html
    assert reverse("student_detail", args=[world.student.pk]) in html


def test_section_page_leaves_out_deactivated_enrollments(world: World) -> None:
    Enrollment.objects.filter(user=world.student).update(is_active=False)
    html = page(world, "teacher", reverse("section_detail", args=[world.section.pk]))
    assert world.student.sort_name not in html
    assert "No students in this class yet" in html


# ------------------------------------------------------------------ student


def test_student_home_lists_classes_with_teacher_names(world: World) -> None:
    archived_section(world)
    html = page(world, "student", reverse("student_home"))
    assert "<h1>My classes</h1>" in html
    assert "Math 6 - Period 1" in html
    assert world.teacher.display_name in html
    assert "Archived classes" in html and "Math 6 - Last year" in html
    assert world.other_teacher.display_name not in html


# ------------------------------------------------------------------ family


def test_family_home_lists_each_child_with_classes_and_email_teacher(world: World) -> None:
    archived_section(world)
    html = page(world, "parent", reverse("family_home"))
    assert "<h1>My children</h1>" in html
    assert world.student.display_name in html
    assert reverse("student_detail", args=[world.student.pk]) in html
    assert "Math 6 - Period 1" in html
    assert f"mailto:{world.teacher.email}" in html
    assert 'tab=archived">Archived Classes</a>' in html  # a tab: ?tab=archived lists them
    assert world.other_student.display_name not in html


def test_family_home_with_two_children(world: World) -> None:
    sibling = f.UserFactory(username="sibling", first_name="Sibyl")
    f.RoleAssignmentFactory(user=sibling, role=Role.STUDENT, org=world.school_b)
    enroll(world.school_b_section, sibling)
    f.GuardianLinkFactory(guardian=world.parent, student=sibling)
    html = page(world, "parent", reverse("family_home") + f"?child={world.student.pk}")
    assert world.student.display_name in html and sibling.display_name in html  # the picker
    assert "Math 6 - B" not in html  # one child at a time
    html = page(world, "parent", reverse("family_home") + f"?child={sibling.pk}")
    assert "Math 6 - B" in html and "Math 6 - Period 1" not in html


def test_family_home_gives_a_childs_grade_as_a_number(world: World) -> None:
    world.student.grades = "08"  # the roster's OneRoster code
    world.student.save(update_fields=["grades"])
    html = page(world, "parent", reverse("family_home"))
    assert '<span class="badge">Grade 8</span>' in html and "Grade 08" not in html


def test_family_home_empty_state(world: World) -> None:
    lonely = f.UserFactory(username="lonely")
    f.RoleAssignmentFactory(user=lonely, role=Role.GUARDIAN, org=world.school)
    html = page(world, lonely, reverse("family_home"))
    assert "No children are linked to your account yet" in html


# ------------------------------------------------------------------ leader and district


def test_leader_home_shows_counts_and_sections(world: World) -> None:
    html = page(world, "leader", reverse("leader_home"))
    assert "Adams Middle" in html
    assert "Brooks Middle" not in html
    assert '<dt>Teachers</dt><dd class="stat">2</dd>' in html
    assert '<dt>Students</dt><dd class="stat">2</dd>' in html
    assert '<dt>Current classes</dt><dd class="stat">2</dd>' in html
    assert "Math 6 - Period 1" in html and "Math 6 - Period 2" in html
    assert world.teacher.display_name in html and world.other_teacher.display_name in html
    assert "Math 6 - B" not in html


def test_district_home_lists_schools_and_links(world: World) -> None:
    html = page(world, "admin", reverse("district_home"))
    assert "Adams Middle" in html and "Brooks Middle" in html
    assert 'href="/oneroster/"' in html and "Import rosters (OneRoster)" in html
    assert f'href="{reverse("admin:index")}"' in html
    assert '<dt>Schools</dt><dd class="stat">2</dd>' in html
    assert '<dt>Students</dt><dd class="stat">3</dd>' in html


# ------------------------------------------------------------------ no role, several roles


def test_person_without_a_role_gets_a_friendly_page(db: None) -> None:
    nobody = f.UserFactory(username="nobody")
    client = Client()
    client.force_login(nobody)
    response = client.get("/")
    assert response.status_code == 200
    assert "ask your school office" in response.content.decode()


def test_switching_role_lands_on_that_roles_home(world: World) -> None:
    f.RoleAssignmentFactory(user=world.teacher, role=Role.GUARDIAN, org=world.school)
    f.GuardianLinkFactory(guardian=world.teacher, student=world.other_student)
    client = Client()
    client.force_login(world.teacher)
    assert client.get("/")["Location"] == reverse("teacher_home")
    html = client.get(reverse("teacher_home")).content.decode()
    assert 'name="role"' in html and '<option value="guardian">Parent</option>' in html

    response = client.post(reverse("switch_role"), {"role": "guardian"})
    assert response["Location"] == reverse("family_home")
    assert client.get("/")["Location"] == reverse("family_home")
    html = client.get(reverse("family_home")).content.decode()
    assert world.other_student.display_name in html
    assert '<option value="guardian" selected>' in html

    # A role they do not hold changes nothing.
    response = client.post(reverse("switch_role"), {"role": "district_admin"})
    assert response["Location"] == reverse("home")
    assert client.get("/")["Location"] == reverse("family_home")


def test_single_role_people_see_no_switcher(world: World) -> None:
    html = page(world, "teacher", reverse("teacher_home"))
    assert 'name="role"' not in html


# ------------------------------------------------------------------ fixed query counts


def grow(world: World, size: int) -> dict[str, str]:
    """Fill the world's classes to ``size`` students (and more classes and children when
    bigger), and return the URL of each page to measure."""
    classes = [world.section] + [
        f.SectionFactory(course=world.section.course, terms=[]) for _ in range(size // 10)
    ]
    for section in classes[1:]:
        enroll(section, world.teacher, Enrollment.Role.TEACHER)
        enroll(section, world.student)
    archived_section(world)
    for n in range(size - 1):
        kid = f.UserFactory()
        f.RoleAssignmentFactory(user=kid, role=Role.STUDENT, org=world.school)
        for section in classes:
            enroll(section, kid)
        if n < size // 10:
            f.GuardianLinkFactory(guardian=world.parent, student=kid)
    return {
        "teacher": reverse("teacher_home"),
        "student": reverse("student_home"),
        "parent": reverse("family_home"),
        "leader": reverse("leader_home"),
        "admin": reverse("district_home"),
    }


PAGE_QUERIES = {
    # session, user, roles, then the page's own: sections + terms + teachers (teacher, student),
    # children + enrollments + terms + teachers (parent), schools + role counts + sections +
    # terms + teachers (leader), schools + role counts + section counts (admin), section +
    # terms + teachers + students (section page), student + sections + terms + teachers.
    ("teacher", "home"): 7,  # + the teacher's trackers
    ("student", "home"): 10,  # + current and past trackers (more when some) and assignments
    ("parent", "home"): 8,  # + the chosen child's trackers
    ("leader", "home"): 8,
    ("admin", "home"): 6,
    ("teacher", "section"): 7,
    ("teacher", "student"): 7,
}


@pytest.mark.parametrize("size", [3, 40])
@pytest.mark.parametrize("persona", ["teacher", "student", "parent", "leader", "admin"])
def test_home_pages_cost_a_fixed_number_of_queries(
    world: World, size: int, persona: str, django_assert_num_queries: object
) -> None:
    urls = grow(world, size)
    client = Client()
    client.force_login(getattr(world, persona))
    client.get(urls[persona])  # the first visit may save the session (the role acted in)
    with django_assert_num_queries(PAGE_QUERIES[(persona, "home")]):  # type: ignore[operator]
        assert client.get(urls[persona]).status_code == 200


@pytest.mark.parametrize("size", [3, 40])
def test_roster_pages_cost_a_fixed_number_of_queries(
    world: World, size: int, django_assert_num_queries: object
) -> None:
    grow(world, size)
    client = Client()
    client.force_login(world.teacher)
    section_url = reverse("section_detail", args=[world.section.pk])
    student_url = reverse("student_detail", args=[world.student.pk])
    client.get(section_url)
    with django_assert_num_queries(PAGE_QUERIES[("teacher", "section")]):  # type: ignore[operator]
        assert client.get(section_url).status_code == 200
    with django_assert_num_queries(PAGE_QUERIES[("teacher", "student")]):  # type: ignore[operator]
        assert client.get(student_url).status_code == 200
