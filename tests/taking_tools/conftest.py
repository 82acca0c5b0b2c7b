"""A tracker over ``world.section`` (school year 2027), an assignment in it, and a choice item
with one option authored as dropped when reduced; ``take_page``: that item with a passage,
assigned now, on the real take page the tools are tried on."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone

from masterly.assessments.items import services as bank
from masterly.assessments.models import Assessment, ItemVersion
from masterly.trackers.assignments import Assignment
from masterly.trackers.models import Tracker
from tests.composition.conftest import compose
from tests.composition.test_assignments import assign
from tests.conftest import World
from tests.items import conftest as items
from tests.items.conftest import Tree, multiple_choice

tree = items.tree
compose = compose
SCHOOL_YEAR = 2027


@dataclass
class Taking:
    tracker: Tracker
    assignment: Assignment
    version: ItemVersion


@pytest.fixture
def taking(world: World, tree: Tree, compose: object) -> Taking:
    from tests.assessment_factories import make_tracker

    tracker = make_tracker(world.teacher, [world.section], [tree.rp_a_1])
    assessment = compose(tree.rp_a_1)  # type: ignore[operator]
    item = bank.item_create(
        actor=world.teacher, draft=multiple_choice(tree.rp_a_1, stem="What is 3 + 4?")
    )
    assert item.current is not None
    return Taking(tracker, assign(world, tracker, assessment), item.current)


STIMULUS = "A recipe uses 2 cups of flour for every 3 cups of milk."


@dataclass
class TakePage:
    """``taking``'s item (with a passage) alone in an assessment assigned now to
    ``world.section``: the real take page the tools are tried on."""

    world: World
    assignment: Assignment

    def tools_set(self, tools: str) -> None:
        """Turn on exactly ``tools`` (comma separated ``Tool`` values) for ``world.student``."""
        from masterly.assessments import services
        from masterly.assessments.taking.accommodations import assignment_school_year

        services.accommodations_set(
            actor=self.world.teacher,
            school_year=assignment_school_year(self.assignment),
            tools={self.world.student.pk: [tool for tool in tools.split(",") if tool]},
        )

    def attempt_url(self) -> str:
        """The student's attempt page (the attempt started on the server)."""
        from django.urls import reverse

        from masterly.trackers.services.taking import attempt_start

        attempt = attempt_start(student=self.world.student, assignment=self.assignment)
        return reverse("taking:attempt", args=[attempt.pk])


@pytest.fixture
def take_page(world: World, tree: Tree, taking: Taking) -> TakePage:
    from masterly.assessments.composition import services as composition
    from tests.composition.test_assignments import HOUR, assign

    passage = bank.stimulus_create(actor=world.teacher, title="Pancakes", content=STIMULUS)
    item = bank.item_create(
        actor=world.teacher,
        draft=multiple_choice(tree.rp_a_1, stem="What is 3 + 4?", stimulus=passage),
    )
    assessment = composition.assessment_create(
        actor=world.teacher, title="Tools check", kind=Assessment.Kind.COMMON
    )
    composition.item_add(actor=world.teacher, assessment=assessment, item=item, section=1)
    now = timezone.now()
    opened = assign(world, taking.tracker, assessment, opens_at=now - HOUR, closes_at=now + HOUR)
    return TakePage(world, opened)
