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
from masterly.assessments.items.models import Item, ItemStandard, Scope
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
    # roles, their orgs, the matches (the count and every page's ids), the page, alignments
    assert queries() == small == 5


def test_a_broad_standard_filter_pages_the_same_items_in_the_same_order(
    world: World, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the count's cap the page tests each item in the bank's order instead of listing
    the matching versions: the same items, newest change first, in as many queries."""
    bank = _bank(world, tree)
    user = User.objects.get(pk=world.other_teacher.pk)
    narrow = [item.pk for item in bank_page(user, BankFilters(standard=tree.rp), 1)]
    monkeypatch.setattr(selectors, "COUNT_CAP", 1)
    with CaptureQueriesContext(connection) as captured:
        page = bank_page(User.objects.get(pk=user.pk), BankFilters(standard=tree.rp), 1)
        broad = [item.pk for item in page]
    assert page.paginator.capped  # type: ignore[attr-defined]
    # the user, then roles, their orgs, the matches read to the cap, page, alignments
    assert len(captured) == 6
    # A capped count (2 here) ends the pages there; the page holds the newest two.
    assert broad == narrow[:2] and len(narrow) == 3
    assert set(narrow) == _ids(bank, "ratio", "rate", "rubric")


def _plain(user: User, filters: BankFilters) -> list[int]:
    """The search written plainly: the visibility rule as subqueries (``staff_org_filter``)
    and every filter tested in Python, newest change first."""
    from django.db.models import Q

    from masterly.roster import access

    seen = (
        Q(owner=user)
        | (Q(scope=Scope.SCHOOL) & access.staff_org_filter(user, "school"))
        | (Q(scope=Scope.DISTRICT) & access.staff_org_filter(user, "district", districts=True))
    )
    found = []
    items = Item.objects.filter(seen, current__isnull=False).select_related("current")
    for item in items.prefetch_related("current__alignments__standard"):
        version = item.current
        assert version is not None
        paths = [(a.standard.framework_id, a.standard.tree_path) for a in version.alignments.all()]
        if filters.standard is not None and not any(
            framework == filters.standard.framework_id
            and path.startswith(filters.standard.tree_path)
            for framework, path in paths
        ):
            continue
        if any(word not in version.search_text for word in filters.text.lower().split()):
            continue
        if filters.dok and version.dok != filters.dok:
            continue
        found.append(item)
    found.sort(key=lambda item: (item.updated_at, item.pk), reverse=True)
    return [item.pk for item in found]


def test_every_way_of_paging_finds_what_plain_filtering_finds(
    world: World, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each filter combination, read page by page (two to a page) by each strategy (the
    matches' ids listed once, the capped count and the walk in the bank's order), for a
    teacher and the district's admin, gives what plain filtering gives, in the same order,
    up to the cap (5: some filters find more, some fewer)."""
    import itertools

    cap = 5

    _bank(world, tree)
    for n in range(6):
        services.item_create(
            actor=world.other_teacher if n % 2 else world.teacher,
            draft=multiple_choice(
                tree.rp_a_3 if n % 3 else tree.ns_b_2, stem=f"Ratio table {n}", dok=1 + n % 2
            ),
            scope=[Scope.SCHOOL, Scope.DISTRICT, Scope.OWN][n % 3],
        )
    monkeypatch.setattr(selectors, "COUNT_CAP", cap)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    standards = [None, tree.rp, tree.rp_a, tree.rp_a_1, tree.ns]
    for person, standard, text, dok in itertools.product(
        [world.other_teacher, world.admin], standards, ["", "ratio"], [None, 1]
    ):
        filters = BankFilters(standard=standard, text=text, dok=dok)
        user = User.objects.get(pk=person.pk)
        first = bank_page(user, filters, 1)
        paged = [item.pk for item in first]
        for number in range(2, first.paginator.num_pages + 1):
            paged += [item.pk for item in bank_page(user, filters, number)]
        plain = _plain(user, filters)
        assert first.paginator.count == min(len(plain), cap + 1), filters
        assert paged[: cap + 1] == plain[: cap + 1], filters


def test_a_standards_matches_come_newest_change_first_to_the_microsecond(
    world: World, tree: Tree
) -> None:
    """The matches under a standard are sorted on the time as the database writes it: a time
    on the whole second sorts among those with a fraction as the time does."""
    from datetime import UTC, datetime

    times = [
        datetime(2026, 3, 1, 10, 0, 0, tzinfo=UTC),
        datetime(2026, 3, 1, 10, 0, 0, 500_000, tzinfo=UTC),
        datetime(2026, 3, 1, 9, 59, 59, 999_999, tzinfo=UTC),
        datetime(2026, 3, 1, 10, 0, 0, 50_000, tzinfo=UTC),
        datetime(2026, 3, 1, 10, 0, 0, tzinfo=UTC),  # a tie: the newer item first
        datetime(2025, 12, 31, 23, 0, 0, 1, tzinfo=UTC),
    ]
    made = []
    for n, when in enumerate(times):
        item = services.item_create(
            actor=world.teacher,
            draft=multiple_choice(tree.rp_a_1, stem=f"Item {n}"),
            scope=Scope.SCHOOL,
        )
        Item.objects.filter(pk=item.pk).update(updated_at=when)
        made.append(item.pk)
    user = User.objects.get(pk=world.other_teacher.pk)
    page = bank_page(user, BankFilters(standard=tree.rp), 1)
    assert [item.pk for item in page] == [made[n] for n in (1, 3, 4, 0, 2, 5)], (
        "newest change first, the newer item first on a tie"
    )
    assert [item.pk for item in page] == _plain(user, BankFilters(standard=tree.rp))


def test_a_dok_changed_by_an_edit_or_kept_by_a_copy_is_searched_by_its_new_value(
    world: World, tree: Tree
) -> None:
    """Each alignment carries its version's DOK for the search under a standard: an edit in
    place, a new version and a copy all leave the search agreeing with the versions."""
    bank = _bank(world, tree)
    ratio, rate = bank["ratio"], bank["rate"]
    services.item_edit(
        actor=world.teacher, item=ratio, draft=multiple_choice(tree.rp_a_1, dok=4)
    )  # unused: changed in place
    copy = services.item_copy(actor=world.other_teacher, item=ratio)
    assert set(_found(world, standard=tree.rp, dok=4)) == {ratio.pk, copy.pk}
    assert _found(world, standard=tree.rp, dok=1) == []  # ratio's old DOK: none left
    services.item_edit(
        actor=world.other_teacher, item=rate, draft=multiple_choice(tree.rp_a_3, dok=3)
    )
    assert set(_found(world, standard=tree.rp_a, dok=3)) == _ids(bank, "rate", "rubric")
    assert _found(world, standard=tree.rp_a, dok=2) == []
    for version_id, dok, copied in ItemStandard.objects.values_list(
        "version", "version__dok", "dok"
    ):
        assert copied == dok, version_id


def test_the_migration_copies_each_versions_dok_onto_its_alignments(
    world: World, tree: Tree
) -> None:
    """The statement migration 0010 runs over the alignments written before it."""
    import importlib

    migration = importlib.import_module(
        "masterly.assessments.migrations.0010_alignment_carries_dok"
    )
    _bank(world, tree)
    ItemStandard.objects.update(dok=1)  # as the added column's placeholder leaves them
    with connection.cursor() as cursor:
        cursor.execute(migration.COPY_DOK)
    pairs = list(ItemStandard.objects.values_list("version__dok", "dok"))
    assert {dok for dok, _copied in pairs} == {1, 2, 3}
    assert all(dok == copied for dok, copied in pairs)
