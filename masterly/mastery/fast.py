"""The same scores as :func:`~masterly.mastery.engine.calculate`, without the explanation.

A bulk recompute scores hundreds of thousands of cells; building each step's text there would
cost more than the arithmetic. :class:`Scorer` does exactly the arithmetic of the methods in
:mod:`masterly.mastery.methods`, operation for operation and in the same decimal context, so
its unrounded score and level are *identical* to ``calculate()``'s (a property test holds it
to that). ``power_law`` and ``mode`` are rare and call the explained methods themselves.

    >>> from decimal import Decimal
    >>> scorer = Scorer(MasteryPolicy())
    >>> unrounded, level = scorer.score([Decimal(25), Decimal(50), Decimal(75), Decimal(100)])
    >>> scorer.percent(unrounded), level.abbreviation
    (Decimal('86.91'), 'M')
"""

from __future__ import annotations

import decimal
from collections.abc import Sequence
from decimal import Decimal

from .methods import METHODS, MethodInput
from .policy import MasteryPolicy, check_maximum
from .rounding import CONTEXT, NumberLike, round_half_up
from .scales import Level

ZERO = Decimal(0)


class Scorer:
    """Scores for one policy on a 0..``maximum`` scale, as fast as plain Decimals allow."""

    __slots__ = (
        "_keep",
        "_mastery_bar",
        "_method",
        "_one_minus_w",
        "_thresholds",
        "maximum",
        "policy",
    )

    def __init__(self, policy: MasteryPolicy, maximum: NumberLike = 100) -> None:
        self.policy = policy
        self.maximum = check_maximum(maximum)
        with decimal.localcontext(CONTEXT):
            # ``Scale.level_for`` compares value × 100 ≥ cut × maximum: the right-hand sides.
            self._thresholds = tuple(
                (level, level.cut * self.maximum) for level in policy.scale.levels
            )
            self._mastery_bar = policy.scale.mastery_level.cut * self.maximum
            self._keep = 1 - policy.decay
            self._one_minus_w = 1 - policy.weight
        self._method = policy.method

    def scaled(self, points_earned: Decimal, points_possible: Decimal) -> Decimal:
        """Evidence on the 0..maximum scale, as ``Evidence.scaled_to`` computes it."""
        if points_possible == self.maximum:
            return points_earned
        with decimal.localcontext(CONTEXT):
            return points_earned * self.maximum / points_possible

    def level_for(self, value: Decimal | None) -> Level:
        """The level of an unrounded score, as ``Scale.level_for`` decides it."""
        if value is None:
            return self.policy.scale.not_assessed
        with decimal.localcontext(CONTEXT):
            return self._level(value)

    def _level(self, value: Decimal) -> Level:
        hundredfold = value * 100
        for level, threshold in self._thresholds:
            if hundredfold >= threshold:
                return level
        return self.policy.scale.levels[-1]  # only for a negative value, which evidence forbids

    def score(self, values: Sequence[Decimal]) -> tuple[Decimal | None, Level]:
        """The unrounded score and computed level of x₁ … xₙ (oldest first, scaled).

        No values → ``(None, not assessed)``, as ``calculate([])`` gives.
        """
        if not values:
            return None, self.policy.scale.not_assessed
        with decimal.localcontext(CONTEXT):
            method = self._method
            if method == "decaying_average":
                d, keep = self.policy.decay, self._keep
                iterator = iter(values)
                result = next(iterator)
                for x in iterator:
                    result = keep * result + d * x
            elif method == "most_recent":
                result = values[-1]
            elif method == "highest":
                result = max(values)
            elif method == "average":
                result = sum(values, ZERO) / len(values)
            elif method == "weighted_average":
                *earlier, latest = values
                if earlier:
                    k = len(earlier)
                    w = self.policy.weight
                    result = (w * latest * k + self._one_minus_w * sum(earlier, ZERO)) / k
                else:
                    result = latest
            elif method == "n_mastery":
                bar = self._mastery_bar
                at_mastery = [x for x in values if x * 100 >= bar]
                if len(at_mastery) < self.policy.n:
                    return None, self.policy.scale.not_assessed
                result = sum(at_mastery, ZERO) / len(at_mastery)
            else:  # power_law, mode: rare, so the explained implementation is reused.
                outcome = METHODS[method](MethodInput(tuple(values), self.maximum, self.policy))
                return outcome.score, outcome.level or self.level_for(outcome.score)
            return result, self._level(result)

    def percent(self, unrounded: Decimal | None) -> Decimal | None:
        """``MasteryResult.percent``: the score as a percentage, rounded half-up to 2 places."""
        if unrounded is None:
            return None
        # Not a shortcut for maximum = 100: × 100 / 100 can round the 28th digit, and the
        # stored percent must be the very number ``calculate()`` reports.
        with decimal.localcontext(CONTEXT):
            return round_half_up(unrounded * 100 / self.maximum)


def score_values(
    values: Sequence[Decimal], policy: MasteryPolicy, maximum: NumberLike = 100
) -> tuple[Decimal | None, Level]:
    """The unrounded score and computed level of ``values`` (oldest first, on 0..maximum).

    Identical to ``calculate(evidence, policy, maximum=maximum)``'s ``unrounded`` and
    ``computed_level`` for the same evidence in the same order, without the explanation.
    """
    return Scorer(policy, maximum).score(values)
