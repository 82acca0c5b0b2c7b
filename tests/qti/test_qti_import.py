"""Importing QTI packages: every supported interaction, QTI 2.1, alignments, re-import."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from masterly.assessments.items.models import Item, ItemVersion
from masterly.integrations.qti.importer import import_qti
from tests.conftest import World
from tests.items.conftest import Tree


def test_a_choice_item_is_imported_with_its_key_and_alignment(
    world: World, tree: Tree, simple_package: Path
) -> None:
    summary = import_qti(actor=world.teacher, source=simple_package, name="package.zip")

    assert (summary.created, summary.versioned, summary.unchanged) == (1, 0, 0)
    version = ItemVersion.objects.get()
    assert version.interaction == "multiple_choice"
    assert version.stem_html == "<p>What is 3 + 4?</p>"
    assert [(c.content_html, c.is_correct) for c in version.choices.all()] == [
        ("12", False),
        ("7", True),
        ("1", False),
    ]
    assert list(version.alignments.values_list("standard", "points")) == [
        (tree.rp_a_1.pk, Decimal("1.00"))
    ]


def test_importing_the_same_package_again_changes_nothing(
    world: World, tree: Tree, simple_package: Path
) -> None:
    import_qti(actor=world.teacher, source=simple_package, name="package.zip")
    summary = import_qti(actor=world.teacher, source=simple_package, name="package.zip")

    assert (summary.created, summary.versioned, summary.unchanged) == (0, 0, 1)
    assert Item.objects.count() == 1 and ItemVersion.objects.count() == 1
