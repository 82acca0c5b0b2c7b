"""Each bad item is refused with a message naming what is wrong, and nothing is written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from masterly.assessments.items import services
from masterly.assessments.items.drafts import ChoiceDraft, CriterionDraft, ItemDraft
from masterly.assessments.items.models import Item, ItemImage, ItemVersion, Stimulus
from tests.conftest import World
from tests.items.conftest import Tree, multiple_choice

KEY = ChoiceDraft("7", is_correct=True)


def _refused(world: World, draft: ItemDraft) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as refused:
        services.item_create(actor=world.teacher, draft=draft)
    assert Item.objects.count() == 0
    assert ItemVersion.objects.count() == 0
    return refused.value.message_dict


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"stem": "  "}, "stem", "Write the question"),
        ({"dok": 5}, "dok", "Depth of knowledge is 1, 2, 3 or 4 (got 5)"),
        ({"choices": (KEY,)}, "choices", "Give at least two choices"),
        ({"choices": (KEY, ChoiceDraft("8", is_correct=True))}, "choices", "exactly one"),
        ({"choices": (KEY, ChoiceDraft(" "))}, "choices", "Choice B is empty"),
        (
            {
                "choices": (
                    ChoiceDraft("7", is_correct=True, dropped_when_reduced=True),
                    ChoiceDraft("8"),
                )
            },
            "choices",
            "Choice A is a correct answer, so it cannot be dropped",
        ),
        (
            {"choices": (KEY, ChoiceDraft("8", dropped_when_reduced=True))},
            "choices",
            "must keep at least two",
        ),
        ({"standards": ()}, "standards", "Align the item to at least one standard"),
    ],
)
def test_a_bad_choice_item_is_refused(
    world: World, tree: Tree, changes: dict[str, object], field: str, message: str
) -> None:
    problems = _refused(world, multiple_choice(tree.rp_a_1, **changes))
    assert any(message in text for text in problems[field]), problems


def test_zero_or_fractional_cent_points_are_refused(world: World, tree: Tree) -> None:
    for points in (Decimal(0), Decimal("0.001")):
        problems = _refused(world, multiple_choice(tree.rp_a_1, standards=((tree.rp_a_1, points),)))
        assert problems["standards"] == [
            "Points toward 6.RP.A.1 must be a number more than 0, at most two decimals."
        ]


def test_numeric_needs_its_answer_and_short_text_its_answers(world: World, tree: Tree) -> None:
    numeric = ItemDraft(
        interaction="numeric", stem="3 × 4 = ?", dok=1, standards=((tree.rp_a_1, Decimal(1)),)
    )
    assert "Give the correct number." in _refused(world, numeric)["numeric_answer"]
    short = ItemDraft(
        interaction="short_text", stem="Name it.", dok=1, standards=((tree.rp_a_1, Decimal(1)),)
    )
    assert "teacher scored" in _refused(world, short)["accepted_answers"][0]


def test_a_rubric_with_falling_points_names_its_row(world: World, tree: Tree) -> None:
    bad = CriterionDraft("Explains", tree.rp_a_1, (("High", Decimal(2)), ("Low", Decimal(1))))
    draft = ItemDraft(interaction="extended", stem="Explain.", dok=3, criteria=(bad,))
    assert "Criterion 1: levels' points must rise" in _refused(world, draft)["criteria"][0]


def test_an_image_without_alt_text_or_not_an_image_is_refused(world: World) -> None:
    with pytest.raises(ValidationError) as no_alt:
        services.image_add(actor=world.teacher, data=b"", filename="a.png", alt_text=" ")
    assert "alt text" in no_alt.value.message_dict["alt_text"][0]
    assert "or mark it decorative" in no_alt.value.message_dict["alt_text"][0]
    with pytest.raises(ValidationError) as both:
        services.image_add(
            actor=world.teacher, data=b"", filename="a.png", alt_text="A dot", decorative=True
        )
    assert "A decorative image has no alt text" in both.value.message_dict["alt_text"][0]
    with pytest.raises(ValidationError) as not_image:
        services.image_add(
            actor=world.teacher, data=b"<html>hi</html>", filename="a.png", alt_text="A graph"
        )
    assert "a.png" in not_image.value.message_dict["image"][0]
    assert ItemImage.objects.count() == 0


def test_an_image_typed_into_a_stem_or_choice_needs_alt_text_or_alt_empty(
    world: World, tree: Tree, png: bytes
) -> None:
    image = services.image_add(actor=world.teacher, data=png, filename="a.png", alt_text="A dot")
    bare = f'<img src="/assessments/images/{image.pk}/">'
    problems = _refused(
        world,
        multiple_choice(
            tree.rp_a_1, stem=f"<p>Look: {bare}</p>", choices=(KEY, ChoiceDraft(f"8 {bare}"))
        ),
    )
    assert problems["stem"] == [
        "The stem shows an image without alt text: describe it for students who cannot see it "
        '(alt="…"), or mark it decorative (alt="") if it adds nothing they need.'
    ]
    assert problems["choices"][0].startswith("Choice B shows an image without alt text")

    with pytest.raises(ValidationError) as passage:
        services.stimulus_create(actor=world.teacher, title="Dots", content=f"<p>{bare}</p>")
    assert passage.value.message_dict["content"][0].startswith(
        "The passage shows an image without alt text"
    )
    assert Stimulus.objects.count() == 0

    decorative = f'<p>Look: <img src="/assessments/images/{image.pk}/" alt=""></p>'
    item = services.item_create(
        actor=world.teacher, draft=multiple_choice(tree.rp_a_1, stem=decorative)
    )
    assert item.current is not None and 'alt=""' in item.current.stem_html


def test_an_image_of_someone_elses_is_refused_in_a_stem(world: World, tree: Tree) -> None:
    image = ItemImage.objects.create(
        owner=world.other_teacher,
        content_type="image/png",
        data=b"x",
        width=1,
        height=1,
        alt_text="x",
    )
    stem = f'Look: <img src="/assessments/images/{image.pk}/" alt="x">'
    problems = _refused(world, multiple_choice(tree.rp_a_1, stem=stem))
    assert problems["stem"] == [f"Image {image.pk} is not one you may use."]
