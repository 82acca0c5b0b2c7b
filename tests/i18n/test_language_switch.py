"""The header's language switch (English / Español) for everyone, without JavaScript, and the
language a signed-in person saved, applied at sign-in and on every page whatever the browser
says (the roster's language is a guardian's default)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.accounts.models import User
from masterly.accounts.temporary_passwords import MUST_CHOOSE_KEY
from masterly.core.models import AuditEvent
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
COOKIE = settings.LANGUAGE_COOKIE_NAME


def switch(client: Client, language: str, next_url: str = "/") -> object:
    return client.post(reverse("language_switch"), {"language": language, "next": next_url})


def test_the_switch_is_in_every_header_as_a_plain_form(world: World) -> None:
    html = Client().get(reverse("account_login")).content.decode()
    assert f'<form method="post" action="{reverse("language_switch")}"' in html
    assert '<span class="language-switch__current" lang="en" aria-current="true">English' in html
    assert 'name="language" value="es" lang="es"' in html and ">Español</button>" in html
    signed_in = Client()
    signed_in.force_login(world.parent)
    html = signed_in.get(reverse("family_home")).content.decode()
    assert 'name="language" value="es"' in html
    assert '<input type="hidden" name="next" value="/family/">' in html


def test_anyone_switches_and_comes_back_to_the_page_they_were_on(db: None) -> None:
    client = Client()
    response = switch(client, "es", reverse("account_login"))
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert response.cookies[COOKIE].value == "es"
    html = client.get(reverse("account_login")).content.decode()
    assert '<html lang="es">' in html
    assert "Nombre de usuario o correo electrónico" in html
    assert "Saltar al contenido principal" in html
    assert 'name="language" value="en" lang="en"' in html
    # And back.
    switch(client, "en", reverse("account_login"))
    assert "Skip to main content" in client.get(reverse("account_login")).content.decode()


def test_a_signed_in_choice_is_saved_and_follows_the_person(world: World) -> None:
    client = Client()
    client.force_login(world.parent)
    switch(client, "es", reverse("family_home"))
    world.parent.refresh_from_db()
    assert world.parent.preferred_language == "es"
    event = AuditEvent.objects.get(action="accounts.language_chosen")
    assert event.actor_id == world.parent.pk and event.details == {"from": "", "to": "es"}
    # Another device, whose browser asks for English and has no cookie: Spanish all the same.
    other = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    other.force_login(world.parent)
    response = other.get(reverse("family_home"))
    assert "Clases actuales" in response.content.decode()
    assert response["Content-Language"] == "es"
    assert response.cookies[COOKIE].value == "es"  # stays Spanish after signing out
    # Choosing the same language again writes nothing.
    switch(client, "es", reverse("family_home"))
    assert AuditEvent.objects.filter(action="accounts.language_chosen").count() == 1


def test_the_roster_language_is_applied_at_sign_in(world: World) -> None:
    world.parent.preferred_language = "es"
    world.parent.save(update_fields=["preferred_language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post(
        reverse("account_login"), {"login": "parent", "password": PASSWORD}, follow=True
    )
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("family_home")
    assert '<html lang="es">' in html and "Cerrar sesión" in html
    # The person saved nothing; a teacher without a preference reads what the browser asks.
    teacher = Client(HTTP_ACCEPT_LANGUAGE="es")
    teacher.force_login(world.teacher)
    assert '<html lang="es">' in teacher.get(reverse("teacher_home")).content.decode()
    teacher = Client(HTTP_ACCEPT_LANGUAGE="en")
    teacher.force_login(world.teacher)
    assert '<html lang="en">' in teacher.get(reverse("teacher_home")).content.decode()


def test_a_roster_language_variant_counts_and_an_unknown_one_is_ignored(world: World) -> None:
    world.parent.preferred_language = "es-MX"
    world.parent.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(world.parent)
    assert '<html lang="es">' in client.get(reverse("family_home")).content.decode()
    world.parent.preferred_language = "vi"
    world.parent.save(update_fields=["preferred_language"])
    client = Client()  # no language cookie from the earlier page
    client.force_login(world.parent)
    assert '<html lang="en">' in client.get(reverse("family_home")).content.decode()


@pytest.mark.parametrize("language", ["fr", "", "ES", "es-MX", "<script>"])
def test_a_language_masterly_does_not_have_is_refused(world: World, language: str) -> None:
    client = Client()
    client.force_login(world.parent)
    response = switch(client, language, reverse("family_home"))
    assert response.status_code == 400
    assert response.content.decode() == (
        "Masterly is not available in that language: choose English or Español."
    )
    assert COOKIE not in response.cookies
    world.parent.refresh_from_db()
    assert world.parent.preferred_language == ""
    assert not AuditEvent.objects.filter(action="accounts.language_chosen").exists()


def test_the_switch_sends_nobody_to_another_site(db: None) -> None:
    response = switch(Client(), "es", "https://evil.example/phish")
    assert response.status_code == 302 and response["Location"] == "/"


def test_the_switch_takes_posts_only(db: None) -> None:
    response = Client().get(reverse("language_switch") + "?language=es&next=/")
    assert response.status_code == 405 and COOKIE not in response.cookies


def test_the_saved_language_costs_no_query(world: World) -> None:
    def queries(user: User) -> int:
        client = Client()
        client.force_login(user)
        client.get(reverse("family_home"))  # the session's first page
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("family_home"))
        return len(captured)

    plain = queries(world.parent)
    world.parent.preferred_language = "es"
    world.parent.save(update_fields=["preferred_language"])
    assert queries(world.parent) == plain


def test_each_language_is_named_in_its_own_words(world: World) -> None:
    client = Client()
    switch(client, "es", reverse("account_login"))
    html = client.get(reverse("account_login")).content.decode()
    assert '<span class="language-switch__current" lang="es" aria-current="true">Español' in html
    assert 'lang="en" class="button button--small button--quiet">English</button>' in html


def test_a_student_choosing_a_password_first_may_still_switch_language(world: World) -> None:
    client = Client()
    client.force_login(world.student)
    session = client.session
    session[MUST_CHOOSE_KEY] = True
    session.save()
    choose = reverse("own_password_choose")
    assert client.get(reverse("student_home"))["Location"] == choose
    response = switch(client, "es", choose)
    assert response.status_code == 302 and response["Location"] == choose
    assert "Saltar al contenido principal" in client.get(choose).content.decode()


def test_the_cookie_the_switch_sets_is_the_one_the_browser_keeps(world: World) -> None:
    # Saved Spanish, but this browser's cookie says English (set before signing in): the
    # switch to English must leave an English cookie, not the saved Spanish of a moment ago.
    world.parent.preferred_language = "es"
    world.parent.save(update_fields=["preferred_language"])
    client = Client()
    client.force_login(world.parent)
    client.cookies[COOKIE] = "en"
    response = switch(client, "en", reverse("family_home"))
    assert response.cookies[COOKIE].value == "en"
    world.parent.refresh_from_db()
    assert world.parent.preferred_language == "en"
    assert "Current Classes" in client.get(reverse("family_home")).content.decode()
