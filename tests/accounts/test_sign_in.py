"""Sign-in with django-allauth, in Masterly's own pages; each role lands on its home."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialApp
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import World
from tests.factories import PASSWORD

HOME_OF = {
    "teacher": "teacher_home",
    "student": "student_home",
    "parent": "family_home",
    "leader": "leader_home",
    "admin": "district_home",
}


def sign_in(client: Client, login: str, password: str = PASSWORD) -> object:
    return client.post(reverse("account_login"), {"login": login, "password": password})


def test_sign_in_page_looks_like_masterly(db: None, client: Client) -> None:
    html = client.get(reverse("account_login")).content.decode()
    assert "<title>Sign in · Masterly</title>" in html
    assert 'class="card auth-card"' in html
    assert '<label for="id_login">Username or email address</label>' in html
    assert '<label for="id_password">Password</label>' in html
    assert '<button type="submit" class="button">Sign in</button>' in html
    assert reverse("account_reset_password") in html
    assert "sign up" not in html.lower()  # no open sign-up


def test_no_social_buttons_without_a_configured_app(db: None, client: Client) -> None:
    html = client.get(reverse("account_login")).content.decode()
    assert "Sign in with Google" not in html
    assert "Sign in with Clever" not in html


def test_social_button_appears_once_its_app_is_configured(db: None, client: Client) -> None:
    SocialApp.objects.create(provider="google", name="Google", client_id="id", secret="s")
    html = client.get(reverse("account_login")).content.decode()
    assert "Sign in with Google" in html
    assert "Sign in with Clever" not in html
    assert f'action="{reverse("google_login")}?process=login"' in html


@pytest.mark.parametrize("persona", sorted(HOME_OF))
def test_each_persona_signs_in_by_username_and_lands_home(
    world: World, client: Client, persona: str
) -> None:
    response = client.post(
        reverse("account_login"), {"login": persona, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(HOME_OF[persona])
    assert response.status_code == 200


def test_sign_in_by_email_address(world: World, client: Client) -> None:
    response = sign_in(client, world.teacher.email)
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert client.get("/")["Location"] == reverse("teacher_home")


def test_bad_password_shows_an_error_and_keeps_the_username(world: World, client: Client) -> None:
    response = sign_in(client, "teacher", "wrong-password")
    html = response.content.decode()  # type: ignore[attr-defined]
    assert response.status_code == 200  # type: ignore[attr-defined]
    assert 'role="alert"' in html
    assert "username and/or password you specified are not correct" in html
    assert 'value="teacher"' in html
    assert "_auth_user_id" not in client.session


def test_inactive_account_cannot_sign_in(world: World, client: Client) -> None:
    world.teacher.is_active = False
    world.teacher.save(update_fields=["is_active"])
    sign_in(client, "teacher")
    assert "_auth_user_id" not in client.session


def test_sign_out_asks_for_confirmation(world: World, client: Client) -> None:
    client.force_login(world.teacher)
    html = client.get(reverse("account_logout")).content.decode()
    assert "Are you sure you want to sign out of Masterly?" in html
    assert 'class="card auth-card"' in html
    response = client.post(reverse("account_logout"))
    assert response["Location"] == reverse("account_login")
    assert "_auth_user_id" not in client.session


def test_password_reset_pages(world: World, client: Client) -> None:
    html = client.get(reverse("account_reset_password")).content.decode()
    assert "Reset your password" in html and 'class="card auth-card"' in html
    response = client.post(reverse("account_reset_password"), {"email": world.parent.email})
    assert response["Location"] == reverse("account_reset_password_done")
    assert "Check your email" in client.get(response["Location"]).content.decode()
    assert len(mail.outbox) == 1
    assert world.parent.email in mail.outbox[0].to


def test_sign_up_is_closed(db: None, client: Client) -> None:
    html = client.get(reverse("account_signup")).content.decode()
    assert "Accounts come from your school" in html


def test_masterly_templates_win_over_allauths() -> None:
    """Masterly's sign-in templates live in masterly/accounts/templates/; Django finds them
    first only when the app comes before allauth in INSTALLED_APPS."""
    apps = list(settings.INSTALLED_APPS)
    assert apps.index("masterly.accounts") < apps.index("allauth"), (
        'config/settings.py: list "masterly.accounts" before "allauth" in INSTALLED_APPS'
    )
