"""The navigation shows each role its own links: students and families never see the staff
pages (Trackers, Standards, Curriculum maps…); teachers and leaders do."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import World

STAFF_LINKS = ("standards_browser", "curriculum_maps", "tracker_list", "item_bank")


def nav(world: World, persona: str) -> str:
    client = Client()
    client.force_login(getattr(world, persona))
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    return html.split("<nav", 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_families_see_no_staff_links(world: World, persona: str) -> None:
    links = nav(world, persona)
    assert "Home" in links
    for name in STAFF_LINKS:
        assert f'href="{reverse(name)}"' not in links, name
    assert "Standards" not in links and "Curriculum maps" not in links


@pytest.mark.parametrize("persona", ["teacher", "leader"])
def test_staff_see_the_standards_and_curriculum_maps(world: World, persona: str) -> None:
    links = nav(world, persona)
    for name in STAFF_LINKS:
        assert f'href="{reverse(name)}"' in links, name
