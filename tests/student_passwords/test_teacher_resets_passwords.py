"""A teacher resets the passwords of students in a class they teach: one student's code on
screen, or printed cards for the whole class; recorded in the audit log; nobody else may."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.accounts.models import TemporaryPassword, User
from masterly.accounts.temporary_passwords import ALPHABET, CODE_LENGTH, new_code
from masterly.core.models import AuditEvent
from masterly.roster.models import Enrollment
from tests import factories as f
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

CODE = re.compile(rf"[{ALPHABET}]{{4}}<span class=\"password-card__gap\"></span>[{ALPHABET}]{{4}}")


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(world: World) -> str:
    return reverse("section_passwords", args=[world.section.pk])


def codes_in(html: str) -> list[str]:
    return [
        match.replace('<span class="password-card__gap"></span>', "")
        for match in CODE.findall(html)
    ]


def add_students(world: World, n: int) -> list[User]:
    students = [f.UserFactory(username=f"kid{i}") for i in range(n)]
    for student in students:
        f.EnrollmentFactory(user=student, section=world.section, role=Enrollment.Role.STUDENT)
    return students


def nothing_changed(world: World) -> None:
    assert not TemporaryPassword.objects.exists()
    assert not AuditEvent.objects.filter(action="account.temporary_password_issued").exists()
    for student in (world.student, world.other_student):
        student.refresh_from_db()
        assert student.check_password(PASSWORD)


def test_codes_leave_out_look_alike_characters() -> None:
    codes = {new_code() for _ in range(300)}
    assert len(codes) == 300
    assert all(len(code) == CODE_LENGTH for code in codes)
    assert not set("".join(codes)) & set("0O1IL2Z5S8BUV")


def test_the_teacher_sees_the_class_and_a_link_from_it(world: World) -> None:
    client = as_user(world.teacher)
    detail = client.get(reverse("section_detail", args=[world.section.pk])).content.decode()
    assert page_url(world) in detail
    response = client.get(page_url(world))
    assert response.status_code == 200
    assert world.student.username in response.content.decode()
    assert world.other_student.username not in response.content.decode()
    # Another teacher's class page has no link.
    other = as_user(world.other_teacher).get(reverse("section_detail", args=[world.section.pk]))
    assert page_url(world) not in other.content.decode()


def test_the_page_takes_the_same_queries_for_one_student_or_many(world: World) -> None:
    client = as_user(world.teacher)
    client.get(page_url(world))  # the session and roles settle
    with CaptureQueriesContext(connection) as one:
        client.get(page_url(world))
    add_students(world, 30)
    with CaptureQueriesContext(connection) as many:
        assert client.get(page_url(world)).content.decode().count('name="student"') == 31
    assert len(many) == len(one)


def test_one_students_reset_shows_a_code_that_signs_in_once_chosen(world: World) -> None:
    response = as_user(world.teacher).post(page_url(world), {"student": [world.student.pk]})
    assert response.status_code == 200
    html = response.content.decode()
    (code,) = codes_in(html)
    assert world.student.username in html
    world.student.refresh_from_db()
    assert world.student.check_password(code)
    assert not world.student.check_password(PASSWORD)
    row = TemporaryPassword.objects.get(user=world.student)
    assert row.issued_by == world.teacher
    event = AuditEvent.objects.get(action="account.temporary_password_issued")
    assert event.actor_id == world.teacher.pk
    assert event.object_id == str(world.student.pk)
    assert code not in str(event.details) and code not in event.summary


def test_the_whole_class_gets_cards_and_no_one_else(world: World) -> None:
    kids = add_students(world, 3)
    response = as_user(world.teacher).post(page_url(world), {"whole_class": "yes"})
    assert response.status_code == 200
    html = response.content.decode()
    assert len(codes_in(html)) == 4
    assert html.count('class="password-card"') == 4
    for student in [world.student, *kids]:
        assert student.username in html
    assert world.other_student.username not in html
    assert set(TemporaryPassword.objects.values_list("user", flat=True)) == {
        world.student.pk,
        *(kid.pk for kid in kids),
    }
    assert AuditEvent.objects.filter(action="account.temporary_password_issued").count() == 4
    world.other_student.refresh_from_db()
    assert world.other_student.check_password(PASSWORD)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"student": ["abc"]}, "The form was not understood"),
        ({}, "Choose at least one student."),
        ({"student": ["OTHER"]}, "Choose only students of this class"),
    ],
)
def test_bad_input_is_refused_with_nothing_changed(
    world: World, data: dict[str, list[str]], message: str
) -> None:
    if data.get("student") == ["OTHER"]:
        data = {"student": [str(world.student.pk), str(world.other_student.pk)]}
    response = as_user(world.teacher).post(page_url(world), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    nothing_changed(world)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("other_teacher", 404),
        ("other_leader", 403),
        ("leader", 403),
        ("admin", 403),
        ("student", 403),
        ("parent", 403),
        ("other_parent", 403),
    ],
)
def test_nobody_but_the_classes_teacher_may_reset(world: World, persona: str, status: int) -> None:
    client = as_user(getattr(world, persona))
    assert client.get(page_url(world)).status_code == status
    response = client.post(page_url(world), {"whole_class": "yes"})
    assert response.status_code == status
    response = client.post(page_url(world), {"student": [world.student.pk]})
    assert response.status_code == status
    nothing_changed(world)


def test_another_schools_class_is_not_found_for_the_teacher(world: World) -> None:
    url = reverse("section_passwords", args=[world.school_b_section.pk])
    client = as_user(world.teacher)
    assert client.get(url).status_code == 404
    assert client.post(url, {"whole_class": "yes"}).status_code == 404
    assert not TemporaryPassword.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(world: World) -> None:
    response = Client().post(page_url(world), {"whole_class": "yes"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    nothing_changed(world)
