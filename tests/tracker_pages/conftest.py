"""A tracker built from a curriculum map (two units, a power standard) for the page tests.

``pages.tracker`` belongs to ``world.teacher`` on ``world.section`` (``world.student``):
unit "Ratios" holds 6.RP.A.1 (a power standard) and 6.RP.A.2, unit "Expressions" 6.EE.A.1.
"""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from masterly.accounts.models import User
from masterly.assessments.models import Evidence
from masterly.roster.models import Enrollment, Section
from masterly.standards.models import CurriculumMap, Standard, Unit, UnitStandard
from masterly.trackers import services
from masterly.trackers.models import RecomputeRun, Tracker
from masterly.trackers.rollups import run_recompute
from tests import factories as f
from tests.assessment_factories import AssessmentFactory, FrameworkFactory, StandardFactory
from tests.browser.conftest import browser, page  # noqa: F401 - fixtures for the browser test
from tests.conftest import World

DAY = datetime.date(2026, 9, 1)


def level_row(row: int, name: str, abbreviation: str, *colours: str) -> dict[str, str]:
    """One level row of the Settings form (``colours``: traffic light, skittles, colour-blind
    safe), as posted."""
    modes = ("traffic_light", "skittles", "colour_blind_safe")
    return {
        f"level{row}_name": name,
        f"level{row}_abbreviation": abbreviation,
        **{f"level{row}_{mode}": colour for mode, colour in zip(modes, colours, strict=True)},
    }


# The Settings form's level rows as a new tracker shows them: the built-in scale, and the
# built-in Advanced level in the first row, for a teacher who chooses 4 levels.
LEVEL_ROWS_SHOWN = {
    **level_row(0, "Advanced", "A", "#1565C0", "#7B1FA2", "#0072B2"),
    **level_row(1, "Mastery", "M", "#2E7D32", "#00897B", "#009E73"),
    **level_row(2, "Near Mastery", "NM", "#F9A825", "#F57C00", "#F0E442"),
    **level_row(3, "Remediation", "R", "#C62828", "#D81B60", "#D55E00"),
}


@dataclass
class Pages:
    world: World
    curriculum_map: CurriculumMap
    ratio_1: Standard
    ratio_2: Standard
    expressions: Standard
    tracker: Tracker

    def client(self, persona: str) -> Client:
        client = Client()
        client.force_login(getattr(self.world, persona))
        return client

    def record(
        self,
        student: User,
        standard: Standard,
        earned: object,
        possible: object = 4,
        on: datetime.date = DAY,
        **kwargs: Any,
    ) -> Evidence:
        return services.evidence_record(
            actor=self.world.teacher,
            student=student,
            standard=standard,
            points_earned=earned,
            points_possible=possible,
            assessed_on=on,
            source=kwargs.pop("source", "manual"),
            **kwargs,
        )

    def add_students(
        self, count: int, section: Section | None = None, prefix: str = "pupil"
    ) -> list[User]:
        section = section or self.world.section
        students = []
        for number in range(count):
            name = f"{prefix}{number:03d}"
            student = f.UserFactory(username=name, last_name=name.capitalize())
            f.EnrollmentFactory(user=student, section=section, role=Enrollment.Role.STUDENT)
            students.append(student)
        return students


def url(name: str, pages: Pages) -> str:
    """A tracker page's address (``name`` takes the tracker's id)."""
    return reverse(name, args=[pages.tracker.pk])


def text(response: HttpResponse) -> str:
    return html.unescape(response.content.decode())


def rename(user: User, first: str, last: str) -> User:
    user.first_name, user.last_name = first, last
    user.save(update_fields=["first_name", "last_name"])
    return user


def make_map(
    world: World, standards: list[tuple[str, list[Standard]]], title: str = "Grade 6 math"
) -> CurriculumMap:
    curriculum_map = CurriculumMap.objects.create(
        title=title,
        course=world.section.course,
        scope=CurriculumMap.Scope.DISTRICT,
    )
    for unit_position, (title, unit_standards) in enumerate(standards):
        unit = Unit.objects.create(
            curriculum_map=curriculum_map, title=title, position=unit_position
        )
        for position, standard in enumerate(unit_standards):
            UnitStandard.objects.create(
                unit=unit,
                standard=standard,
                position=position,
                is_power=standard.human_coding_scheme == "6.RP.A.1",
            )
    return curriculum_map


@pytest.fixture
def pages(world: World) -> Pages:
    framework = FrameworkFactory()
    ratio_1 = StandardFactory(
        framework=framework,
        human_coding_scheme="6.RP.A.1",
        full_statement="Understand the concept of a ratio.",
    )
    ratio_2 = StandardFactory(
        framework=framework,
        human_coding_scheme="6.RP.A.2",
        full_statement="Understand the concept of a unit rate.",
    )
    expressions = StandardFactory(
        framework=framework,
        human_coding_scheme="6.EE.A.1",
        full_statement="Write and evaluate numerical expressions involving exponents.",
    )
    curriculum_map = make_map(
        world, [("Ratios", [ratio_1, ratio_2]), ("Expressions", [expressions])]
    )
    tracker = services.tracker_create(
        actor=world.teacher,
        name="Period 1 math",
        owner=world.teacher,
        sections=[world.section],
        curriculum_map=curriculum_map,
    )
    # Its first recompute, as the worker runs it: the grid then shows calculated levels (the
    # grid of a tracker whose first levels are still being calculated is tested on its own).
    run_recompute(RecomputeRun.objects.get(tracker=tracker).pk)
    return Pages(world, curriculum_map, ratio_1, ratio_2, expressions, tracker)


__all__ = [
    "DAY",
    "LEVEL_ROWS_SHOWN",
    "AssessmentFactory",
    "Pages",
    "level_row",
    "make_map",
    "pages",
    "rename",
    "text",
    "url",
]
