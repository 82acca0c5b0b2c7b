"""The student signs in with the username and code from their card, must choose their own
password before anything else, and the code stops working; an expired code does not sign in."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masterly.accounts.models import TemporaryPassword, User
from masterly.accounts.temporary_passwords import temporary_passwords_issue
from masterly.core.models import AuditEvent
from tests.conftest import World

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "purple-otter-climbs-42"


def issue(world: World) -> str:
    codes = temporary_passwords_issue(
        actor=world.teacher, students=[world.student], context="Math 6 - Period 1"
    )
    return codes[world.student.pk]


def sign_in(client: Client, username: str, password: str) -> None:
    client.post(reverse("account_login"), {"login": username, "password": password})


def signed_in_as(client: Client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def test_a_code_signs_in_and_every_page_asks_for_a_new_password_first(world: World) -> None:
    code = issue(world)
    client = Client()
    sign_in(client, world.student.username, code)
    assert signed_in_as(client) == world.student.pk
    choose = reverse("own_password_choose")
    for name in ["home", "student_home", "about"]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response["Location"] == choose
    page = client.get(choose)
    assert page.status_code == 200
    assert "Choose your password" in page.content.decode()
    # Signing out still works.
    assert client.post(reverse("account_logout")).status_code == 302


@pytest.mark.parametrize(
    ("first", "second", "message"),
    [
        ("short", "short", "This password is too short"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "The two password fields didn"),
        ("CODE", "CODE", "not the code from your card"),
    ],
)
def test_a_weak_or_mismatched_password_is_refused_and_the_code_kept(
    world: World, first: str, second: str, message: str
) -> None:
    code = issue(world)
    client = Client()
    sign_in(client, world.student.username, code)
    first, second = (code if value == "CODE" else value for value in (first, second))
    response = client.post(
        reverse("own_password_choose"), {"new_password1": first, "new_password2": second}
    )
    assert response.status_code == 400
    assert message in response.content.decode().replace("&#x27;", "'")
    world.student.refresh_from_db()
    assert world.student.check_password(code)
    assert TemporaryPassword.objects.filter(user=world.student).exists()


def test_the_chosen_password_replaces_the_code(world: World) -> None:
    code = issue(world)
    client = Client()
    sign_in(client, world.student.username, code)
    response = client.post(
        reverse("own_password_choose"),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert signed_in_as(client) == world.student.pk  # still signed in
    assert client.get(reverse("student_home")).status_code == 200
    assert not TemporaryPassword.objects.filter(user=world.student).exists()
    assert AuditEvent.objects.filter(
        action="account.own_password_chosen", actor=world.student
    ).exists()
    # The code no longer signs in; the new password does.
    other = Client()
    sign_in(other, world.student.username, code)
    assert signed_in_as(other) is None
    sign_in(other, world.student.username, NEW_PASSWORD)
    assert signed_in_as(other) == world.student.pk
    assert other.get(reverse("student_home")).status_code == 200


def test_an_expired_code_does_not_sign_in(world: World) -> None:
    code = issue(world)
    TemporaryPassword.objects.filter(user=world.student).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": world.student.username, "password": code}, follow=True
    )
    assert signed_in_as(client) is None
    assert "The code on your card has expired" in response.content.decode()


def test_a_reset_signs_the_student_out_elsewhere(world: World) -> None:
    elsewhere = Client()
    elsewhere.force_login(world.student)
    assert elsewhere.get(reverse("student_home")).status_code == 200
    issue(world)
    assert elsewhere.get(reverse("student_home")).status_code == 302


def test_people_without_a_code_are_not_sent_to_choose(world: World) -> None:
    client = Client()
    sign_in(client, world.teacher.username, "correct-horse-battery")
    assert client.get(reverse("teacher_home")).status_code == 200
    assert User.objects.get(pk=world.teacher.pk).check_password("correct-horse-battery")


def test_a_code_typed_in_small_letters_or_with_its_gap_signs_in(world: World) -> None:
    code = issue(world)
    for typed in [code.lower(), f"{code[:4]} {code[4:]}", f"{code[:4]}-{code[4:].lower()}"]:
        client = Client()
        sign_in(client, world.student.username, typed)
        assert signed_in_as(client) == world.student.pk, typed


def test_only_a_temporary_code_is_read_that_loosely(world: World) -> None:
    world.student.set_password("ACDE7KMN")
    world.student.save(update_fields=["password"])
    client = Client()
    sign_in(client, world.student.username, "acde 7kmn")
    assert signed_in_as(client) is None
    sign_in(client, world.student.username, "ACDE7KMN")
    assert signed_in_as(client) == world.student.pk
