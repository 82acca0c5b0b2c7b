"""Composing an assessment: sections, items pinned to their version, order, moves; a newer
version offered while no student has started; only the author changes it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from masterly.assessments.composition import selectors, services
from masterly.assessments.composition.models import AssessmentSection
from masterly.assessments.items import services as bank
from masterly.assessments.items.models import AssessmentItem, Item
from masterly.assessments.models import Assessment, Attempt
from masterly.core.models import AuditEvent
from tests.composition.conftest import Compose, items_on
from tests.conftest import World
from tests.items.conftest import Tree, multiple_choice


def layout(assessment: Assessment) -> list[tuple[int, str, list[int]]]:
    """(section number, title, bank item ids in order) per section."""
    return [
        (part.section.number, part.section.title, [p.version.item_id for p in part.placed])
        for part in selectors.composition(assessment)
    ]


def test_a_new_assessment_has_one_section_and_records_who_made_it(world: World) -> None:
    assessment = services.assessment_create(
        actor=world.teacher, title="  Ratios quiz ", kind="quick_check", instructions="Show work."
    )

    assert (assessment.title, assessment.kind, assessment.created_by) == (
        "Ratios quiz",
        "quick_check",
        world.teacher,
    )
    assert (assessment.school, assessment.district) == (world.school, world.district)
    assert layout(assessment) == [(1, "", [])]
    assert AuditEvent.objects.filter(action="assessment.created", object_id=assessment.pk).exists()


@pytest.mark.parametrize(
    ("title", "kind", "field", "message"),
    [
        ("", "common", "title", "Give the assessment a title."),
        ("T", "exam", "kind", "Choose a kind"),
    ],
)
def test_a_bad_title_or_kind_is_named_and_nothing_is_made(
    world: World, title: str, kind: str, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.assessment_create(actor=world.teacher, title=title, kind=kind)

    assert message in refused.value.message_dict[field][0]
    assert not Assessment.objects.exists()


def test_adding_an_item_pins_its_current_version_and_places_it_last(
    world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1)
    extra = items_on(world.teacher, tree.rp_a_3)[0]

    row = services.item_add(actor=world.teacher, assessment=assessment, item=extra, section=1)

    assert (row.item_version_id, row.section, row.position) == (extra.current_id, 1, 2)
    with pytest.raises(ValidationError, match="already in this assessment"):
        services.item_add(actor=world.teacher, assessment=assessment, item=extra, section=1)
    assert AssessmentItem.objects.filter(assessment=assessment).count() == 2


def test_an_item_the_teacher_cannot_see_is_refused(
    world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose()
    hidden = items_on(world.other_teacher, tree.rp_a_1)[0]  # "only me"

    with pytest.raises(ValidationError, match="not in your bank"):
        services.item_add(actor=world.teacher, assessment=assessment, item=hidden, section=1)
    assert not AssessmentItem.objects.filter(assessment=assessment).exists()


def test_items_move_within_and_between_sections_and_sections_reorder(
    world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1, tree.rp_a_3, tree.ns_b_2)
    first, second, third = layout(assessment)[0][2]
    rows = {r.item_version.item_id: r for r in AssessmentItem.objects.filter(assessment=assessment)}

    services.item_move(actor=world.teacher, row=rows[third], step=-1)
    assert layout(assessment) == [(1, "", [first, third, second])]

    part_b = services.section_add(actor=world.teacher, assessment=assessment, title="Part B")
    services.item_to_section(actor=world.teacher, row=rows[first], section=part_b.number)
    assert layout(assessment) == [(1, "", [third, second]), (2, "Part B", [first])]

    services.section_move(actor=world.teacher, section=part_b, step=-1)
    assert layout(assessment) == [(1, "Part B", [first]), (2, "", [third, second])]
    assert [p.number for part in selectors.composition(assessment) for p in part.placed] == [
        1,
        2,
        3,
    ]

    services.section_rename(
        actor=world.teacher,
        section=AssessmentSection.objects.get(assessment=assessment, number=2),
        title="Part A",
    )
    assert layout(assessment)[1][1] == "Part A"


def test_only_an_empty_section_is_removed_and_the_later_ones_close_up(
    world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1)
    middle = services.section_add(actor=world.teacher, assessment=assessment, title="Empty")
    last = services.section_add(actor=world.teacher, assessment=assessment, title="Last")
    item = items_on(world.teacher, tree.rp_a_3)[0]
    services.item_add(actor=world.teacher, assessment=assessment, item=item, section=last.number)
    first = AssessmentSection.objects.get(assessment=assessment, number=1)

    with pytest.raises(ValidationError, match="only an empty section can be removed"):
        services.section_remove(actor=world.teacher, section=first)
    services.section_remove(actor=world.teacher, section=middle)

    assert [(n, t, len(ids)) for n, t, ids in layout(assessment)] == [(1, "", 1), (2, "Last", 1)]


def test_removing_an_item_closes_the_gap(world: World, tree: Tree, compose: Compose) -> None:
    assessment = compose(tree.rp_a_1, tree.rp_a_3, tree.ns_b_2)
    ids = layout(assessment)[0][2]
    row = AssessmentItem.objects.get(assessment=assessment, item_version__item_id=ids[0])

    services.item_remove(actor=world.teacher, row=row)

    assert layout(assessment) == [(1, "", ids[1:])]
    assert list(
        AssessmentItem.objects.filter(assessment=assessment).values_list("position", flat=True)
    ) == [1, 2]
    assert Item.objects.filter(pk=ids[0]).exists()  # it stays in the bank


def test_a_newer_version_is_offered_and_taken_only_before_students_start(
    world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1)
    row = AssessmentItem.objects.select_related("item_version__item").get(assessment=assessment)
    item = row.item_version.item
    newer = bank.item_edit(
        actor=world.teacher, item=item, draft=multiple_choice(tree.rp_a_1, stem="Better?")
    )

    [placed] = selectors.composition(assessment)[0].placed
    assert placed.version.number == 1 and placed.newer is not None and placed.newer.number == 2

    Attempt.objects.create(assessment=assessment, student=world.student)
    with pytest.raises(ValidationError, match="keeps the version they saw"):
        services.item_use_current_version(actor=world.teacher, row=row)
    assert AssessmentItem.objects.get(pk=row.pk).item_version.number == 1

    Attempt.objects.all().delete()
    services.item_use_current_version(actor=world.teacher, row=row)
    assert AssessmentItem.objects.get(pk=row.pk).item_version_id == newer.pk
    assert selectors.composition(assessment)[0].placed[0].newer is None


def test_only_the_author_changes_an_assessment(world: World, tree: Tree, compose: Compose) -> None:
    assessment = compose(tree.rp_a_1)
    row = AssessmentItem.objects.get(assessment=assessment)
    before = layout(assessment)

    for change in [
        lambda: services.section_add(actor=world.other_teacher, assessment=assessment, title="X"),
        lambda: services.item_remove(actor=world.other_teacher, row=row),
        lambda: services.assessment_update(
            actor=world.other_teacher,
            assessment=assessment,
            title="Mine",
            kind="common",
            instructions="",
            scope="own",
            shuffle_items=True,
            shuffle_options=True,
        ),
    ]:
        with pytest.raises(PermissionDenied):
            change()

    assert layout(assessment) == before
    assert Assessment.objects.get(pk=assessment.pk).title == "Unit 1 test"


def test_shuffling_is_stored_with_the_settings(world: World, tree: Tree, compose: Compose) -> None:
    assessment = compose(tree.rp_a_1)

    services.assessment_update(
        actor=world.teacher,
        assessment=assessment,
        title="Unit 1",
        kind="benchmark",
        instructions="Calculators allowed.",
        scope="school",
        shuffle_items=True,
        shuffle_options=False,
    )

    saved = Assessment.objects.get(pk=assessment.pk)
    assert (saved.title, saved.kind, saved.scope, saved.shuffle_items, saved.shuffle_options) == (
        "Unit 1",
        "benchmark",
        "school",
        True,
        False,
    )
    assert saved.instructions == "Calculators allowed."


def test_who_sees_an_assessment_follows_its_sharing(
    world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1)
    school_b_teacher = world.school_b_section.enrollments.get(role="teacher").user

    assert not selectors.visible_assessments(world.other_teacher).filter(pk=assessment.pk).exists()
    for user in (world.student, world.parent):
        assert not selectors.visible_assessments(user).exists()
    assessment.scope = "school"
    assessment.save(update_fields=["scope"])
    assert selectors.visible_assessments(world.other_teacher).filter(pk=assessment.pk).exists()
    assert not selectors.visible_assessments(school_b_teacher).filter(pk=assessment.pk).exists()
    assert not selectors.can_edit_assessment(world.other_teacher, assessment)
