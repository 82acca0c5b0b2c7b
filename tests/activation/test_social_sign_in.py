"""Sign in with Google and Clever, the whole allauth OAuth flow against providers answered on
loopback: only into an existing account (a guardian once activated), never a new one."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.request import HTTPRedirectHandler, build_opener

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.clever.views import CleverOAuth2Adapter
from allauth.socialaccount.providers.google.views import GoogleOAuth2Adapter
from django.test import Client, override_settings
from django.utils import timezone

from masterly.accounts.models import User
from tests.activation.oauth_server import Provider, provider_server
from tests.conftest import World


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch, db: None) -> Iterator[Provider]:
    with provider_server() as fake:
        for adapter in (GoogleOAuth2Adapter, CleverOAuth2Adapter):
            monkeypatch.setattr(adapter, "authorize_url", fake.base + "/authorize")
            monkeypatch.setattr(adapter, "access_token_url", fake.base + "/token")
        monkeypatch.setattr(GoogleOAuth2Adapter, "identity_url", fake.base + "/userinfo")
        monkeypatch.setattr(CleverOAuth2Adapter, "identity_url", fake.base + "/v3.0/me")
        monkeypatch.setattr(CleverOAuth2Adapter, "user_details_url", fake.base + "/v3.0/users")
        SocialApp.objects.create(provider="google", name="Google", client_id="gid", secret="gs")
        SocialApp.objects.create(provider="clever", name="Clever", client_id="cid", secret="cs")
        yield fake


class _NoRedirect(HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def _flow(client: Client, provider_id: str):
    """Press the button, let the provider's authorize page send us back, follow allauth."""
    start = client.post(f"/accounts/{provider_id}/login/?process=login")
    assert start.status_code == 302, start.content
    opener = build_opener(_NoRedirect)
    try:
        opener.open(start.url)
        raise AssertionError("the authorize page should redirect back")
    except Exception as redirect:  # HTTPError 302 with the callback address
        back = redirect.headers["Location"]  # type: ignore[attr-defined]
    path = back.split("://", 1)[1].split("/", 1)[1]
    return client.get("/" + path, follow=True)


def _google(provider: Provider, email: str, *, verified: bool = True) -> None:
    provider.google_user = {
        "id": "g-123",
        "email": email,
        "verified_email": verified,
        "given_name": "Pat",
        "family_name": "Parent",
    }


def _clever(provider: Provider, sis_id: str, role: str = "student") -> None:
    provider.clever_user = {
        "data": {
            "id": "clever-42",
            "name": {"first": "Sam", "last": "Student"},
            "roles": {role: {"sis_id": sis_id, "credentials": {"district_username": "x"}}},
        }
    }


def _signed_in_as(client: Client) -> int | None:
    user_id = client.session.get("_auth_user_id")
    return int(user_id) if user_id else None


def _activated(user: User, email: str) -> None:
    user.email = email
    user.sign_in_chosen_at = timezone.now()
    user.save(update_fields=["email", "sign_in_chosen_at"])
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)


def test_google_signs_an_activated_guardian_in(
    client: Client, world: World, provider: Provider
) -> None:
    _activated(world.parent, "pat@gmail.example")
    _google(provider, "PAT@gmail.example")
    response = _flow(client, "google")
    assert _signed_in_as(client) == world.parent.pk
    assert response.redirect_chain[-1][0] == "/family/"
    assert {"/authorize", "/token", "/userinfo"} <= set(provider.calls)
    assert SocialAccount.objects.get(provider="google").user == world.parent
    client.logout()
    _flow(client, "google")  # the second time through the linked account
    assert _signed_in_as(client) == world.parent.pk


def test_google_refuses_a_guardian_who_has_not_activated(
    client: Client, world: World, provider: Provider
) -> None:
    _google(provider, world.parent.email)  # the roster's address, but no activation yet
    response = _flow(client, "google")
    assert response.status_code == 403 and "not linked" in response.content.decode()
    assert _signed_in_as(client) is None
    assert not SocialAccount.objects.exists()


def test_google_refuses_an_unverified_or_unknown_email(
    client: Client, world: World, provider: Provider
) -> None:
    _activated(world.parent, "pat@gmail.example")
    before = User.objects.count()
    _google(provider, "pat@gmail.example", verified=False)
    assert _flow(client, "google").status_code == 403
    _google(provider, "stranger@gmail.example")
    assert _flow(client, "google").status_code == 403
    assert _signed_in_as(client) is None
    assert User.objects.count() == before  # no account was created


def test_google_signs_staff_in_by_their_roster_email(
    client: Client, world: World, provider: Provider
) -> None:
    _google(provider, world.teacher.email)
    _flow(client, "google")
    assert _signed_in_as(client) == world.teacher.pk


def test_clever_signs_a_student_in_by_sis_id(
    client: Client, world: World, provider: Provider
) -> None:
    world.student.email = ""
    world.student.save(update_fields=["email"])
    _clever(provider, world.student.sourced_id)
    response = _flow(client, "clever")
    assert _signed_in_as(client) == world.student.pk
    assert response.redirect_chain[-1][0] == "/student/"
    assert {"/v3.0/me", "/v3.0/users/clever-42"} <= set(provider.calls)


def test_clever_refuses_an_unknown_sis_id_and_creates_nobody(
    client: Client, world: World, provider: Provider
) -> None:
    before = User.objects.count()
    _clever(provider, "nobody-has-this-id")
    assert _flow(client, "clever").status_code == 403
    assert User.objects.count() == before and _signed_in_as(client) is None


def test_a_deactivated_linked_account_is_refused(
    client: Client, world: World, provider: Provider
) -> None:
    _clever(provider, world.student.sourced_id)
    _flow(client, "clever")
    client.logout()
    world.student.is_active = False
    world.student.save(update_fields=["is_active"])
    assert _flow(client, "clever").status_code == 403
    assert _signed_in_as(client) is None


@override_settings(
    SOCIALACCOUNT_PROVIDERS={"google": {"APP": {"client_id": "env-id", "secret": "env-s"}}}
)
def test_buttons_follow_the_configured_providers(client: Client, db: None) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in with Google" in html and "Sign in with Clever" not in html


def test_no_button_without_a_configured_provider(client: Client, db: None) -> None:
    html = client.get("/accounts/login/").content.decode()
    assert "Sign in with" not in html


def test_staff_with_two_factor_still_give_their_code(
    client: Client, world: World, provider: Provider
) -> None:
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(world.teacher, generate_totp_secret())
    _google(provider, world.teacher.email)
    response = _flow(client, "google")
    assert response.redirect_chain[-1][0] == "/accounts/2fa/authenticate/"
    assert _signed_in_as(client) is None  # not until the code is given


def test_a_signed_in_person_links_google_to_their_own_account_only(
    client: Client, world: World, provider: Provider
) -> None:
    client.force_login(world.teacher)
    _google(provider, world.other_teacher.email)  # someone else's roster address
    start = client.post("/accounts/google/login/?process=connect")
    opener = build_opener(_NoRedirect)
    try:
        opener.open(start.url)
    except Exception as redirect:
        back = redirect.headers["Location"]  # type: ignore[attr-defined]
    client.get("/" + back.split("://", 1)[1].split("/", 1)[1], follow=True)
    assert SocialAccount.objects.get(provider="google").user == world.teacher
    assert _signed_in_as(client) == world.teacher.pk
