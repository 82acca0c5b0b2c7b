"""Assessments composed from the item bank's test tree (tests/items/conftest.py) by the
roster ``world``'s teacher, and a tracker of theirs over ``world.section``."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from masterly.accounts.models import User
from masterly.assessments.composition import services
from masterly.assessments.items import services as bank
from masterly.assessments.items.drafts import ItemDraft
from masterly.assessments.items.models import Item, Scope
from masterly.assessments.models import Assessment
from masterly.standards.models import Standard
from masterly.trackers.models import Tracker
from tests.assessment_factories import make_tracker
from tests.conftest import World
from tests.items import conftest as items
from tests.items.conftest import Tree, multiple_choice

Compose = Callable[..., Assessment]
tree = items.tree
png = items.png


def items_on(owner: User, *standards: Standard, scope: str = Scope.OWN) -> list[Item]:
    drafts: list[ItemDraft] = [
        multiple_choice(standard, stem=f"Question {n} on {standard.human_coding_scheme}?")
        for n, standard in enumerate(standards, start=1)
    ]
    return bank.items_create(actor=owner, drafts=drafts, scope=scope)


@pytest.fixture
def compose(world: World, tree: Tree) -> Compose:
    """An assessment of ``world.teacher``'s holding one item per standard given."""

    def make(*standards: Standard, title: str = "Unit 1 test", **kwargs: object) -> Assessment:
        assessment = services.assessment_create(
            actor=world.teacher,
            title=title,
            kind=Assessment.Kind.COMMON,
            **kwargs,  # type: ignore[arg-type]
        )
        for item in items_on(world.teacher, *standards):
            services.item_add(actor=world.teacher, assessment=assessment, item=item, section=1)
        return assessment

    return make


@pytest.fixture
def tracker(world: World, tree: Tree) -> Tracker:
    return make_tracker(world.teacher, [world.section], [tree.rp_a_1, tree.rp_a_3])


@pytest.fixture
def tree_student_two(world: World) -> User:
    """A second student in ``world.section`` (named to sort after ``world.student``)."""
    from masterly.roster.models import Enrollment, Role
    from tests import factories as f

    second = f.UserFactory(username="zoe", first_name="Zoe", last_name="Zeller")
    f.RoleAssignmentFactory(user=second, role=Role.STUDENT, org=world.school)
    f.EnrollmentFactory(
        user=second, section=world.section, role=Enrollment.Role.STUDENT, is_primary=True
    )
    return second
