"""Scoring one response against an item's key: pure functions, no database.

A :class:`Key` is what an item version says is right (read once from the database by the
caller); each ``score_*`` function takes the answer given and returns the item's points
earned. Choice items, numeric entry and short text with accepted answers are all-or-nothing:
full points or none. **Multiple select is all-or-nothing too**: the set of chosen options must
equal the set of correct ones exactly (no partial credit, no penalty arithmetic), because
partial credit rewards a student who ticks every box. Short text without accepted answers and
the rubric of an extended response are the teacher's: their points are given, not computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Key:
    """An item version's key: its interaction, total points and what is right."""

    interaction: str
    points: Decimal
    correct: frozenset[int] = frozenset()  # choice positions (0 = A)
    choice_count: int = 0
    numeric_answer: Decimal | None = None
    numeric_tolerance: Decimal = Decimal(0)
    accepted_answers: tuple[str, ...] = ()
    teacher_scored: bool = False
    # An extended response: each criterion's levels' points, lowest level first.
    criteria: tuple[tuple[Decimal, ...], ...] = field(default=())

    @property
    def is_teachers(self) -> bool:
        """Whether the teacher gives the points (nothing to compare an answer with)."""
        return self.interaction == "extended" or (
            self.interaction == "short_text" and (self.teacher_scored or not self.accepted_answers)
        )


def choices_mask(positions: Sequence[int]) -> int:
    """Chosen positions as one integer, bit ``p`` for position ``p`` (how a response keeps
    them, so that the item analysis counts each option with one aggregate query)."""
    mask = 0
    for position in positions:
        mask |= 1 << position
    return mask


def mask_positions(mask: int) -> list[int]:
    """The positions set in ``mask``, in order."""
    return [position for position in range(mask.bit_length()) if mask >> position & 1]


def score_choices(key: Key, chosen: int) -> Decimal:
    """Multiple choice, true/false and multiple select (all-or-nothing): the chosen
    positions (a mask) must be exactly the correct ones."""
    return key.points if chosen and chosen == choices_mask(sorted(key.correct)) else Decimal(0)


def score_numeric(key: Key, answer: Decimal) -> Decimal:
    """Numeric entry: right when within the tolerance of the answer (exact when it is 0)."""
    if key.numeric_answer is None:
        return Decimal(0)
    return key.points if abs(answer - key.numeric_answer) <= key.numeric_tolerance else Decimal(0)


def normal_text(text: str) -> str:
    """Text as short answers are compared: case-insensitive, runs of spaces as one, trimmed."""
    return " ".join(text.split()).casefold()


def score_text(key: Key, answer: str) -> Decimal:
    """Short text with accepted answers: right when it equals one of them (case and spaces
    aside)."""
    given = normal_text(answer)
    accepted = {normal_text(each) for each in key.accepted_answers}
    return key.points if given and given in accepted else Decimal(0)


def score_rubric(key: Key, levels: Sequence[int]) -> list[Decimal]:
    """An extended response: each criterion's points at the level given (positions, lowest
    0). Raises ValueError when a level does not exist."""
    if len(levels) != len(key.criteria):
        raise ValueError(f"expected {len(key.criteria)} levels, got {len(levels)}")
    points = []
    for level, criterion in zip(levels, key.criteria, strict=True):
        if not 0 <= level < len(criterion):
            raise ValueError(f"no level {level}")
        points.append(criterion[level])
    return points
