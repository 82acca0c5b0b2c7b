"""In a real browser: a guardian activates with the code from their letter and lands on their
children; used, expired and mistyped codes are refused alike; the leader's letters page and
the sign-in page with Google and Clever buttons pass axe."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import pytest
from allauth.socialaccount.models import SocialApp
from django.utils import timezone

from masterly.roster.activation import activation_codes_issue
from tests.browser.conftest import screenshot, serious_violations
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

CHOSEN = "Our-family-passphrase-2026"


def _no_serious(page: Any) -> None:
    found = serious_violations(page)
    assert not found, "axe found serious or critical problems:\n" + "\n".join(found)


def _type_code(page: Any, code: str) -> None:
    page.goto("/activate/")
    page.get_by_label("Activation code").fill(code)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state("networkidle")


def test_a_guardian_activates_with_a_code_end_to_end(page: Any, world: World) -> None:
    world.parent.set_unusable_password()
    world.parent.save(update_fields=["password"])
    code = activation_codes_issue(guardians=[world.parent], created_by=None)[world.parent.pk]
    page.goto("/accounts/login/")
    page.get_by_role("link", name="activate your account").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Activate your parent account"
    screenshot(page, "activate-code")
    _no_serious(page)
    _type_code(page, " " + code.lower().replace("-", " ") + " ")
    assert page.get_by_role("heading", level=1).inner_text() == "Choose your sign-in"
    page.get_by_label("Email address").fill("rivera.family@example.net")
    page.get_by_label("Username").fill("riveras")
    page.get_by_label("Password", exact=True).fill(CHOSEN)
    page.get_by_label("Password again").fill(CHOSEN)
    screenshot(page, "activate-choose")
    _no_serious(page)
    page.get_by_role("button", name="Activate my account").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/family/")
    assert world.student.first_name in page.content()
    screenshot(page, "activate-landed-family")

    # Signed out, the chosen sign-in works; the code does not a second time.
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill("rivera.family@example.net")
    page.get_by_label("Password", exact=True).fill(CHOSEN)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/family/")
    page.context.clear_cookies()
    _type_code(page, code)
    assert "not valid or has expired" in page.locator("#id_code_errors").inner_text()


@pytest.mark.parametrize("kind", ["used", "expired", "mistyped"])
def test_refused_codes_say_the_same(page: Any, world: World, kind: str) -> None:
    if kind == "expired":
        long_ago = timezone.now() - datetime.timedelta(days=90)
        codes = activation_codes_issue(guardians=[world.parent], created_by=None, now=long_ago)
        code = codes[world.parent.pk]
    elif kind == "used":
        code = activation_codes_issue(guardians=[world.parent], created_by=None)[world.parent.pk]
        world.parent.activation_codes.update(used_at=timezone.now())
    else:
        code = "K7QX-M4RT-W9HP"
    _type_code(page, code)
    error = page.locator("#id_code_errors").inner_text()
    assert error.startswith("This activation code is not valid or has expired.")
    assert page.get_by_label("Activation code").get_attribute("aria-invalid") == "true"
    screenshot(page, f"activate-refused-{kind}")
    _no_serious(page)


def test_sign_in_page_with_google_and_clever_buttons(page: Any, world: World) -> None:
    SocialApp.objects.create(provider="google", name="Google", client_id="g", secret="s")
    SocialApp.objects.create(provider="clever", name="Clever", client_id="c", secret="s")
    page.goto("/accounts/login/")
    assert page.get_by_role("button", name="Sign in with Google").is_visible()
    assert page.get_by_role("button", name="Sign in with Clever").is_visible()
    screenshot(page, "sign-in-with-providers")
    _no_serious(page)


def test_the_leaders_letters_page(page: Any, world: World) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill("leader")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    page.goto("/activation/letters/")
    page.get_by_role("link", name="Adams Middle").click()
    page.wait_for_load_state("networkidle")
    assert world.parent.sort_name in page.content()
    screenshot(page, "activation-letters-school")
    _no_serious(page)
    with page.expect_download() as download:
        page.get_by_role("button", name=f"Letter for {world.parent.display_name}").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")
