"""The result of a calculation: score, level, override, and everything needed to explain it."""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from decimal import Decimal

from .explain import EvidenceUse, JsonValue, Override, Step, json_number
from .policy import MasteryPolicy
from .rounding import CONTEXT, format_number, format_two_places, round_half_up
from .scales import Level

# What each method means, in words a parent can follow.
_PLAIN_METHOD: dict[str, str] = {
    "most_recent": "the most recent evidence counts",
    "highest": "the highest evidence counts",
    "average": "all evidence counts equally (the average)",
    "decaying_average": (
        "every piece of evidence counts, newer ones more: each new score counts {decay} "
        "and the result before it {keep}"
    ),
    "weighted_average": (
        "the most recent score counts {weight} and the average of all earlier scores {rest}"
    ),
    "n_mastery": (
        "once at least {n} scores are at or above the mastery cut, the result is their average"
    ),
    "power_law": (
        "a learning curve (power law) is fitted through all the scores and its value at the "
        "latest score is the result (with fewer than 3 scores, the average)"
    ),
    "mode": (
        "the level reached most often counts (a tie goes to the higher level); "
        "the score is the average of the evidence at that level"
    ),
}


@dataclass(frozen=True, slots=True)
class MasteryResult:
    """A student's mastery on one standard, able to explain itself.

    ``unrounded`` is the exact score on the 0..``maximum`` scale (``None``: no score yet);
    ``score`` and ``percent`` are rounded half-up to two decimals for display. The computed
    level follows from the *unrounded* score. A teacher override changes :attr:`level` but
    keeps ``computed_level`` and the whole calculation, so the explanation can show both.
    """

    policy: MasteryPolicy
    maximum: Decimal
    evidence: tuple[EvidenceUse, ...]
    steps: tuple[Step, ...]
    unrounded: Decimal | None
    computed_level: Level
    level_reason: str
    override: Override | None = None

    @property
    def method(self) -> str:
        """The method identifier (``decaying_average``)."""
        return self.policy.method

    @property
    def score(self) -> Decimal | None:
        """The score on the 0..maximum scale, rounded half-up to two decimals."""
        return None if self.unrounded is None else round_half_up(self.unrounded)

    @property
    def unrounded_percent(self) -> Decimal | None:
        """The unrounded score as a percentage of the maximum."""
        if self.unrounded is None:
            return None
        with decimal.localcontext(CONTEXT):
            return self.unrounded * 100 / self.maximum

    @property
    def percent(self) -> Decimal | None:
        """The score as a percentage of the maximum, rounded half-up to two decimals."""
        unrounded = self.unrounded_percent
        return None if unrounded is None else round_half_up(unrounded)

    @property
    def level(self) -> Level:
        """The level to show: the teacher's override if there is one, else the computed one."""
        return self.override.level if self.override else self.computed_level

    @property
    def overridden(self) -> bool:
        """Whether a teacher set the level by hand."""
        return self.override is not None

    def to_dict(self) -> dict[str, JsonValue]:
        """Everything, for JSON: numbers as numbers, levels as abbreviations."""
        override = self.override.to_dict() if self.override else None
        return {
            "method": self.method,
            "method_name": self.policy.method_name,
            "parameters": dict(self.policy.parameters()),
            "maximum": json_number(self.maximum),
            "score": json_number(self.score),
            "unrounded": None if self.unrounded is None else str(self.unrounded),
            "percent": json_number(self.percent),
            "level": self.level.abbreviation,
            "level_name": self.level.name,
            "computed_level": self.computed_level.abbreviation,
            "computed_level_name": self.computed_level.name,
            "level_reason": self.level_reason,
            "overridden": self.overridden,
            "override": override,
            "evidence": [use.to_dict() for use in self.evidence],
            "steps": [step.to_dict() for step in self.steps],
        }

    def explain(self) -> str:
        """The calculation in plain language, as a parent would read it."""
        policy = self.policy
        with decimal.localcontext(CONTEXT):
            how = _PLAIN_METHOD[policy.method].format(
                decay=format_number(policy.decay),
                keep=format_number(1 - policy.decay),
                weight=format_number(policy.weight),
                rest=format_number(1 - policy.weight),
                n=policy.n,
            )
        lines = [f"Method: {policy.method_name} — {how}."]
        if self.evidence:
            lines.append("Evidence, oldest first:")
            lines += [f"  {use.position}. {use.describe(self.maximum)}" for use in self.evidence]
            lines.append("Steps:")
            lines += [f"  {step.text}" for step in self.steps]
        else:
            lines.append("There is no evidence yet.")
        if self.unrounded is not None:
            score = format_two_places(self.unrounded)
            if self.maximum == 100:
                lines.append(f"Score: {score} %.")
            else:
                percent = format_two_places(self.unrounded_percent or Decimal(0))
                lines.append(f"Score: {score} of {format_number(self.maximum)} ({percent} %).")
        lines.append(f"Level: {self.level_reason[:1].upper()}{self.level_reason[1:]}.")
        if self.override:
            lines.append(
                f"The teacher set the level to {self.override.level.name} "
                f"({self.override.level.abbreviation}) instead of {self.computed_level.name} "
                f"({self.computed_level.abbreviation}). Reason: {self.override.reason}"
            )
        return "\n".join(lines)
