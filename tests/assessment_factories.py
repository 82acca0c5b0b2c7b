"""Factories and a ready-made world for evidence, trackers and rollups tests.

``mastery`` (a fixture, imported by the conftest files of tests/assessments and
tests/trackers) builds on the roster ``world``: three standards, and two trackers of
``world.teacher`` that share ``world.student`` and two standards:

- ``tracker`` — ``world.section`` (``student``) × standards A, B, C, decaying average;
- ``shared`` — ``world.section`` and ``world.other_section`` (``student`` and
  ``other_student``) × standards A, B, highest.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import factory
import pytest
from factory.django import DjangoModelFactory

from masterly.accounts.models import User
from masterly.assessments.models import Assessment, Evidence
from masterly.standards.models import Framework, Standard
from masterly.standards.text import code_key
from masterly.trackers import services
from masterly.trackers.models import Tracker
from tests.conftest import World

DAY = datetime.date(2026, 9, 1)


class FrameworkFactory(DjangoModelFactory):
    class Meta:
        model = Framework
        django_get_or_create = ("identifier",)

    identifier = factory.Sequence(lambda n: f"framework-{n}")
    title = factory.Sequence(lambda n: f"Math Framework {n}")


class StandardFactory(DjangoModelFactory):
    class Meta:
        model = Standard

    framework = factory.SubFactory(FrameworkFactory)
    identifier = factory.Sequence(lambda n: f"std-{n}")
    human_coding_scheme = factory.Sequence(lambda n: f"6.RP.A.{n}")
    # What the CASE import stores beside the code, so code lookups find factory standards.
    code_key = factory.LazyAttribute(lambda standard: code_key(standard.human_coding_scheme))
    full_statement = factory.Sequence(lambda n: f"Understand ratio concept number {n}.")


class AssessmentFactory(DjangoModelFactory):
    class Meta:
        model = Assessment

    title = factory.Sequence(lambda n: f"Quick check {n}")
    kind = Assessment.Kind.QUICK_CHECK
    assessed_on = DAY


def make_tracker(
    owner: User, sections: list[Any], standards: list[Standard], **kwargs: Any
) -> Tracker:
    return services.tracker_create(
        actor=owner,
        name=kwargs.pop("name", "Math 6 tracker"),
        owner=owner,
        sections=sections,
        standards=standards,
        **kwargs,
    )


@dataclass
class Mastery:
    world: World
    standard_a: Standard
    standard_b: Standard
    standard_c: Standard
    tracker: Tracker
    shared: Tracker

    def record(
        self,
        student: User | None = None,
        standard: Standard | None = None,
        earned: object = 80,
        possible: object = 100,
        on: datetime.date = DAY,
        actor: User | None = None,
        **kwargs: Any,
    ) -> Evidence:
        return services.evidence_record(
            actor=actor or self.world.teacher,
            student=student or self.world.student,
            standard=standard or self.standard_a,
            points_earned=earned,
            points_possible=possible,
            assessed_on=on,
            source=kwargs.pop("source", "manual"),
            **kwargs,
        )


@pytest.fixture
def mastery(world: World) -> Mastery:
    framework = FrameworkFactory()
    a, b, c = (
        StandardFactory(framework=framework, human_coding_scheme=code)
        for code in ("6.RP.A.1", "6.RP.A.2", "6.RP.A.3")
    )
    tracker = make_tracker(world.teacher, [world.section], [a, b, c], name="Period 1")
    shared = make_tracker(
        world.teacher,
        [world.section, world.other_section],
        [a, b],
        name="Both periods",
        method="highest",
    )
    return Mastery(world, a, b, c, tracker, shared)


def points(value: str | int) -> Decimal:
    return Decimal(str(value))
