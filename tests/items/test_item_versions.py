"""Items are written once and reused: an edit of a used version makes a new one."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from masterly.assessments.items import services
from masterly.assessments.items.drafts import ChoiceDraft
from masterly.assessments.items.models import (
    AssessmentItem,
    Choice,
    Item,
    ItemStandard,
    ItemVersion,
    Scope,
)
from masterly.assessments.items.usage import item_version_in_use
from masterly.assessments.models import Assessment
from masterly.core.models import AuditEvent
from tests.conftest import World
from tests.items.conftest import Tree, extended, multiple_choice


def test_creating_an_item_writes_version_1_with_its_choices_and_alignments(
    world: World, tree: Tree
) -> None:
    item = services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_1))

    version = ItemVersion.objects.get(item=item)
    assert (item.current_id, version.number, item.school, item.district) == (
        version.pk,
        1,
        world.school,
        world.district,
    )
    assert [(c.content_html, c.is_correct) for c in version.choices.all()] == [
        ("7", True),
        ("12", False),
        ("1", False),
    ]
    assert list(version.alignments.values_list("standard", "points")) == [
        (tree.rp_a_1.pk, Decimal("1.00"))
    ]
    assert version.search_text == "what is 3 + 4? 7 12 1"
    assert AuditEvent.objects.filter(action="item.created", object_id=str(item.pk)).exists()


def test_an_unused_version_is_edited_in_place(world: World, tree: Tree) -> None:
    item = services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_1))
    first = item.current_id

    version = services.item_edit(
        actor=world.teacher, item=item, draft=multiple_choice(tree.rp_a_3, stem="What is 2 + 5?")
    )

    assert version.pk == first and version.number == 1
    assert ItemVersion.objects.filter(item=item).count() == 1
    assert list(
        ItemStandard.objects.filter(version=version).values_list("standard", flat=True)
    ) == [tree.rp_a_3.pk]
    assert Choice.objects.filter(version=version).count() == 3


def test_editing_a_used_version_makes_a_new_one_and_the_old_stays(world: World, tree: Tree) -> None:
    item = services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_1))
    used = ItemVersion.objects.get(pk=item.current_id)
    assessment = Assessment.objects.create(title="Unit 1 check")
    AssessmentItem.objects.create(assessment=assessment, item_version=used, position=1)
    assert item_version_in_use(used)

    new = services.item_edit(
        actor=world.teacher, item=item, draft=multiple_choice(tree.rp_a_3, stem="What is 2 + 5?")
    )

    item.refresh_from_db()
    used.refresh_from_db()
    assert (new.number, item.current_id) == (2, new.pk)
    assert used.stem_source == "What is 3 + 4?"
    assert list(used.alignments.values_list("standard", flat=True)) == [tree.rp_a_1.pk]
    assert used.choices.count() == 3
    assert not item_version_in_use(new)
    assert AuditEvent.objects.filter(action="item.versioned").count() == 1


def test_copying_keeps_the_original_and_its_history(world: World, tree: Tree) -> None:
    item = services.item_create(
        actor=world.teacher, draft=extended(tree.rp_a_1, tree.ns_b_2), scope=Scope.SCHOOL
    )

    copy = services.item_copy(actor=world.other_teacher, item=item)
    services.item_edit(actor=world.other_teacher, item=copy, draft=multiple_choice(tree.ns_b_2))

    original = ItemVersion.objects.get(pk=item.current_id)
    assert (copy.owner, copy.scope, copy.copied_from_id) == (
        world.other_teacher,
        Scope.OWN,
        original.pk,
    )
    assert original.interaction == "extended"
    assert [c.title for c in original.criteria.all()] == [
        "Finds the rate",
        "Explains the reasoning",
    ]
    assert sorted(original.alignments.values_list("standard", "points")) == sorted(
        [(tree.rp_a_1.pk, Decimal("2.00")), (tree.ns_b_2.pk, Decimal("2.00"))]
    )
    assert Item.objects.count() == 2


def test_a_copy_has_the_rubric_of_its_original(world: World, tree: Tree) -> None:
    item = services.item_create(actor=world.teacher, draft=extended(tree.rp_a_1, tree.ns_b_2))

    copy = services.item_copy(actor=world.teacher, item=item)

    version = ItemVersion.objects.get(pk=copy.current_id)
    levels = [
        [(level.label, level.points) for level in criterion.levels.all()]
        for criterion in version.criteria.all()
    ]
    assert levels == [[("Missing", 0), ("Partial", 1), ("Complete", 2)]] * 2


def test_only_the_owner_edits_or_shares(world: World, tree: Tree) -> None:
    item = services.item_create(
        actor=world.teacher, draft=multiple_choice(tree.rp_a_1), scope=Scope.SCHOOL
    )

    with pytest.raises(PermissionDenied):
        services.item_edit(actor=world.other_teacher, item=item, draft=multiple_choice(tree.ns_b_2))
    with pytest.raises(PermissionDenied):
        services.item_share(actor=world.other_teacher, item=item, scope=Scope.DISTRICT)
    version = ItemVersion.objects.get(item=item)
    assert version.stem_source == "What is 3 + 4?"


def test_sharing_changes_the_scope_with_an_audit_row(world: World, tree: Tree) -> None:
    item = services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_1))

    services.item_share(actor=world.teacher, item=item, scope=Scope.DISTRICT)

    item.refresh_from_db()
    assert item.scope == Scope.DISTRICT
    event = AuditEvent.objects.get(action="item.shared")
    assert event.details == {"old": "own", "new": "district"}


@pytest.mark.parametrize(
    ("field", "value"),
    [("dok", 5), ("dok", 0), ("numeric_tolerance", Decimal(-1))],
)
def test_the_database_refuses_what_the_services_never_write(
    world: World, tree: Tree, field: str, value: object
) -> None:
    item = services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_1))
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemVersion.objects.filter(item=item).update(**{field: value})


def test_the_database_refuses_a_dropped_key_and_zero_points(world: World, tree: Tree) -> None:
    item = services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Choice.objects.filter(version=item.current_id, is_correct=True).update(
            dropped_when_reduced=True
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ItemStandard.objects.filter(version=item.current_id).update(points=0)


def test_true_false_is_two_choices_with_one_key(world: World, tree: Tree) -> None:
    draft = multiple_choice(
        tree.rp_a_1,
        interaction="true_false",
        stem="A ratio compares two quantities.",
        choices=(ChoiceDraft("True", is_correct=True), ChoiceDraft("False")),
    )
    item = services.item_create(actor=world.teacher, draft=draft)
    assert ItemVersion.objects.get(pk=item.current_id).choices.count() == 2
