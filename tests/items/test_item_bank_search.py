"""The bank's search: each filter, a domain or cluster finding everything under it, and a
fixed number of queries whatever the number of results."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masterly.accounts.models import User
from masterly.assessments.items import selectors, services
from masterly.assessments.items.drafts import ChoiceDraft, ItemDraft
from masterly.assessments.items.models import Item, Scope
from masterly.assessments.items.selectors import BankFilters, bank_items, bank_page
from masterly.standards.models import Standard
from tests.conftest import World
from tests.items.conftest import Tree, extended, multiple_choice


def _found(world: World, **filters: object) -> list[int]:
    return list(
        bank_items(world.other_teacher, BankFilters(**filters)).values_list("pk", flat=True)
    )  # type: ignore[arg-type]


def _bank(world: World, tree: Tree) -> dict[str, Item]:
    share = Scope.SCHOOL
    numeric = ItemDraft(
        interaction="numeric",
        stem="What is 2.5 × 4?",
        dok=2,
        standards=((tree.ns_b_2, Decimal(1)),),
        numeric_answer=Decimal(10),
    )
    return {
        "ratio": services.item_create(
            actor=world.teacher,
            draft=multiple_choice(tree.rp_a_1, stem="Which ratio equals 2:3?"),
            scope=share,
        ),
        "rate": services.item_create(
            actor=world.other_teacher,
            draft=multiple_choice(
                tree.rp_a_3,
                stem="A car goes 60 miles in 2 hours. Its speed?",
                choices=(ChoiceDraft("30 mph", is_correct=True), ChoiceDraft("120 mph")),
                dok=2,
            ),
        ),
        "numeric": services.item_create(actor=world.teacher, draft=numeric, scope=share),
        "rubric": services.item_create(
            actor=world.teacher, draft=extended(tree.rp_a_1, tree.ns_b_2), scope=share
        ),
        "private": services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_1)),
    }


def _ids(bank: dict[str, Item], *names: str) -> set[int]:
    return {bank[name].pk for name in names}


def test_a_standard_a_cluster_or_a_domain_finds_everything_under_it(
    world: World, tree: Tree
) -> None:
    bank = _bank(world, tree)
    assert set(_found(world, standard=tree.rp_a_1)) == _ids(bank, "ratio", "rubric")
    assert set(_found(world, standard=tree.rp_a)) == _ids(bank, "ratio", "rate", "rubric")
    assert set(_found(world, standard=tree.rp)) == _ids(bank, "ratio", "rate", "rubric")
    assert set(_found(world, standard=tree.ns)) == _ids(bank, "numeric", "rubric")


def test_text_type_dok_author_and_scope_filter(world: World, tree: Tree) -> None:
    bank = _bank(world, tree)
    assert set(_found(world, text="RATIO")) == _ids(bank, "ratio")
    assert set(_found(world, text="120 mph")) == _ids(bank, "rate")  # a choice's text
    assert set(_found(world, interaction="numeric")) == _ids(bank, "numeric")
    assert set(_found(world, dok=2)) == _ids(bank, "rate", "numeric")
    assert set(_found(world, author=world.teacher)) == _ids(bank, "ratio", "numeric", "rubric")
    assert set(_found(world, scope=Scope.OWN)) == _ids(bank, "rate")
    assert set(_found(world, scope=Scope.SCHOOL)) == _ids(bank, "ratio", "numeric", "rubric")
    assert bank["private"].pk not in _found(world)


def test_a_page_takes_the_same_queries_for_one_result_or_twenty(world: World, tree: Tree) -> None:
    def queries() -> int:
        user = User.objects.get(pk=world.other_teacher.pk)  # fresh, as each request's is
        with CaptureQueriesContext(connection) as captured:
            page = bank_page(user, BankFilters(standard=tree.rp), 1)
            rows = [(item.current.stem_html, item.owner.username) for item in page]
            rows += [[a.standard.label for a in item.bank_alignments] for item in page]
        return len(captured)

    services.item_create(
        actor=world.teacher, draft=multiple_choice(tree.rp_a_1), scope=Scope.SCHOOL
    )
    small = queries()
    extra = Standard.objects.filter(pk__in=[tree.rp_a_1.pk, tree.rp_a_3.pk])
    for n in range(25):
        standards = tuple((s, Decimal(1)) for s in extra)
        services.item_create(
            actor=world.teacher,
            draft=multiple_choice(tree.rp_a_1, stem=f"Item {n}", standards=standards),
            scope=Scope.SCHOOL,
        )
    assert queries() == small == 4  # roles, count, page, alignments


def test_a_broad_standard_filter_pages_the_same_items_in_the_same_order(
    world: World, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the count's cap the page tests each item in the bank's order instead of listing
    the matching versions: the same items, newest change first, in the same four queries."""
    bank = _bank(world, tree)
    user = User.objects.get(pk=world.other_teacher.pk)
    narrow = [item.pk for item in bank_page(user, BankFilters(standard=tree.rp), 1)]
    monkeypatch.setattr(selectors, "COUNT_CAP", 1)
    with CaptureQueriesContext(connection) as captured:
        page = bank_page(User.objects.get(pk=user.pk), BankFilters(standard=tree.rp), 1)
        broad = [item.pk for item in page]
    assert page.paginator.capped  # type: ignore[attr-defined]
    assert len(captured) == 5  # the user, then roles, count, page, alignments
    # A capped count (2 here) ends the pages there; the page holds the newest two.
    assert broad == narrow[:2] and len(narrow) == 3
    assert set(narrow) == _ids(bank, "ratio", "rate", "rubric")
