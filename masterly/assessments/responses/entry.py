"""What a teacher types for one student on one item of a paper test, read and scored.

One cell per item: a letter for a choice item (``A``; several for multiple select, ``AC``;
``T``/``F`` for true/false), a number for numeric entry, the answer for short text, the
points for a teacher-scored short text, each criterion's level points for a rubric
(``3 2``), or ``-`` when the student left it blank (no points). A digit typed for a choice
item is the item's score itself (the teacher marked it on paper). A blank cell is "not
entered yet". Bad input raises :class:`EntryError` with a message saying what to type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from masterly.assessments.items.models import InteractionType
from masterly.assessments.responses.keys import PlacedItem
from masterly.assessments.scoring import (
    choices_mask,
    mask_positions,
    score_choices,
    score_numeric,
    score_rubric,
    score_text,
)

OMITTED = "-"
MAX_TEXT = 500
# Numeric entry is kept to 12 digits before the point and 6 after.
NUMBER_LIMIT = Decimal(10) ** 12
CHOICE_TYPES = {
    InteractionType.MULTIPLE_CHOICE,
    InteractionType.MULTIPLE_SELECT,
    InteractionType.TRUE_FALSE,
}


class EntryError(ValueError):
    """A cell that cannot be read; the message says what to type instead."""


@dataclass(frozen=True, slots=True)
class Answer:
    """A cell read: the response given, or the points the teacher gave."""

    choices: int | None = None
    text: str = ""
    number: Decimal | None = None
    levels: tuple[int, ...] | None = None
    given_points: Decimal | None = None
    omitted: bool = False


@dataclass(frozen=True, slots=True)
class Scored:
    """An answer's item points (None: waiting for the teacher) and a rubric's per criterion."""

    points: Decimal | None
    criterion_points: list[Decimal] | None = None


def read_entry(item: PlacedItem, typed: str) -> Answer | None:
    """The cell as an answer (None when blank: nothing entered)."""
    text = typed.strip()
    if not text:
        return None
    if text == OMITTED:
        return Answer(omitted=True)
    kind = item.key.interaction
    if kind in CHOICE_TYPES:
        return _read_choices(item, text)
    if kind == InteractionType.NUMERIC:
        return Answer(number=_number(text))
    if kind == InteractionType.EXTENDED:
        return Answer(levels=_levels(item, text))
    if item.key.is_teachers:
        return Answer(given_points=_item_points(item, text))
    if len(text) > MAX_TEXT:
        raise EntryError(f"the answer is longer than {MAX_TEXT} characters; shorten it.")
    return Answer(text=text)


def score_answer(item: PlacedItem, answer: Answer) -> Scored:
    """The points ``answer`` earns on ``item`` with its key."""
    key = item.key
    if answer.omitted:
        zeros = [Decimal(0)] * len(key.criteria) if key.criteria else None
        return Scored(Decimal(0), zeros)
    if answer.given_points is not None:
        return Scored(answer.given_points)
    if answer.levels is not None:
        points = score_rubric(key, answer.levels)
        return Scored(sum(points, Decimal(0)), points)
    if answer.choices is not None:
        return Scored(score_choices(key, answer.choices))
    if answer.number is not None:
        return Scored(score_numeric(key, answer.number))
    if key.is_teachers:
        return Scored(None)
    return Scored(score_text(key, answer.text))


def typed_text(item: PlacedItem, answer: Answer, points: Decimal | None) -> str:
    """What the teacher would type to give ``answer`` (the page shows it back)."""
    if answer.omitted:
        return OMITTED
    if answer.choices is not None:
        if item.key.interaction == InteractionType.TRUE_FALSE:
            return "T" if answer.choices == 1 else "F"
        return "".join(chr(ord("A") + p) for p in mask_positions(answer.choices))
    if answer.number is not None:
        return f"{answer.number.normalize():f}"
    if answer.levels is not None:
        return " ".join(
            f"{item.key.criteria[n][level].normalize():f}" for n, level in enumerate(answer.levels)
        )
    if answer.text:
        return answer.text
    return f"{points.normalize():f}" if points is not None else ""


def _read_choices(item: PlacedItem, text: str) -> Answer:
    if text[0].isdigit():
        return Answer(given_points=_item_points(item, text))
    upper = text.upper()
    if item.key.interaction == InteractionType.TRUE_FALSE and upper in {"T", "F", "TRUE", "FALSE"}:
        return Answer(choices=choices_mask([0 if upper.startswith("T") else 1]))
    letters = re.sub(r"[\s,;]+", "", upper)
    count = item.key.choice_count
    for letter in letters:
        if not ("A" <= letter <= "Z") or ord(letter) - ord("A") >= count:
            hint = "T or F" if item.key.interaction == InteractionType.TRUE_FALSE else item.letters
            raise EntryError(f"'{letter}' is not a choice; choose {hint}.")
    positions = sorted({ord(letter) - ord("A") for letter in letters})
    if item.key.interaction != InteractionType.MULTIPLE_SELECT and len(positions) > 1:
        raise EntryError(f"'{text}' is several choices; this item takes one ({item.letters}).")
    return Answer(choices=choices_mask(positions))


def _number(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise EntryError(f"'{text}' is not a number; type digits, e.g. 12.5.") from None
    if not value.is_finite() or abs(value) >= NUMBER_LIMIT:
        raise EntryError(f"'{text}' is out of range; numbers are under 1,000,000,000,000.")
    if value != value.quantize(Decimal("0.000001")):
        raise EntryError(f"'{text}' has more than 6 decimals; round it.")
    return value


def _item_points(item: PlacedItem, text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal(-1)
    top = item.key.points
    if (
        not value.is_finite()
        or value < 0
        or value > top
        or value != value.quantize(Decimal("0.01"))
    ):
        raise EntryError(
            f"'{text}' is not a score for this item; give points from 0 to {top.normalize():f}."
        )
    return value


def _levels(item: PlacedItem, text: str) -> tuple[int, ...]:
    parts = [part for part in re.split(r"[\s,;/]+", text) if part]
    criteria = item.key.criteria
    if len(parts) != len(criteria):
        raise EntryError(
            f"'{text}' gives {len(parts)} levels; this rubric has {len(criteria)} criteria: "
            "type each one's points, e.g. "
            + " ".join(f"{c[-1].normalize():f}" for c in criteria)
            + "."
        )
    levels = []
    for number, (part, criterion) in enumerate(zip(parts, criteria, strict=True), start=1):
        allowed = [f"{points.normalize():f}" for points in criterion]
        try:
            value = Decimal(part)
            level = list(criterion).index(value)
        except (InvalidOperation, ValueError):
            raise EntryError(
                f"criterion {number}: '{part}' is not one of its levels; give {', '.join(allowed)}."
            ) from None
        levels.append(level)
    return tuple(levels)


def stored_answer(
    choices: int | None, text: str, number: Decimal | None, levels: list[int] | None
) -> Answer | None:
    """A saved response's answer, to score again (None when the teacher gave the points:
    there is nothing a key decides)."""
    if choices is not None:
        return Answer(choices=choices)
    if number is not None:
        return Answer(number=number)
    if levels is not None:
        return Answer(levels=tuple(levels))
    if text:
        return Answer(text=text)
    return None


def read_number(text: str) -> Decimal:
    """A number as typed (numeric entry, online or on paper); raises :class:`EntryError`."""
    return _number(text.strip())
