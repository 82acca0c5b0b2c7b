"""Who opens which tracker: every persona against a tracker of school A and one of school B,
through the selector and through every page that shows a tracker's students (the grid and
its printed form, a cell's drill-down, reteach groups and the CSV export).

Leaders see their school's trackers and district admins every school's, read-only; a leader
of school A sees nothing of school B's.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from masterly.accounts.models import User
from masterly.trackers import services
from masterly.trackers.models import Tracker
from masterly.trackers.selectors.trackers import visible_trackers
from tests.assessment_factories import StandardFactory
from tests.conftest import World

PERSONAS = [
    "teacher",
    "other_teacher",
    "student",
    "parent",
    "leader",
    "other_leader",
    "admin",
]
OPENS = {
    "teacher": {"a"},
    "other_teacher": set(),
    "student": set(),
    "parent": set(),
    "leader": {"a"},
    "other_leader": {"b"},
    "admin": {"a", "b"},
}


@pytest.fixture
def trackers(world: World) -> dict[str, tuple[Tracker, int, int]]:
    """A tracker at each school, with a student of it and its standard."""
    standard = StandardFactory(human_coding_scheme="6.RP.A.1")
    school_b_teacher = User.objects.get(username="school_b_teacher")
    built = {}
    for key, section, student, owner in (
        ("a", world.section, world.student, world.teacher),
        ("b", world.school_b_section, world.school_b_student, school_b_teacher),
    ):
        tracker = services.tracker_create(
            actor=None, name=f"Tracker {key}", owner=owner, sections=[section], standards=[standard]
        )
        built[key] = (tracker, student.pk, standard.pk)
    return built


def pages_of(tracker: Tracker, student_id: int, standard_id: int) -> list[str]:
    return [
        reverse("tracker_grid", args=[tracker.pk]),
        reverse("tracker_grid", args=[tracker.pk]) + "?colours=colour_blind_safe",
        reverse("tracker_cell", args=[tracker.pk, student_id, standard_id]),
        reverse("tracker_reteach_groups", args=[tracker.pk, standard_id]),
        reverse("tracker_export", args=[tracker.pk]),
        reverse("tracker_settings", args=[tracker.pk]),
    ]


@pytest.mark.parametrize("persona", PERSONAS)
def test_who_opens_which_tracker(
    world: World, trackers: dict[str, tuple[Tracker, int, int]], persona: str
) -> None:
    user = getattr(world, persona)
    ids = set(visible_trackers(user).values_list("pk", flat=True))
    assert {key for key, (tracker, _, _) in trackers.items() if tracker.pk in ids} == OPENS[persona]
    client = Client()
    client.force_login(user)
    for key, (tracker, student_id, standard_id) in trackers.items():
        expected = 200 if key in OPENS[persona] else 404
        for address in pages_of(tracker, student_id, standard_id):
            assert client.get(address).status_code == expected, (persona, address)


def test_a_leader_lists_only_their_schools_trackers(
    world: World, trackers: dict[str, tuple[Tracker, int, int]]
) -> None:
    for persona, names in (
        ("leader", ["Tracker a"]),
        ("other_leader", ["Tracker b"]),
        ("admin", ["Tracker a", "Tracker b"]),
    ):
        client = Client()
        client.force_login(getattr(world, persona))
        response = client.get(reverse("tracker_list"))
        assert response.status_code == 200, persona
        rows = [row.tracker.name for row in response.context["page"].object_list]
        assert rows == names, persona
