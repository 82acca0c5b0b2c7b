"""In Chromium: the teacher resets the whole class's passwords from the class page and gets
printable cards; a student signs in with their card and chooses a password. Screenshots are
taken and axe finds nothing serious on the pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from masterly.accounts.temporary_passwords import ALPHABET
from tests.browser import conftest as shared
from tests.browser.conftest import screenshot
from tests.browser.test_browser_sign_in import assert_no_serious_violations, sign_in
from tests.conftest import World

pytestmark = pytest.mark.browser
_browser_test_setup = shared._browser_test_setup
browser = shared.browser
page = shared.page


def test_the_teacher_prints_cards_and_the_student_signs_in_with_one(
    page: Any, world: World
) -> None:
    sign_in(page, "teacher")
    page.goto(reverse("section_detail", args=[world.section.pk]))
    page.get_by_role("link", name="Reset students' passwords or print sign-in cards").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Students' passwords"
    screenshot(page, "student-passwords-class")
    assert_no_serious_violations(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Reset every password and print cards").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Sign-in cards"
    assert page.get_by_role("button", name="Print the cards").is_visible()
    card = page.locator(".password-card").filter(has_text=world.student.username)
    code = card.locator(".password-card__code [aria-hidden=true]").inner_text()
    code = re.sub(r"\s", "", code)
    assert re.fullmatch(rf"[{ALPHABET}]{{8}}", code), code
    screenshot(page, "student-passwords-cards")
    assert_no_serious_violations(page)
    page.emulate_media(media="print")
    assert not page.locator(".site-header").is_visible()
    screenshot(page, "student-passwords-cards-print")
    page.emulate_media(media="screen")

    page.context.clear_cookies()
    sign_in(page, world.student.username, code)
    assert page.get_by_role("heading", level=1).inner_text() == "Choose your password"
    screenshot(page, "student-passwords-choose")
    assert_no_serious_violations(page)
    page.get_by_label("New password", exact=True).fill("purple-otter-climbs-42")
    page.get_by_label("New password confirmation").fill("purple-otter-climbs-42")
    page.get_by_role("button", name="Save my password").click()
    page.wait_for_load_state("networkidle")
    assert "Your new password is saved." in page.content()
    assert page.url.endswith(reverse("student_home"))
