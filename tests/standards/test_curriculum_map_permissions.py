"""Who may change which curriculum map: decided by the services, whatever calls them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.accounts.models import User
from masterly.standards import services
from masterly.standards.models import CurriculumMap, Framework, Standard, Unit
from tests.case.case_packages import load, small_package
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework(db: None) -> Framework:
    return load(small_package())


def _map(world: World, owner: User, scope: str, framework: Framework) -> CurriculumMap:
    curriculum_map = services.curriculum_map_create(
        actor=owner, course=world.section.course, title="Map", scope=scope, framework=framework
    )
    unit = services.unit_create(actor=owner, curriculum_map=curriculum_map, title="Unit A")
    services.unit_create(actor=owner, curriculum_map=curriculum_map, title="Unit B")
    services.unit_standard_add_by_code(actor=owner, unit=unit, code="6.RP.A.1")
    services.unit_standard_add_by_code(actor=owner, unit=unit, code="6.RP.A.2")
    return curriculum_map


def _first_unit(curriculum_map: CurriculumMap) -> Unit:
    return curriculum_map.units.order_by("position").first()  # type: ignore[return-value]


EDITS: dict[str, Callable[[Any, CurriculumMap], object]] = {
    "rename the map": lambda actor, m: services.curriculum_map_update(
        actor=actor, curriculum_map=m, title="New"
    ),
    "delete the map": lambda actor, m: services.curriculum_map_delete(
        actor=actor, curriculum_map=m
    ),
    "add a unit": lambda actor, m: services.unit_create(actor=actor, curriculum_map=m, title="X"),
    "rename a unit": lambda actor, m: services.unit_rename(
        actor=actor, unit=_first_unit(m), title="Y"
    ),
    "move a unit": lambda actor, m: services.unit_move(
        actor=actor, unit=_first_unit(m), direction="down"
    ),
    "delete a unit": lambda actor, m: services.unit_delete(actor=actor, unit=_first_unit(m)),
    "add a standard": lambda actor, m: services.unit_standard_add(
        actor=actor,
        unit=_first_unit(m),
        standard=Standard.objects.get(human_coding_scheme="6.RP.A.3"),
    ),
    "add a standard by code": lambda actor, m: services.unit_standard_add_by_code(
        actor=actor, unit=_first_unit(m), code="6.RP.A.3"
    ),
    "move a standard": lambda actor, m: services.unit_standard_move(
        actor=actor, unit_standard=_first_unit(m).unit_standards.first(), direction="down"
    ),
    "flag a power standard": lambda actor, m: services.unit_standard_set_power(
        actor=actor, unit_standard=_first_unit(m).unit_standards.first(), is_power=True
    ),
    "remove a standard": lambda actor, m: services.unit_standard_remove(
        actor=actor, unit_standard=_first_unit(m).unit_standards.first()
    ),
}

# (map's owner, scope, person acting, allowed?)
MATRIX = [
    ("teacher", "teacher", "teacher", True),
    ("teacher", "teacher", "other_teacher", False),
    ("teacher", "teacher", "admin", False),
    ("teacher", "teacher", "leader", False),
    ("teacher", "teacher", "student", False),
    ("teacher", "teacher", "parent", False),
    ("admin", "district", "admin", True),
    ("admin", "district", "teacher", False),
    ("admin", "district", "leader", False),
    ("admin", "district", "student", False),
]


@pytest.mark.parametrize("edit", list(EDITS))
@pytest.mark.parametrize(("owner", "scope", "actor", "allowed"), MATRIX)
def test_who_may_edit_which_map(
    world: World, framework: Framework, owner: str, scope: str, actor: str, allowed: bool, edit: str
) -> None:
    curriculum_map = _map(world, getattr(world, owner), scope, framework)
    act = EDITS[edit]
    if allowed:
        act(getattr(world, actor), curriculum_map)
        return
    message = (
        "Only district admins can change a district curriculum map"
        if scope == "district"
        else "Only the teacher who owns this curriculum map can change it"
    )
    with pytest.raises(PermissionDenied, match=message):
        act(getattr(world, actor), curriculum_map)
    assert CurriculumMap.objects.filter(pk=curriculum_map.pk, title="Map").exists()


def test_only_district_admins_create_district_maps(world: World) -> None:
    with pytest.raises(PermissionDenied, match="Only district admins can create district"):
        services.curriculum_map_create(
            actor=world.teacher, course=world.section.course, title="D", scope="district"
        )
    services.curriculum_map_create(
        actor=world.admin, course=world.section.course, title="D", scope="district"
    )


@pytest.mark.parametrize("who", ["leader", "student", "parent"])
def test_only_teachers_create_their_own_maps(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied, match="Only teachers can create their own"):
        services.curriculum_map_create(
            actor=getattr(world, who), course=world.section.course, title="T", scope="teacher"
        )


def test_a_teacher_maps_only_courses_of_their_school(world: World) -> None:
    other_school_course = world.school_b_section.course
    with pytest.raises(PermissionDenied, match="You cannot build a curriculum map for Math 6"):
        services.curriculum_map_create(
            actor=world.teacher, course=other_school_course, title="T", scope="teacher"
        )


def test_anyone_who_may_make_maps_may_copy_any_map(world: World, framework: Framework) -> None:
    district = _map(world, world.admin, "district", framework)
    mine = services.curriculum_map_copy(actor=world.other_teacher, curriculum_map=district)
    assert mine.scope == "teacher" and mine.owner == world.other_teacher
    assert mine.copied_from == district
    services.unit_create(actor=world.other_teacher, curriculum_map=mine, title="Mine now")
    with pytest.raises(PermissionDenied, match="Only teachers and district admins can copy"):
        services.curriculum_map_copy(actor=world.student, curriculum_map=district)


ROLES_QUERY_START = 'SELECT "roster_roleassignment"."role" AS "role" FROM "roster_roleassignment"'


def test_a_map_page_asking_several_times_looks_roles_up_once(world: World) -> None:
    """The new-map page asks "district admin?" and "teacher?" several times (the page, its
    form's scopes and courses): the roles are read in one query, remembered on the user."""
    client = Client()
    assert client.login(username=world.admin.username, password=PASSWORD)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("curriculum_map_create"))
    assert page.status_code == 200
    assert 'value="district"' in page.content.decode()
    role_lookups = [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith(ROLES_QUERY_START)
    ]
    assert len(role_lookups) == 1, role_lookups
