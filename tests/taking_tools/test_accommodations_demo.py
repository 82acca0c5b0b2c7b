"""The demo's accommodations: the demo student has text-to-speech and extended time ×1.5 on
their teacher's tracker; a few classmates have the other tools."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from masterly.assessments.models import Accommodations
from masterly.demo.accommodations import build_accommodations_demo
from masterly.roster.models import Enrollment
from tests import factories as f
from tests.assessment_factories import make_tracker
from tests.conftest import World
from tests.items.conftest import Tree

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 10, 5)


def test_the_demo_student_reads_aloud_with_extended_time(world: World, tree: Tree) -> None:
    classmates = [f.UserFactory(last_name=f"Z{n}") for n in range(4)]
    for classmate in classmates:
        f.EnrollmentFactory(user=classmate, section=world.section, role=Enrollment.Role.STUDENT)
    make_tracker(world.teacher, [world.section], [tree.rp_a_1])
    (line,) = build_accommodations_demo(today=TODAY)
    assert "4 students" in line
    mine = Accommodations.objects.get(student=world.student, school_year=2027)
    assert sorted(mine.tools) == ["extended_time", "text_to_speech"]
    assert mine.extended_time_factor == Decimal("1.5")
    tools = {
        tool for row in Accommodations.objects.exclude(student=world.student) for tool in row.tools
    }
    assert tools == {
        "calculator",
        "magnifier",
        "reduced_answer_choices",
        "line_reader",
        "extended_time",
        "text_to_speech",
    }
