"""Evidence: one student's result on one standard from one assessment attempt, as plain data.

The Django layer turns its rows into :class:`Evidence`; the engine never sees a model.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .errors import EvidenceError
from .rounding import NumberLike, to_decimal


@dataclass(frozen=True, slots=True)
class Evidence:
    """Points earned of points possible, with when it was assessed and when it was entered.

    ``assessed_on`` orders evidence; ties go by ``entered_at`` (evidence with no entry time
    comes first) and then by ``entry_order`` (for example the database id). Evidence with no
    ``assessed_on`` sorts before dated evidence, so undated lists keep their entry order.
    ``label`` (usually the assessment title) lets an explanation name the evidence.
    """

    points_earned: Decimal
    points_possible: Decimal = Decimal(100)
    assessed_on: dt.date | None = None
    entered_at: dt.datetime | None = None
    entry_order: int = 0
    label: str = ""

    def __post_init__(self) -> None:
        # Store normalised Decimals in place of what was given (an int, a str, a float).
        earned = to_decimal(self.points_earned, "points earned", EvidenceError)
        possible = to_decimal(self.points_possible, "points possible", EvidenceError)
        if possible <= 0:
            raise EvidenceError(f"points possible must be more than 0 (got {possible})")
        if earned < 0:
            raise EvidenceError(f"points earned cannot be negative (got {earned})")
        if earned > possible:
            raise EvidenceError(
                f"points earned ({earned}) cannot be more than points possible ({possible})"
            )
        if isinstance(self.assessed_on, dt.datetime) or not (
            self.assessed_on is None or isinstance(self.assessed_on, dt.date)
        ):
            raise EvidenceError(
                f"assessed_on must be a date (not a datetime) or None (got {self.assessed_on!r})"
            )
        object.__setattr__(self, "points_earned", earned)
        object.__setattr__(self, "points_possible", possible)

    @classmethod
    def of_percent(
        cls,
        percent: NumberLike,
        *,
        assessed_on: dt.date | None = None,
        entered_at: dt.datetime | None = None,
        entry_order: int = 0,
        label: str = "",
    ) -> Evidence:
        """Evidence given directly as a percentage (0–100)."""
        return cls(
            to_decimal(percent, "percent", EvidenceError),
            Decimal(100),
            assessed_on=assessed_on,
            entered_at=entered_at,
            entry_order=entry_order,
            label=label,
        )

    @property
    def percent(self) -> Decimal:
        """Points earned as a percentage of points possible (unrounded)."""
        return self.scaled_to(Decimal(100))

    def scaled_to(self, maximum: Decimal) -> Decimal:
        """This evidence on a 0..``maximum`` scale.

        When ``points_possible`` already equals ``maximum`` the points are returned untouched,
        so calculations on a 1–4 point scale stay exact (no division by 4 and back).
        """
        if self.points_possible == maximum:
            return self.points_earned
        return self.points_earned * maximum / self.points_possible

    def sort_key(self) -> tuple[dt.date, bool, dt.datetime | None, int]:
        """Assessed date, then entry time, then entry order (see the class docstring)."""
        return (
            self.assessed_on or dt.date.min,
            self.entered_at is not None,
            self.entered_at,
            self.entry_order,
        )


def in_order(evidence: Iterable[Evidence]) -> list[Evidence]:
    """Evidence ordered as the methods expect: x₁ the earliest, xₙ the latest."""
    return sorted(evidence, key=Evidence.sort_key)


def evidence_series(values: Sequence[NumberLike], *, possible: NumberLike = 100) -> list[Evidence]:
    """Undated evidence from plain numbers in the order given ("Evidence 1", "Evidence 2", …).

    Handy for the command line, tests and previews ("what if the next score were 3?").
    """
    return [
        Evidence(
            to_decimal(value, f"score {position}", EvidenceError),
            to_decimal(possible, "points possible", EvidenceError),
            entry_order=position,
            label=f"Evidence {position}",
        )
        for position, value in enumerate(values, start=1)
    ]
