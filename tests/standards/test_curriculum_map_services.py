"""Building a curriculum map through the services: order, power standards, copies, errors."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from masterly.core.models import AuditEvent
from masterly.standards import services
from masterly.standards.models import CurriculumMap, Framework, Standard, Unit, UnitStandard
from masterly.standards.selectors import curriculum_map_standards, curriculum_map_units
from tests.case.case_packages import ids, load, small_package
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(world: World) -> CurriculumMap:
    framework = load(small_package())
    curriculum_map = services.curriculum_map_create(
        actor=world.teacher,
        course=world.section.course,
        title="  Math 6 — my map  ",
        scope="teacher",
        framework=framework,
    )
    for title in ("Ratios", "Rates", "Percent"):
        services.unit_create(actor=world.teacher, curriculum_map=curriculum_map, title=title)
    return curriculum_map


def units(curriculum_map: CurriculumMap) -> list[str]:
    return [view.unit.title for view in curriculum_map_units(curriculum_map)]


def placed(unit: Unit) -> list[str]:
    return [
        row.standard.human_coding_scheme
        for row in unit.unit_standards.select_related("standard").order_by("position", "id")
    ]


def test_a_map_is_created_with_a_clean_title_and_an_audit_row(built: CurriculumMap) -> None:
    assert built.title == "Math 6 — my map"
    assert built.scope == "teacher" and built.owner is not None
    assert AuditEvent.objects.filter(action="standards.curriculum_map_created").count() == 1
    assert AuditEvent.objects.filter(action="standards.unit_created").count() == 3


def test_units_move_up_and_down_and_stop_at_the_ends(world: World, built: CurriculumMap) -> None:
    rates = built.units.get(title="Rates")
    services.unit_move(actor=world.teacher, unit=rates, direction="up")
    assert units(built) == ["Rates", "Ratios", "Percent"]
    services.unit_move(actor=world.teacher, unit=rates, direction="up")  # already first
    assert units(built) == ["Rates", "Ratios", "Percent"]
    services.unit_move(actor=world.teacher, unit=built.units.get(title="Ratios"), direction="down")
    assert units(built) == ["Rates", "Percent", "Ratios"]


def test_standards_are_added_ordered_flagged_and_removed(
    world: World, built: CurriculumMap
) -> None:
    unit = built.units.get(title="Ratios")
    for code in ("6.RP.A.1", "6.RP.A.2", "6.RP.A.3"):
        services.unit_standard_add_by_code(actor=world.teacher, unit=unit, code=code)
    assert placed(unit) == ["6.RP.A.1", "6.RP.A.2", "6.RP.A.3"]

    third = unit.unit_standards.get(standard__human_coding_scheme="6.RP.A.3")
    services.unit_standard_move(actor=world.teacher, unit_standard=third, direction="up")
    assert placed(unit) == ["6.RP.A.1", "6.RP.A.3", "6.RP.A.2"]

    services.unit_standard_set_power(actor=world.teacher, unit_standard=third, is_power=True)
    third.refresh_from_db()
    assert third.is_power
    first = unit.unit_standards.get(standard__human_coding_scheme="6.RP.A.1")
    services.unit_standard_remove(actor=world.teacher, unit_standard=first)
    assert placed(unit) == ["6.RP.A.3", "6.RP.A.2"]
    assert [
        (row.unit.title, row.standard.human_coding_scheme, row.is_power)
        for row in curriculum_map_standards(built)
    ] == [("Ratios", "6.RP.A.3", True), ("Ratios", "6.RP.A.2", False)]


def test_a_standard_twice_in_a_unit_is_refused(world: World, built: CurriculumMap) -> None:
    unit = built.units.get(title="Ratios")
    services.unit_standard_add_by_code(actor=world.teacher, unit=unit, code="6.RP.A.1")
    with pytest.raises(ValidationError, match=r"6\.RP\.A\.1 is already in the unit “Ratios”"):
        services.unit_standard_add_by_code(actor=world.teacher, unit=unit, code="6.rp.a.1")
    # …but another unit may revisit it.
    services.unit_standard_add_by_code(
        actor=world.teacher, unit=built.units.get(title="Rates"), code="6.RP.A.1"
    )


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("6.RP.A.9", "No standard has the code “6.RP.A.9” in Example Math Standards"),
        ("   ", "Type a standard's code"),
    ],
)
def test_an_unknown_code_says_what_to_do(
    world: World, built: CurriculumMap, code: str, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        services.unit_standard_add_by_code(
            actor=world.teacher,
            unit=built.units.first(),
            code=code,  # type: ignore[arg-type]
        )


def test_a_retired_standard_cannot_be_added(world: World, built: CurriculumMap) -> None:
    from django.utils import timezone

    Standard.objects.filter(identifier=ids("6.RP.A.2")).update(retired_at=timezone.now())
    standard = Standard.objects.get(identifier=ids("6.RP.A.2"))
    with pytest.raises(ValidationError, match="was retired from its framework"):
        services.unit_standard_add(actor=world.teacher, unit=built.units.first(), standard=standard)  # type: ignore[arg-type]


def test_an_empty_unit_title_is_refused(world: World, built: CurriculumMap) -> None:
    with pytest.raises(ValidationError, match="Give it a title"):
        services.unit_create(actor=world.teacher, curriculum_map=built, title="  ")


def test_a_copy_has_the_same_units_standards_and_power_flags(
    world: World, built: CurriculumMap
) -> None:
    ratios = built.units.get(title="Ratios")
    row = services.unit_standard_add_by_code(actor=world.teacher, unit=ratios, code="6.RP.A.3")
    services.unit_standard_set_power(actor=world.teacher, unit_standard=row, is_power=True)
    services.unit_standard_add_by_code(actor=world.teacher, unit=ratios, code="6.RP.A.1")

    copy = services.curriculum_map_copy(
        actor=world.admin, curriculum_map=built, title="District version", scope="district"
    )

    assert copy.scope == "district" and copy.owner is None and copy.framework == built.framework
    assert units(copy) == units(built)
    assert [(r.unit.title, r.standard_id, r.is_power) for r in curriculum_map_standards(copy)] == [
        (r.unit.title, r.standard_id, r.is_power) for r in curriculum_map_standards(built)
    ]
    # The copy is independent of the original.
    services.unit_delete(actor=world.admin, unit=copy.units.get(title="Ratios"))
    assert "Ratios" in units(built)


def test_deleting_a_map_removes_its_units_and_keeps_the_standards(
    world: World, built: CurriculumMap
) -> None:
    services.unit_standard_add_by_code(
        actor=world.teacher,
        unit=built.units.first(),
        code="6.RP.A.1",  # type: ignore[arg-type]
    )
    standards = Standard.objects.count()
    services.curriculum_map_delete(actor=world.teacher, curriculum_map=built)
    assert not CurriculumMap.objects.exists()
    assert not Unit.objects.exists() and not UnitStandard.objects.exists()
    assert Standard.objects.count() == standards
    event = AuditEvent.objects.get(action="standards.curriculum_map_deleted")
    assert event.details["units"][0]["title"] == "Ratios"


def test_codes_are_looked_up_in_the_maps_framework_first(world: World) -> None:
    load(small_package())
    other = small_package()
    other["CFDocument"]["identifier"] = "second-doc"
    other["CFDocument"]["title"] = "Second framework"
    for i in other["CFItems"]:
        i["identifier"] = "2-" + i["identifier"]
    for a in other["CFAssociations"]:
        a["identifier"] = "2-" + a["identifier"]
        for end in ("originNodeURI", "destinationNodeURI"):
            if a[end]["identifier"] != "d0c00000-0000-4000-8000-000000000001":
                a[end]["identifier"] = "2-" + a[end]["identifier"]
            else:
                a[end]["identifier"] = "second-doc"
    second = load(other)
    loose = services.curriculum_map_create(
        actor=world.teacher, course=world.section.course, title="No framework", scope="teacher"
    )
    unit = services.unit_create(actor=world.teacher, curriculum_map=loose, title="U")
    with pytest.raises(ValidationError, match="is in several frameworks"):
        services.unit_standard_add_by_code(actor=world.teacher, unit=unit, code="6.RP.A.1")
    services.curriculum_map_update(
        actor=world.teacher, curriculum_map=loose, title="No framework", framework=second
    )
    unit.refresh_from_db()
    row = services.unit_standard_add_by_code(actor=world.teacher, unit=unit, code="6.RP.A.1")
    assert row.standard.framework == second
    assert Framework.objects.count() == 2
