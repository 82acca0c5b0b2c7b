"""A student's accommodations as the taking pages apply them (the tools helper's module
replaces this one at merge: these are the neutral answers)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def time_limit_factor(student: Any, assignment: Any) -> Decimal:
    """How much longer than the assignment's time limit the student has (1: as set)."""
    return Decimal(1)


def options_shown(item_version: Any, reduced: bool) -> list[Any]:
    """The options of ``item_version`` the student sees (all of them, for now)."""
    return list(item_version.choices.all())


def student_tools(student: Any, assignment: Any) -> frozenset[str]:
    """The tools (text-to-speech, calculator…) the student has on this assignment."""
    return frozenset()
