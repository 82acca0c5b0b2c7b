"""The demo's activation story: ``parent`` has activated; another guardian of ``teacher``'s
class waits (in Spanish) with the published code that ``masterly start`` prints."""

from __future__ import annotations

from django.test import Client

from masterly.accounts.models import User
from masterly.demo.activation import DEMO_CODE, activation_line, build_activation_demo
from tests import factories as f
from tests.conftest import World


def test_the_demo_guardian_activates_with_the_printed_code(world: World) -> None:
    waiting = f.UserFactory(username="abuela")
    f.RoleAssignmentFactory(user=waiting, role="guardian", org=world.school)
    f.GuardianLinkFactory(guardian=waiting, student=world.student)

    build_activation_demo()
    build_activation_demo()  # loading the demo again keeps one usable code

    assert User.objects.get(username="parent").sign_in_chosen_at is not None
    waiting.refresh_from_db()
    assert waiting.preferred_language == "es" and not waiting.has_usable_password()
    assert DEMO_CODE in activation_line()

    client = Client()
    assert client.post("/activate/", {"code": DEMO_CODE.lower()}).url == "/activate/sign-in/"
    page = client.get("/activate/sign-in/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Elija cómo iniciar sesión" in page
    password = "Una-clave-larga-2026"
    response = client.post(
        "/activate/sign-in/", {"username": "abuela2", "password1": password, "password2": password}
    )
    assert response.url == "/family/"
    assert "has activated" in activation_line()
    build_activation_demo()  # a used code is never made usable again
    assert Client().post("/activate/", {"code": DEMO_CODE}).status_code == 400
