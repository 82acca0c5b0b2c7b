"""The order one student meets an assessment in: items shuffled within their sections and
options shuffled within their items, when the assessment says so. An item may forbid it (its
options' order carries meaning), and a fixed option ("All of the above") keeps its place
among the options shown while the others move around it.

Deterministic: seeded by the attempt's id, so a student who reloads sees the same order and
a result can be shown in the order the student saw. Plain Python on plain data (the online
delivery reads the rows and calls it).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PlacedItem:
    item_version_id: int
    section: int
    position: int
    choice_positions: tuple[int, ...] = ()  # empty for items without choices
    may_shuffle_options: bool = True
    fixed_positions: frozenset[int] = frozenset()


@dataclass(frozen=True)
class OrderedItem:
    item_version_id: int
    section: int
    choice_positions: tuple[int, ...]


def student_order(
    items: Sequence[PlacedItem], *, attempt_id: int, shuffle_items: bool, shuffle_options: bool
) -> list[OrderedItem]:
    """The items in sections' order; within a section by position or shuffled; each item's
    choices by position or shuffled. The same arguments always give the same order."""
    rng = random.Random(_seed(attempt_id))  # noqa: S311 - an order, not a secret
    ordered: list[OrderedItem] = []
    for section in sorted({item.section for item in items}):
        run = sorted((i for i in items if i.section == section), key=lambda i: i.position)
        if shuffle_items:
            rng.shuffle(run)
        for item in run:
            choices = sorted(item.choice_positions)
            if shuffle_options and item.may_shuffle_options:
                choices = _shuffled_around(rng, choices, item.fixed_positions)
            ordered.append(OrderedItem(item.item_version_id, section, tuple(choices)))
    return ordered


def _shuffled_around(rng: random.Random, choices: list[int], fixed: frozenset[int]) -> list[int]:
    """The choices shuffled, each fixed one at its index. Without fixed ones this is exactly
    one ``rng.shuffle`` of them all, as before fixed choices existed: attempts started then
    keep their order."""
    movable = [choice for choice in choices if choice not in fixed]
    rng.shuffle(movable)
    moved = iter(movable)
    return [choice if choice in fixed else next(moved) for choice in choices]


def _seed(attempt_id: int) -> int:
    # A hash, not the id itself, so neighbouring attempts get unrelated orders; the same on
    # every Python version and machine (str seeds of random are, but say so explicitly).
    digest = hashlib.sha256(f"masterly-attempt-order:{attempt_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big")
