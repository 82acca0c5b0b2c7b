"""A teacher builds a grade 6 curriculum map in the browser, without JavaScript."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.standards import services
from masterly.standards.models import CurriculumMap, Framework, Standard, Unit, UnitStandard
from masterly.standards.selectors import curriculum_map_standards
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def test_a_teacher_builds_a_grade_6_map(world: World, ccss: Framework) -> None:
    client = signed_in(world.teacher)
    course = world.section.course

    form = client.get(reverse("curriculum_map_create"))
    assert form.status_code == 200
    assert f'value="{course.pk}"' in form.content.decode()
    assert f'value="{world.school_b_section.course.pk}"' not in form.content.decode()

    created = client.post(
        reverse("curriculum_map_create"),
        {"title": "Math 6 2026–27", "course": course.pk, "scope": "teacher", "framework": ccss.pk},
    )
    curriculum_map = CurriculumMap.objects.get()
    assert created["Location"] == reverse("curriculum_map", args=[curriculum_map.pk])
    assert curriculum_map.owner == world.teacher

    for title in ("Ratios and Proportional Relationships", "The Number System"):
        response = client.post(
            reverse("curriculum_map_unit_add", args=[curriculum_map.pk]), {"title": title}
        )
        assert response.status_code == 302
    ratios, numbers = Unit.objects.order_by("position")

    add = reverse("curriculum_map_standard_add", args=[ratios.pk])
    for code in ("6.RP.A.1", "6.RP.A.2", "6.RP.A.3"):
        assert client.post(add, {"code": code}).status_code == 302

    unknown = client.post(add, {"code": "6.RP.A.9"})
    assert unknown.status_code == 400
    assert "No standard has the code “6.RP.A.9” in Common Core State Standards for Math" in (
        unknown.content.decode()
    )
    twice = client.post(add, {"code": "6.RP.A.1"})
    assert twice.status_code == 400
    assert "6.RP.A.1 is already in the unit “Ratios and Proportional Relationships”" in (
        twice.content.decode()
    )

    # Search and pick: the browser's "Add" returns to the search results.
    search = client.get(reverse("standards_browser"), {"unit": numbers.pk, "q": "6.NS.A.1"})
    assert "Choosing standards for the unit “The Number System”" in search.content.decode()
    picked = Standard.objects.get(human_coding_scheme="6.NS.A.1")
    back_to = reverse("standards_browser") + f"?unit={numbers.pk}&q=6.NS.A.1"
    response = client.post(
        reverse("curriculum_map_standard_add", args=[numbers.pk]),
        {"standard": picked.pk, "next": back_to},
    )
    assert response["Location"] == back_to
    assert client.post(
        reverse("curriculum_map_standard_add", args=[numbers.pk]),
        {"standard": picked.pk, "next": "https://evil.example/"},
    )["Location"].startswith(reverse("curriculum_map", args=[curriculum_map.pk]))

    # Reorder, flag, remove: plain forms with buttons.
    third = UnitStandard.objects.get(unit=ratios, standard__human_coding_scheme="6.RP.A.3")
    client.post(reverse("curriculum_map_standard_move", args=[third.pk]), {"direction": "up"})
    client.post(reverse("curriculum_map_standard_power", args=[third.pk]), {"is_power": "1"})
    first = UnitStandard.objects.get(unit=ratios, standard__human_coding_scheme="6.RP.A.1")
    client.post(reverse("curriculum_map_standard_remove", args=[first.pk]))
    client.post(reverse("curriculum_map_unit_move", args=[numbers.pk]), {"direction": "up"})
    client.post(reverse("curriculum_map_unit_rename", args=[ratios.pk]), {"title": "Ratios"})

    assert [
        (row.unit.title, row.standard.human_coding_scheme, row.is_power)
        for row in curriculum_map_standards(curriculum_map)
    ] == [
        ("The Number System", "6.NS.A.1", False),
        ("Ratios", "6.RP.A.3", True),
        ("Ratios", "6.RP.A.2", False),
    ]
    page = client.get(reverse("curriculum_map", args=[curriculum_map.pk])).content.decode()
    assert "Unit 1: The Number System" in page and "Unit 2: Ratios" in page
    assert "★ Power" in page and "Unflag power" in page

    # Deleting asks first.
    confirm = client.get(reverse("curriculum_map_delete", args=[curriculum_map.pk]))
    assert "Delete the curriculum map “Math 6 2026–27”?" in confirm.content.decode()
    assert CurriculumMap.objects.exists()
    gone = client.post(reverse("curriculum_map_delete", args=[curriculum_map.pk]))
    assert gone["Location"] == reverse("curriculum_maps")
    assert not CurriculumMap.objects.exists()


def test_a_unit_is_removed_after_confirming(world: World, ccss: Framework) -> None:
    curriculum_map = services.curriculum_map_create(
        actor=world.teacher, course=world.section.course, title="M", scope="teacher"
    )
    unit = services.unit_create(actor=world.teacher, curriculum_map=curriculum_map, title="Old")
    client = signed_in(world.teacher)
    confirm = client.get(reverse("curriculum_map_unit_delete", args=[unit.pk]))
    assert "Delete the unit “Old”?" in confirm.content.decode()
    client.post(reverse("curriculum_map_unit_delete", args=[unit.pk]))
    assert not Unit.objects.exists()


def test_errors_in_forms_are_shown_where_they_happened(world: World, ccss: Framework) -> None:
    client = signed_in(world.teacher)
    empty = client.post(reverse("curriculum_map_create"), {})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()
    curriculum_map = services.curriculum_map_create(
        actor=world.teacher, course=world.section.course, title="M", scope="teacher"
    )
    blank = client.post(reverse("curriculum_map_unit_add", args=[curriculum_map.pk]), {"title": ""})
    assert blank.status_code == 400 and "This field is required." in blank.content.decode()


def test_another_teacher_may_view_and_copy_but_not_change(world: World, ccss: Framework) -> None:
    curriculum_map = services.curriculum_map_create(
        actor=world.teacher, course=world.section.course, title="Tess's map", scope="teacher"
    )
    unit = services.unit_create(actor=world.teacher, curriculum_map=curriculum_map, title="U")
    row = services.unit_standard_add_by_code(actor=world.teacher, unit=unit, code="6.RP.A.1")
    client = signed_in(world.other_teacher)

    page = client.get(reverse("curriculum_map", args=[curriculum_map.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "This is another teacher's map. Copy it to make your own version." in text
    assert reverse("curriculum_map_unit_add", args=[curriculum_map.pk]) not in text

    for url, data in [
        (reverse("curriculum_map_unit_add", args=[curriculum_map.pk]), {"title": "X"}),
        (reverse("curriculum_map_standard_add", args=[unit.pk]), {"code": "6.RP.A.2"}),
        (reverse("curriculum_map_standard_power", args=[row.pk]), {"is_power": "1"}),
        (reverse("curriculum_map_standard_remove", args=[row.pk]), {}),
        (reverse("curriculum_map_unit_move", args=[unit.pk]), {"direction": "up"}),
        (reverse("curriculum_map_delete", args=[curriculum_map.pk]), {}),
    ]:
        assert client.post(url, data).status_code == 403, url
    for url in (
        reverse("curriculum_map_edit", args=[curriculum_map.pk]),
        reverse("curriculum_map_delete", args=[curriculum_map.pk]),
        reverse("curriculum_map_unit_delete", args=[unit.pk]),
    ):
        assert client.get(url).status_code == 403, url

    copied = client.post(
        reverse("curriculum_map_copy", args=[curriculum_map.pk]),
        {"title": "Omar's copy", "scope": "teacher"},
    )
    copy = CurriculumMap.objects.get(title="Omar's copy")
    assert copied["Location"] == reverse("curriculum_map", args=[copy.pk])
    assert copy.owner == world.other_teacher and copy.units.get().unit_standards.count() == 1


def test_students_and_parents_may_view_maps_but_not_make_them(
    world: World, ccss: Framework
) -> None:
    curriculum_map = services.curriculum_map_create(
        actor=world.admin, course=world.section.course, title="District", scope="district"
    )
    client = signed_in(world.student)
    assert client.get(reverse("curriculum_map", args=[curriculum_map.pk])).status_code == 200
    listing = client.get(reverse("curriculum_maps")).content.decode()
    assert "District" in listing and reverse("curriculum_map_create") not in listing
    refused = client.get(reverse("curriculum_map_create"))
    assert refused.status_code == 302
    copy = reverse("curriculum_map_copy", args=[curriculum_map.pk])
    assert client.post(copy, {"title": "x", "scope": "teacher"}).status_code == 403
    assert CurriculumMap.objects.count() == 1


def test_signed_out_people_are_sent_to_sign_in(world: World) -> None:
    for url in (reverse("curriculum_maps"), reverse("curriculum_map_create")):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_map_page_costs_the_same_queries_for_3_or_25_standards(
    world: World, ccss: Framework
) -> None:
    def build(count: int) -> CurriculumMap:
        curriculum_map = services.curriculum_map_create(
            actor=world.admin,
            course=world.section.course,
            title=f"{count}",
            scope="district",
            framework=ccss,
        )
        unit = services.unit_create(actor=world.admin, curriculum_map=curriculum_map, title="U")
        for standard in Standard.objects.filter(item_type="Standard")[:count]:
            services.unit_standard_add(actor=world.admin, unit=unit, standard=standard)
        return curriculum_map

    small, large = build(3), build(25)
    client = signed_in(world.admin)

    def queries(curriculum_map: CurriculumMap) -> int:
        client.get(reverse("curriculum_map", args=[curriculum_map.pk]))
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("curriculum_map", args=[curriculum_map.pk])).status_code == 200
            )
        return len(captured)

    assert queries(small) == queries(large)


def test_a_standard_page_adds_it_to_a_chosen_unit(world: World, ccss: Framework) -> None:
    curriculum_map = services.curriculum_map_create(
        actor=world.teacher, course=world.section.course, title="M", scope="teacher"
    )
    unit = services.unit_create(actor=world.teacher, curriculum_map=curriculum_map, title="U")
    standard = Standard.objects.get(human_coding_scheme="6.EE.A.1")
    client = signed_in(world.teacher)
    page = client.get(reverse("standards_standard", args=[standard.pk])).content.decode()
    assert "Add to a unit of your curriculum maps" in page
    client.post(reverse("standards_add_to_unit", args=[standard.pk]), {"unit": unit.pk})
    assert unit.unit_standards.get().standard == standard
    other = signed_in(world.other_teacher)
    assert (
        other.post(
            reverse("standards_add_to_unit", args=[standard.pk]), {"unit": unit.pk}
        ).status_code
        == 403
    )
