"""Every route × every persona: 200 for their own pages and data, 403 for another role's
home page, 404 (never 403) for data they may not see, 302 to sign-in when signed out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World

PERSONAS = [
    "teacher",
    "other_teacher",
    "student",
    "other_student",
    "parent",
    "other_parent",
    "leader",
    "other_leader",
    "admin",
]
HOMES = {
    "teacher_home": {"teacher", "other_teacher"},
    "student_home": {"student", "other_student"},
    "family_home": {"parent", "other_parent"},
    "leader_home": {"leader", "other_leader"},
    "district_home": {"admin"},
}
PERSONA_HOME = {persona: url_name for url_name, personas in HOMES.items() for persona in personas}
SECTION_PAGES = {
    "section": {"teacher", "student", "parent", "leader", "admin"},
    "other_section": {"other_teacher", "other_student", "other_parent", "leader", "admin"},
    "school_b_section": {"other_leader", "admin"},
}
STUDENT_PAGES = {
    "student": {"teacher", "student", "parent", "leader", "admin"},
    "other_student": {"other_teacher", "other_student", "other_parent", "leader", "admin"},
    "school_b_student": {"other_leader", "admin"},
}


def signed_in(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(getattr(world, persona))
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_home_sends_each_persona_to_their_role_home(world: World, persona: str) -> None:
    response = signed_in(world, persona).get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse(PERSONA_HOME[persona])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("url_name", sorted(HOMES))
def test_role_home_pages(world: World, persona: str, url_name: str) -> None:
    response = signed_in(world, persona).get(reverse(url_name))
    assert response.status_code == (200 if persona in HOMES[url_name] else 403)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("target", sorted(SECTION_PAGES))
def test_section_pages(world: World, persona: str, target: str) -> None:
    section = getattr(world, target)
    response = signed_in(world, persona).get(reverse("section_detail", args=[section.pk]))
    assert response.status_code == (200 if persona in SECTION_PAGES[target] else 404)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("target", sorted(STUDENT_PAGES))
def test_student_pages(world: World, persona: str, target: str) -> None:
    student = getattr(world, target)
    response = signed_in(world, persona).get(reverse("student_detail", args=[student.pk]))
    assert response.status_code == (200 if persona in STUDENT_PAGES[target] else 404)
    if response.status_code == 404:
        assert student.display_name not in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/teacher/",
        "/student/",
        "/family/",
        "/leader/",
        "/district/",
        "/classes/1/",
        "/students/1/",
    ],
)
def test_signed_out_visitors_are_sent_to_sign_in(db: None, client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_switch_role_needs_sign_in_and_post(world: World, client: Client) -> None:
    assert client.post(reverse("switch_role"), {"role": "teacher"}).status_code == 302
    client.force_login(world.teacher)
    assert client.get(reverse("switch_role")).status_code == 405


def test_unknown_pages_are_a_friendly_404(world: World) -> None:
    response = signed_in(world, "teacher").get("/classes/999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_other_roles_page_is_a_friendly_403(world: World) -> None:
    response = signed_in(world, "student").get(reverse("teacher_home"))
    assert response.status_code == 403
    assert "not available to you" in response.content.decode()


def test_about_page_is_public(db: None, client: Client) -> None:
    assert client.get(reverse("about")).status_code == 200
