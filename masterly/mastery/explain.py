"""The pieces an explanation is made of: steps, the evidence as used, a teacher override.

Kept apart from the methods so the Django layer can store or render them (``to_dict``)
without knowing how any method works.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from .rounding import format_number
from .scales import Level

JsonValue = str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]


def json_number(value: Decimal | None) -> float | None:
    """A Decimal as a JSON number (``None`` stays ``null``)."""
    return None if value is None else float(value)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a calculation, as text a person can check, with its unrounded value."""

    name: str
    text: str
    value: Decimal | None = None

    def to_dict(self) -> dict[str, JsonValue]:
        """The step for JSON; ``value`` is a number (unrounded, for checking)."""
        return {"name": self.name, "text": self.text, "value": json_number(self.value)}


@dataclass(frozen=True, slots=True)
class EvidenceUse:
    """One piece of evidence as the method saw it: its place xᵢ, its value, whether it counted."""

    position: int
    label: str
    assessed_on: dt.date | None
    points_earned: Decimal
    points_possible: Decimal
    value: Decimal
    level: Level
    counted: bool

    def describe(self, maximum: Decimal) -> str:
        """ "Quiz 2 (2024-09-03): 3 of 4" — the line a parent reads."""
        when = f" ({self.assessed_on.isoformat()})" if self.assessed_on else ""
        text = f"{self.label or f'Evidence {self.position}'}{when}: "
        text += f"{format_number(self.points_earned)} of {format_number(self.points_possible)}"
        if self.points_possible != maximum:
            text += f" = {format_number(self.value)} of {format_number(maximum)}"
        text += f", {self.level.name} ({self.level.abbreviation})"
        return text if self.counted else text + " (not counted)"

    def to_dict(self) -> dict[str, JsonValue]:
        """The evidence for JSON."""
        return {
            "position": self.position,
            "label": self.label,
            "assessed_on": self.assessed_on.isoformat() if self.assessed_on else None,
            "points_earned": json_number(self.points_earned),
            "points_possible": json_number(self.points_possible),
            "value": json_number(self.value),
            "level": self.level.abbreviation,
            "counted": self.counted,
        }


@dataclass(frozen=True, slots=True)
class Override:
    """A teacher's decision to set the level by hand, with the reason (and optionally who)."""

    level: Level
    reason: str
    by: str = ""

    def to_dict(self) -> dict[str, JsonValue]:
        """The override for JSON."""
        return {
            "level": self.level.abbreviation,
            "level_name": self.level.name,
            "reason": self.reason,
            "by": self.by,
        }
