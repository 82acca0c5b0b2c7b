"""In a real browser: each persona signs in through the form and lands on their home page;
bad passwords show the error; a two-role person switches; axe finds nothing serious."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from masterly.roster.models import Role
from tests import factories as f
from tests.browser.conftest import screenshot, serious_violations
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

HOMES = {
    "teacher": ("teacher_home", "My mastery trackers"),
    "student": ("student_home", "My classes"),
    "parent": ("family_home", "My children"),
    "leader": ("leader_home", "Adams Middle"),
    "admin": ("district_home", "District overview"),
}


def sign_in(page: Any, login: str, password: str = PASSWORD) -> None:
    page.goto(reverse("account_login"))
    page.get_by_label("Username or email address").fill(login)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def assert_no_serious_violations(page: Any) -> None:
    found = serious_violations(page)
    assert not found, "axe found serious or critical problems:\n" + "\n".join(found)


def test_sign_in_page(page: Any, world: World) -> None:
    page.goto(reverse("account_login"))
    assert page.title() == "Sign in · Masterly"
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in to Masterly"
    screenshot(page, "sign-in")
    assert_no_serious_violations(page)


@pytest.mark.parametrize("persona", sorted(HOMES))
def test_each_persona_signs_in_and_lands_home(page: Any, world: World, persona: str) -> None:
    url_name, heading = HOMES[persona]
    sign_in(page, persona)
    assert page.url == page.context.pages[0].url  # one tab
    assert re.fullmatch(rf"https?://[^/]+{reverse(url_name)}", page.url), page.url
    assert page.get_by_role("heading", level=1).first.inner_text() == heading
    screenshot(page, f"home-{persona}")
    assert_no_serious_violations(page)


def test_sign_in_by_email_address(page: Any, world: World) -> None:
    sign_in(page, world.parent.email)
    assert page.url.endswith(reverse("family_home"))


def test_bad_password_shows_the_error(page: Any, world: World) -> None:
    sign_in(page, "teacher", "not-the-password")
    assert page.url.endswith(reverse("account_login"))
    alert = page.get_by_role("alert")
    assert "not correct" in alert.inner_text()
    assert page.get_by_label("Username or email address").input_value() == "teacher"
    screenshot(page, "sign-in-bad-password")
    assert_no_serious_violations(page)


def test_two_role_person_switches_role(page: Any, world: World) -> None:
    f.RoleAssignmentFactory(user=world.teacher, role=Role.GUARDIAN, org=world.school)
    f.GuardianLinkFactory(guardian=world.teacher, student=world.other_student)
    sign_in(page, "teacher")
    assert page.url.endswith(reverse("teacher_home"))
    switcher = page.get_by_label("Acting as")
    assert switcher.input_value() == "teacher"
    # The script submits on change; the fallback button is hidden.
    assert not page.get_by_role("button", name="Switch").is_visible()
    with page.expect_navigation():
        switcher.select_option("guardian")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("family_home"))
    assert page.get_by_role("heading", level=1).inner_text() == "My children"
    assert world.other_student.display_name in page.inner_text("main")
    assert page.get_by_label("Acting as").input_value() == "guardian"
    screenshot(page, "switched-to-parent")
    # Home now follows the chosen role.
    page.goto("/")
    assert page.url.endswith(reverse("family_home"))


def test_sign_out(page: Any, world: World) -> None:
    sign_in(page, "student")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("account_login"))
    page.goto(reverse("student_home"))
    assert reverse("account_login") in page.url


def test_pages_of_a_class_and_a_student(page: Any, world: World) -> None:
    sign_in(page, "teacher")
    page.get_by_role("link", name=world.section.title).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith(world.section.title)
    screenshot(page, "section-page")
    assert_no_serious_violations(page)
    page.get_by_role("link", name=world.student.sort_name).click()
    assert page.get_by_role("heading", level=1).inner_text() == world.student.display_name
    assert_no_serious_violations(page)


@pytest.mark.parametrize(
    ("persona", "language", "links"),
    [
        ("teacher", "English", 6),
        ("teacher", "Español", 6),
        ("leader", "Español", 7),
        ("admin", "English", 10),
        ("student", "English", 1),
    ],
)
def test_the_page_links_of_a_wide_header_sit_on_one_row(
    page: Any, world: World, persona: str, language: str, links: int
) -> None:
    """At 1280 px, in either language, every page link is on one row, never wrapped partway:
    staff's links take a row of their own under the brand and the person's controls."""
    f.RoleAssignmentFactory(user=world.leader, role=Role.TEACHER, org=world.school)
    sign_in(page, persona)
    if language != "English":
        page.get_by_role("button", name=language).click()
        page.wait_for_load_state()
    nav = page.get_by_role("navigation", name=re.compile("^(Main|Principal)$")).get_by_role("link")
    assert nav.count() == links
    tops = {round(link.bounding_box()["y"]) for link in nav.all()}
    assert len(tops) == 1, f"the links wrap onto {len(tops)} rows"
    brand = page.get_by_role("link", name="Masterly").bounding_box()
    assert (tops.pop() > brand["y"] + brand["height"] / 2) is (links > 1)
    screenshot(page, f"header-{persona}-{language}")


@pytest.mark.parametrize("persona", ["teacher", "parent", "leader", "admin"])
def test_phone_layout(phone_page: Any, world: World, persona: str) -> None:
    f.RoleAssignmentFactory(user=world.leader, role=Role.TEACHER, org=world.school)
    sign_in(phone_page, persona)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    screenshot(phone_page, f"phone-{persona}")
    assert_no_serious_violations(phone_page)


def test_phone_sign_in(phone_page: Any, world: World) -> None:
    phone_page.goto(reverse("account_login"))
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "phone-sign-in")


def test_richer_pages_on_a_phone(phone_page: Any, world: World) -> None:
    """Archived classes, several teachers and the switcher, at 390px wide."""
    import datetime

    from masterly.roster.models import Enrollment

    last_year = f.TermFactory(
        title="Spring 2026",
        start_date=datetime.date(2026, 1, 5),
        end_date=datetime.date(2026, 6, 1),
    )
    old = f.SectionFactory(
        course=world.section.course, title="Math 5 - Period 4", terms=[last_year]
    )
    f.EnrollmentFactory(user=world.other_teacher, section=old, role=Enrollment.Role.TEACHER)
    f.EnrollmentFactory(user=world.student, section=old)
    f.EnrollmentFactory(
        user=world.other_teacher, section=world.section, role=Enrollment.Role.TEACHER
    )
    sign_in(phone_page, "parent")
    phone_page.get_by_role("link", name="Archived Classes").click()
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "phone-parent-archived")
    assert_no_serious_violations(phone_page)


def test_error_and_no_role_pages(page: Any, world: World) -> None:
    nobody = f.UserFactory(username="nobody")
    sign_in(page, nobody.username)
    assert "nothing to show you here" in page.inner_text("main")
    screenshot(page, "no-role")
    assert_no_serious_violations(page)
    page.goto(reverse("teacher_home"))
    assert page.get_by_role("heading", level=1).inner_text() == "This page is not available to you"
    assert_no_serious_violations(page)
    page.goto("/classes/999999/")
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert_no_serious_violations(page)
