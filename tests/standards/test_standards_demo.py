"""The demo district's standards: Common Core with progressions and a map per course."""

from __future__ import annotations

import pytest

from masterly.demo.standards import build_standards_demo, course_grade
from masterly.roster.models import Course
from masterly.standards.models import Association, CurriculumMap, Standard
from masterly.standards.selectors import curriculum_map_units
from tests import factories as f
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_each_grade_6_to_8_math_course_gets_a_district_map(world: World) -> None:
    seventh = f.CourseFactory(org=world.school, title="Math 7", grades="07")
    f.CourseFactory(org=world.school, title="Art", grades="")

    demo = build_standards_demo(actor=world.admin)

    assert Standard.objects.count() == 746
    assert Association.objects.filter(source="progressions").count() == 873
    courses = {m.course for m in demo.maps}
    assert courses == {world.section.course, world.school_b_section.course, seventh}
    grade6 = next(m for m in demo.maps if m.course == world.section.course)
    assert grade6.scope == "district" and grade6.owner is None
    units = curriculum_map_units(grade6)
    assert [u.unit.title for u in units] == [
        "Ratios and Proportional Relationships",
        "The Number System",
        "Expressions and Equations",
        "Geometry",
        "Statistics and Probability",
    ]
    ratios = [p.standard.human_coding_scheme for p in units[0].placements]
    assert ratios == ["6.RP.A.1", "6.RP.A.2", "6.RP.A.3"]
    power = {p.standard.human_coding_scheme for u in units for p in u.placements if p.is_power}
    assert "6.RP.A.3" in power and 3 <= len(power) <= 8
    grade7 = next(m for m in demo.maps if m.course == seventh)
    assert len(curriculum_map_units(grade7)) == 5


def test_running_it_again_adds_nothing(world: World) -> None:
    build_standards_demo(actor=world.admin)
    maps = CurriculumMap.objects.count()
    again = build_standards_demo()
    assert CurriculumMap.objects.count() == maps
    assert any("0 changes" in line for line in again.lines)


@pytest.mark.parametrize(
    ("title", "grades", "grade"),
    [
        ("Math 6", "", 6),
        ("Grade 7 Mathematics", "", 7),
        ("Pre-Algebra", "08", 8),
        ("Art", "", None),
    ],
)
def test_a_course_grade_comes_from_its_grades_or_its_title(
    db: None, title: str, grades: str, grade: int | None
) -> None:
    assert course_grade(Course(title=title, grades=grades)) == grade
