"""On the student's page of an assessment that shuffles options: an item that forbids it
keeps its options in order, and a fixed option ("All of the above") stays last while the
others move; the same attempt always shows the same order."""

from __future__ import annotations

from decimal import Decimal

from masterly.assessments.items.drafts import ChoiceDraft, ItemDraft
from masterly.trackers.selectors.taking import TakingItem, taking_items
from masterly.trackers.services import taking
from tests.assessment_factories import Mastery
from tests.taking.conftest import make_online


def _item(m: Mastery, n: int, choices: tuple[ChoiceDraft, ...], **more: object) -> ItemDraft:
    return ItemDraft(
        interaction="multiple_choice",
        stem=f"Question {n}?",
        dok=1,
        standards=((m.standard_a, Decimal(1)),),
        choices=choices,
        **more,  # type: ignore[arg-type]
    )


def test_the_students_options_follow_the_items_shuffling(mastery: Mastery) -> None:
    in_order = tuple(ChoiceDraft(str(n), is_correct=n == 3) for n in range(1, 6))
    all_above = (
        ChoiceDraft("red"),
        ChoiceDraft("green"),
        ChoiceDraft("blue"),
        ChoiceDraft("yellow"),
        ChoiceDraft("All of the above", is_correct=True, fixed=True),
    )
    written = [_item(mastery, 0, in_order, may_shuffle_options=False)]
    written += [_item(mastery, n, all_above) for n in range(1, 7)]
    online = make_online(mastery, written=written)
    online.assessment.shuffle_options = True
    online.assessment.save(update_fields=["shuffle_options"])
    attempt = taking.attempt_start(student=online.student, assignment=online.assignment)

    items, _tools = taking_items(attempt, online.assignment)

    def texts(item: TakingItem) -> list[str]:
        return [str(c.html).removeprefix("<p>").removesuffix("</p>") for c in item.choices]

    first, *others = items
    assert texts(first) == ["1", "2", "3", "4", "5"]
    assert all(texts(item)[-1] == "All of the above" for item in others)
    assert any(texts(item)[:4] != ["red", "green", "blue", "yellow"] for item in others)
    again, _tools = taking_items(attempt, online.assignment)
    assert [texts(item) for item in again] == [texts(item) for item in items]
