"""Who sees whom: every persona against their own and everyone else's students and sections.

The expectations are written out by hand, persona by persona, so a change in the rules shows
up here as a diff a reviewer can read.
"""

from __future__ import annotations

import contextlib

import pytest
from django.http import Http404

from masterly.roster import access
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
STUDENTS = ["student", "other_student", "school_b_student"]
SECTIONS = ["section", "other_section", "school_b_section"]

SEES_STUDENTS = {
    "teacher": {"student"},
    "other_teacher": {"other_student"},
    "student": {"student"},
    "other_student": {"other_student"},
    "parent": {"student"},
    "other_parent": {"other_student"},
    "leader": {"student", "other_student"},
    "other_leader": {"school_b_student"},
    "admin": {"student", "other_student", "school_b_student"},
}
SEES_SECTIONS = {
    "teacher": {"section"},
    "other_teacher": {"other_section"},
    "student": {"section"},
    "other_student": {"other_section"},
    "parent": {"section"},
    "other_parent": {"other_section"},
    "leader": {"section", "other_section"},
    "other_leader": {"school_b_section"},
    "admin": {"section", "other_section", "school_b_section"},
}


def names(world: World, objects: object, candidates: list[str]) -> set[str]:
    ids = {obj.pk for obj in objects}  # type: ignore[attr-defined]
    return {name for name in candidates if getattr(world, name).pk in ids}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_exactly_their_students(world: World, persona: str) -> None:
    user = getattr(world, persona)
    assert names(world, access.visible_students(user), STUDENTS) == SEES_STUDENTS[persona]
    # Nobody else turns up either (teachers, parents, leaders are not "students").
    assert access.visible_students(user).count() == len(SEES_STUDENTS[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_exactly_their_sections(world: World, persona: str) -> None:
    user = getattr(world, persona)
    assert names(world, access.visible_sections(user), SECTIONS) == SEES_SECTIONS[persona]
    assert access.visible_sections(user).count() == len(SEES_SECTIONS[persona])


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("target", STUDENTS)
def test_student_lookup_by_id(world: World, persona: str, target: str) -> None:
    user, student = getattr(world, persona), getattr(world, target)
    allowed = target in SEES_STUDENTS[persona]
    assert access.can_see_student(user, student) is allowed
    assert access.can_see_student(user, student.pk) is allowed
    if allowed:
        assert access.get_student_or_404(user, student.pk) == student
    else:
        with pytest.raises(Http404):
            access.get_student_or_404(user, student.pk)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("target", SECTIONS)
def test_section_lookup_by_id(world: World, persona: str, target: str) -> None:
    user, section = getattr(world, persona), getattr(world, target)
    allowed = target in SEES_SECTIONS[persona]
    assert access.can_see_section(user, section) is allowed
    if allowed:
        assert access.access_section(user, section.pk) == section
    else:
        with pytest.raises(Http404):
            access.access_section(user, section.pk)


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_check_is_one_query(
    world: World, persona: str, django_assert_num_queries: object
) -> None:
    user = getattr(world, persona)
    with django_assert_num_queries(1):  # type: ignore[operator]
        list(access.visible_students(user))
    with django_assert_num_queries(1):  # type: ignore[operator]
        list(access.visible_sections(user))
    with django_assert_num_queries(1):  # type: ignore[operator]
        access.can_see_student(user, world.student)
    with django_assert_num_queries(1), contextlib.suppress(Http404):  # type: ignore[operator]
        access.access_section(user, world.section.pk)


def test_unknown_or_malformed_ids_are_404(world: World) -> None:
    for bad in (999_999, "abc", None):
        with pytest.raises(Http404):
            access.get_student_or_404(world.admin, bad)  # type: ignore[arg-type]
        with pytest.raises(Http404):
            access.access_section(world.admin, bad)  # type: ignore[arg-type]


def test_a_teacher_is_not_a_student_to_anyone(world: World) -> None:
    for persona in PERSONAS:
        assert not access.can_see_student(getattr(world, persona), world.teacher)


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("leader", {"school"}),
        ("other_leader", {"school_b"}),
        ("admin", {"school", "school_b"}),
        ("teacher", set()),
        ("parent", set()),
        ("student", set()),
    ],
)
def test_visible_schools(world: World, persona: str, expected: set[str]) -> None:
    schools = access.visible_schools(getattr(world, persona))
    assert names(world, schools, ["school", "school_b"]) == expected
    assert schools.count() == len(expected)
