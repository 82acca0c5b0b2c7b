"""A tracker over ``world.section`` (school year 2027), an assignment in it, and a choice item
with one option authored as dropped when reduced."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from masterly.assessments.items import services as bank
from masterly.assessments.models import ItemVersion
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
