"""The blueprint: standards × items with points and DOK, totals, and warnings in words."""

from __future__ import annotations

from decimal import Decimal

from masterly.assessments.composition import selectors, services
from masterly.assessments.composition.blueprint import blueprint
from masterly.assessments.items import services as bank
from masterly.assessments.items.drafts import ItemDraft
from tests.composition.conftest import Compose
from tests.conftest import World
from tests.items.conftest import Tree, extended, multiple_choice


def test_a_thin_standard_is_warned_about_in_words(
    world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1, tree.rp_a_1, tree.rp_a_3, tree.rp_a_3, tree.rp_a_3)
    two_points = multiple_choice(
        tree.rp_a_1, stem="Worth two?", standards=((tree.rp_a_1, Decimal(2)),)
    )
    for row in assessment.items.select_related("item_version__item").filter(position=1):
        bank.item_edit(actor=world.teacher, item=row.item_version.item, draft=two_points)
        services.item_use_current_version(actor=world.teacher, row=row)

    plan = blueprint(selectors.composition(assessment), min_items=3, min_points=Decimal(3))

    assert [row.standard.label for row in plan.rows] == ["6.RP.A.1", "6.RP.A.3"]
    rp1, rp3 = plan.rows
    assert (rp1.items, rp1.points, rp1.dok_range) == (2, Decimal(3), "1")
    assert (rp3.items, rp3.points) == (3, Decimal(3))
    assert plan.warnings == [
        "6.RP.A.1 has 2 items (3 points); at least 3 items are needed to judge mastery."
    ]
    cells = {row.standard.label: cells for row, cells in plan.row_cells()}
    assert cells["6.RP.A.1"] == [(Decimal(2), 1), (Decimal(1), 1), None, None, None]


def test_too_few_points_is_its_own_warning(world: World, tree: Tree, compose: Compose) -> None:
    assessment = compose(tree.rp_a_1, tree.rp_a_1, tree.rp_a_1)

    plan = blueprint(selectors.composition(assessment), min_items=3, min_points=Decimal(4))

    assert plan.warnings == [
        "6.RP.A.1 has 3 items (3 points); at least 4 points are needed to judge mastery."
    ]


def test_rubric_criteria_count_toward_their_own_standards(
    world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1)
    rubric: ItemDraft = extended(tree.rp_a_1, tree.ns_b_2)
    item = bank.item_create(actor=world.teacher, draft=rubric)
    services.item_add(actor=world.teacher, assessment=assessment, item=item, section=1)

    plan = blueprint(selectors.composition(assessment), min_items=1, min_points=Decimal(1))

    totals = {row.standard.label: (row.items, row.points, row.dok_range) for row in plan.rows}
    assert totals == {"6.RP.A.1": (2, Decimal(3), "1–3"), "6.NS.B.2": (1, Decimal(2), "3")}
    assert [p.points for p in plan.items] == [Decimal(1), Decimal(4)]
    assert plan.warnings == []
