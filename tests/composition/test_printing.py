"""The printed test and answer key: one template for the print view and the PDF; a page
break never separates an item from its options."""

from __future__ import annotations

import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client

from masterly.assessments.composition import services
from masterly.assessments.items import services as bank
from masterly.assessments.items.drafts import ChoiceDraft
from masterly.assessments.models import Assessment
from tests.composition.conftest import Compose
from tests.conftest import World
from tests.items.conftest import Tree, extended, multiple_choice

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext is missing")


def pages_of(pdf: bytes, tmp_path: Path) -> list[str]:
    source = tmp_path / "test.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")


def long_test(world: World, tree: Tree) -> Assessment:
    """40 items of four options each, every option marked with its item's number; a few with
    long stems so items fall at every height of a page."""
    assessment = services.assessment_create(actor=world.teacher, title="Long test", kind="paper")
    drafts = [
        multiple_choice(
            tree.rp_a_1,
            stem=f"Q{n}STEM " + ("How many ratios are there in this long question? " * (n % 7)),
            choices=tuple(
                ChoiceDraft(f"Q{n}OPT{letter}", is_correct=letter == "A") for letter in "ABCD"
            ),
        )
        for n in range(1, 41)
    ]
    for item in bank.items_create(actor=world.teacher, drafts=drafts):
        services.item_add(actor=world.teacher, assessment=assessment, item=item, section=1)
    return assessment


@needs_poppler
def test_a_long_tests_pdf_never_splits_an_item_from_its_options(
    client: Client, world: World, tree: Tree, tmp_path: Path
) -> None:
    assessment = long_test(world, tree)
    client.force_login(world.teacher)

    response = client.get(f"/assessments/{assessment.pk}/test.pdf")

    assert response["Content-Type"] == "application/pdf"
    pages = [p for p in pages_of(response.content, tmp_path) if p.strip()]
    assert len(pages) >= 3
    seen = set()
    for text in pages:
        for n in map(int, re.findall(r"Q(\d+)STEM", text)):
            seen.add(n)
            for letter in "ABCD":
                assert f"Q{n}OPT{letter}" in text, f"item {n}'s option {letter} is on another page"
    assert seen == set(range(1, 41))
    assert "Name" in pages[0] and "Date" in pages[0] and "Class" in pages[0]


def test_the_print_view_numbers_items_letters_choices_and_prints_a_stimulus_once(
    client: Client, world: World, tree: Tree, compose: Compose
) -> None:
    passage = bank.stimulus_create(
        actor=world.teacher, title="The bike trip", content="<p>Ana rode 12 km.</p>"
    )
    assessment = compose(tree.rp_a_1)
    services.section_add(actor=world.teacher, assessment=assessment, title="Part B: the trip")
    drafts = [
        multiple_choice(tree.rp_a_3, stem=f"Trip question {n}", stimulus=passage) for n in (1, 2)
    ]
    for item in bank.items_create(actor=world.teacher, drafts=drafts):
        services.item_add(actor=world.teacher, assessment=assessment, item=item, section=2)
    client.force_login(world.teacher)

    test = client.get(f"/assessments/{assessment.pk}/print/").content.decode()

    assert test.count("Ana rode 12 km.") == 1
    assert (
        test.index("Ana rode 12 km.")
        < test.index("Trip question 1")
        < test.index("Trip question 2")
    )
    assert "Part B: the trip" in test
    assert re.search(r'paper__number">3\.</span>', test)
    assert 'paper__letter">C.</span>' in test and "Name" in test and "✓" not in test


def test_a_passage_printed_once_is_referred_back_to_by_a_later_run(
    client: Client, world: World, tree: Tree, compose: Compose
) -> None:
    passage = bank.stimulus_create(
        actor=world.teacher, title="The bike trip", content="<p>Ana rode 12 km.</p>"
    )
    assessment = compose(tree.rp_a_1)  # item 1, no passage
    drafts = [
        multiple_choice(tree.rp_a_3, stem="Trip question 1", stimulus=passage),
        multiple_choice(tree.rp_a_3, stem="A question of its own"),
        multiple_choice(tree.rp_a_3, stem="Trip question 2", stimulus=passage),
    ]
    items = bank.items_create(actor=world.teacher, drafts=drafts)
    services.items_add(actor=world.teacher, assessment=assessment, items=items, section=1)
    client.force_login(world.teacher)

    test = client.get(f"/assessments/{assessment.pk}/print/").content.decode()

    assert test.count("Ana rode 12 km.") == 1
    again = "Read “The bike trip” again: it is printed before item 2."
    assert test.count(again) == 1
    assert (
        test.index("Ana rode 12 km.")
        < test.index("Trip question 1")
        < test.index("A question of its own")
        < test.index(again)
        < test.index("Trip question 2")
    )


def test_the_answer_key_shows_keys_points_standards_and_rubrics(
    client: Client, world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1)
    numeric = multiple_choice(
        tree.rp_a_3,
        interaction="numeric",
        choices=(),
        numeric_answer=Decimal("2.5"),
        numeric_tolerance=Decimal("0.1"),
        standards=((tree.rp_a_3, Decimal(2)),),
    )
    for draft in (numeric, extended(tree.rp_a_1, tree.ns_b_2)):
        item = bank.item_create(actor=world.teacher, draft=draft)
        services.item_add(actor=world.teacher, assessment=assessment, item=item, section=1)
    client.force_login(world.teacher)

    key = client.get(f"/assessments/{assessment.pk}/key/print/").content.decode()

    assert "Answer key" in key and 'class="is-key"' in key and "✓" in key
    assert "Answer: 2.5, within 0.1." in key
    assert "6.RP.A.3 (2)" in key and "Finds the rate" in key and "Complete (2)" in key
    assert "6.NS.B.2" in key and "4 points" in key
