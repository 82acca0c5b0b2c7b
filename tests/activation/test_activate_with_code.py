"""A guardian activates with the code from their letter and lands on /family/."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client, override_settings
from django.utils import timezone

from masterly.accounts import activation_codes
from masterly.accounts.models import ActivationCode, User
from masterly.roster.activation import activation_codes_issue
from tests.conftest import World

NEW_PASSWORD = "a-long-Family-passphrase-42"


def _issue(guardian: User) -> str:
    guardian.set_unusable_password()
    guardian.save(update_fields=["password"])
    return activation_codes_issue(guardians=[guardian], created_by=None)[guardian.pk]


def _enter(client: Client, code: str):
    return client.post("/activate/", {"code": code})


def _choose(client: Client, **fields: str):
    data = {"email": "", "username": "", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    data.update(fields)
    return client.post("/activate/sign-in/", data)


def test_codes_avoid_look_alikes_and_are_grouped() -> None:
    for _ in range(200):
        code = activation_codes.new_code()
        assert len(code) == 14 and code[4] == "-" and code[9] == "-"
        assert not set(code) & set("0O1IL5S2Z8BQDUV")


def test_typing_ignores_case_spaces_and_dashes() -> None:
    code = "K7QX-M4RT-W9HP".replace("Q", "C")
    assert activation_codes.normalize(" k7cx m4rt-w9hp ") == code.replace("-", "")
    assert activation_codes.normalize("K7CX-M4RT-W9H") is None
    assert activation_codes.normalize("K7CX-M4RT-W9H0") is None


def test_only_a_hash_of_the_code_is_stored(world: World) -> None:
    code = _issue(world.parent)
    stored = ActivationCode.objects.get(guardian=world.parent)
    assert code not in stored.code_hash and code.replace("-", "") not in stored.code_hash


def test_activation_sets_the_chosen_sign_in_and_lands_on_family(
    client: Client, world: World
) -> None:
    code = _issue(world.parent)
    assert _enter(client, code.lower().replace("-", " ")).url == "/activate/sign-in/"
    response = _choose(client, email="mum@example.net", username="mum")
    assert response.status_code == 302 and response.url == "/family/"
    assert client.get("/family/").status_code == 200
    parent = User.objects.get(pk=world.parent.pk)
    assert parent.username == "mum" and parent.email == "mum@example.net"
    assert parent.check_password(NEW_PASSWORD) and parent.sign_in_chosen_at is not None
    fresh = Client()
    assert fresh.login(username="mum", password=NEW_PASSWORD)
    assert ActivationCode.objects.get(guardian=parent).used_at is not None


def test_email_alone_becomes_the_username(client: Client, world: World) -> None:
    _enter(client, _issue(world.parent))
    assert _choose(client, email="dad@example.net").status_code == 302
    assert User.objects.get(pk=world.parent.pk).username == "dad@example.net"


def test_one_activation_gives_every_linked_child(client: Client, world: World) -> None:
    from tests import factories as f

    f.GuardianLinkFactory(guardian=world.parent, student=world.other_student)
    _enter(client, _issue(world.parent))
    _choose(client, username="mum")
    page = client.get("/family/").content.decode()
    assert world.student.first_name in page and world.other_student.first_name in page


def _refused(response) -> bool:
    return response.status_code == 400 and "not valid or has expired" in response.content.decode()


def test_used_expired_revoked_and_mistyped_codes_are_refused_alike(
    client: Client, world: World
) -> None:
    used = _issue(world.parent)
    _enter(client, used)
    _choose(client, username="mum")
    assert _refused(_enter(Client(), used))

    revoked = _issue(world.other_parent)
    _issue(world.other_parent)  # re-issued: the first one no longer works
    assert _refused(_enter(client, revoked))

    expired = activation_codes_issue(
        guardians=[world.other_parent],
        created_by=None,
        now=timezone.now() - datetime.timedelta(days=61),
    )[world.other_parent.pk]
    assert _refused(_enter(client, expired))
    assert _refused(_enter(client, "AAAA-AAAA-AAAA"))
    assert _refused(_enter(client, "0O1I"))


@override_settings(ACTIVATION_CODE_DAYS=3)
def test_code_days_come_from_the_setting(world: World) -> None:
    _issue(world.parent)
    code = ActivationCode.objects.get(guardian=world.parent)
    assert code.expires_at - code.created_at == datetime.timedelta(days=3)


def test_a_non_guardian_gets_no_usable_code(client: Client, world: World) -> None:
    code = _issue(world.teacher)
    assert _refused(_enter(client, code))


def test_taken_username_and_weak_password_change_nothing(client: Client, world: World) -> None:
    _enter(client, _issue(world.parent))
    response = _choose(client, username="TEACHER")
    assert response.status_code == 400 and "taken" in response.content.decode()
    weak = _choose(client, username="mum", password1="password", password2="password")
    assert weak.status_code == 400 and "too common" in weak.content.decode()
    differ = _choose(client, username="mum", password2="something-else-entirely-9")
    assert differ.status_code == 400
    none = _choose(client)
    assert none.status_code == 400
    parent = User.objects.get(pk=world.parent.pk)
    assert parent.username == "parent" and parent.sign_in_chosen_at is None
    assert not parent.has_usable_password()


def test_sign_in_step_needs_a_code_first(client: Client, world: World) -> None:
    assert client.get("/activate/sign-in/").url == "/activate/"


@override_settings(
    ACCOUNT_RATE_LIMITS={"activation_code": "3/10m/ip", "login_failed": "", "login": ""}
)
def test_codes_typed_from_one_address_are_limited(client: Client, world: World) -> None:
    code = _issue(world.parent)
    for _ in range(3):
        assert _refused(_enter(client, "AAAA-AAAA-AAAA"))
    paused = _enter(client, code)  # even the right code waits
    assert paused.status_code == 429 and "Too many activation codes" in paused.content.decode()


@pytest.mark.parametrize("path", ["/activate/", "/activate/sign-in/"])
def test_activation_pages_are_open_to_anonymous_people(client: Client, db: None, path: str) -> None:
    assert client.get(path).status_code in {200, 302}
