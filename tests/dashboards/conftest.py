"""A school with classes big enough for the dashboards, and one class too small to show."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from masterly.accounts.models import User
from masterly.roster.models import Section
from masterly.standards.models import Standard
from masterly.trackers import services
from masterly.trackers.dashboard_counts import rebuild_stale
from masterly.trackers.models import Tracker
from masterly.trackers.services.evidence import NewEvidence
from tests import factories as f
from tests.assessment_factories import FrameworkFactory, StandardFactory, make_tracker
from tests.conftest import World

SEPTEMBER = datetime.date(2026, 9, 15)
OCTOBER = datetime.date(2026, 10, 15)


@dataclass
class School:
    world: World
    big: Section
    other: Section
    small: Section
    far: Section
    standards: list[Standard]
    trackers: list[Tracker]
    students: dict[int, list[User]]

    def score(self, section: Section, standard: Standard, earned: int, on: datetime.date) -> None:
        tracker = next(t for t in self.trackers if section in t.sections.all())
        services.evidence_record_many(
            actor=tracker.owner,
            rows=[
                NewEvidence(
                    student=student,
                    standard=standard,
                    points_earned=earned,
                    points_possible=100,
                    assessed_on=on,
                )
                for student in self.students[section.pk]
            ],
        )


def _section(world: World, school: object, title: str, grades: str, size: int) -> Section:
    section = f.SectionFactory(title=title, grades=grades, course__org=school, school=school)
    for _ in range(size):
        f.EnrollmentFactory(section=section)
    return section


@pytest.fixture
def school(world: World) -> School:
    framework = FrameworkFactory()
    standards = [
        StandardFactory(framework=framework, human_coding_scheme=code)
        for code in ("6.RP.A.1", "6.RP.A.2")
    ]
    big = _section(world, world.school, "Math 6 - P1", "06", 12)
    other = _section(world, world.school, "Math 7 - P2", "07", 11)
    small = _section(world, world.school, "Math 7 - P3", "07", 3)
    far = _section(world, world.school_b, "Brooks Math 6", "06", 12)
    f.EnrollmentFactory(section=big, user=world.teacher, role="teacher")
    trackers = [
        make_tracker(world.teacher, [big], standards, name="P1"),
        make_tracker(world.other_teacher, [other, small], standards, name="P2 and P3"),
        make_tracker(world.other_teacher, [far], standards, name="Brooks"),
    ]
    students = {
        section.pk: [e.user for e in section.enrollments.filter(role="student").order_by("pk")]
        for section in (big, other, small, far)
    }
    made = School(world, big, other, small, far, standards, trackers, students)
    made.score(big, standards[0], 90, SEPTEMBER)
    made.score(big, standards[0], 40, OCTOBER)
    made.score(other, standards[0], 60, SEPTEMBER)
    made.score(small, standards[0], 95, OCTOBER)
    made.score(far, standards[1], 85, SEPTEMBER)
    rebuild_stale()
    return made
