"""The calculation methods of the product brief, exactly, on plain Decimals.

Each method receives the evidence values x₁ … xₙ (oldest first, n ≥ 1, all on the same
0..maximum scale) and returns the unrounded score with the steps that produced it. Rounding
and the level are decided afterwards by :mod:`masterly.mastery.engine`, from the unrounded
score, so no method rounds anything.

The caller runs these inside ``decimal.localcontext(CONTEXT)``.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .errors import MasteryParameterError
from .explain import Step
from .policy import DEFAULT_DECAY, MasteryPolicy, check_decay
from .rounding import CONTEXT, NumberLike, format_number, to_decimal
from .scales import Level


@dataclass(frozen=True, slots=True)
class MethodInput:
    """What every method gets: x₁ … xₙ (n ≥ 1), the scale's maximum and the policy."""

    values: tuple[Decimal, ...]
    maximum: Decimal
    policy: MasteryPolicy


@dataclass(frozen=True, slots=True)
class MethodOutcome:
    """What a method returns.

    ``counted`` holds the 0-based positions of the evidence that counted (``None``: all of
    it). ``level`` and ``level_reason`` are set only by methods that decide the level
    themselves (``mode``; ``n_mastery`` when there is no score yet).
    """

    score: Decimal | None
    steps: tuple[Step, ...]
    counted: frozenset[int] | None = None
    level: Level | None = None
    level_reason: str | None = None


Method = Callable[[MethodInput], MethodOutcome]

FIT_RESOLUTION = Decimal("1e-12")
"""The power-law result is kept to 12 decimals (see :func:`power_law`)."""

_f = format_number


def _x(position: int) -> str:
    """The name of the evidence at 0-based ``position``: x1, x2, …"""
    return f"x{position + 1}"


def _mean(values: Sequence[Decimal], name: str = "mean") -> tuple[Decimal, Step]:
    """The mean of ``values`` and the step showing it: mean = (1 + 2) / 2 = 1.5."""
    mean = sum(values, Decimal(0)) / len(values)
    joined = " + ".join(_f(v) for v in values)
    return mean, Step(name, f"{name} = ({joined}) / {len(values)} = {_f(mean)}", mean)


def most_recent(data: MethodInput) -> MethodOutcome:
    """xₙ: the latest evidence."""
    last = len(data.values) - 1
    value = data.values[last]
    step = Step("result", f"the most recent evidence {_x(last)} = {_f(value)}", value)
    return MethodOutcome(value, (step,), frozenset({last}))


def highest(data: MethodInput) -> MethodOutcome:
    """max xᵢ (the earliest evidence reaching it is the one shown as counted)."""
    value = max(data.values)
    position = data.values.index(value)
    text = f"the highest of {', '.join(_f(v) for v in data.values)} is {_f(value)}"
    return MethodOutcome(value, (Step("result", text, value),), frozenset({position}))


def average(data: MethodInput) -> MethodOutcome:
    """The mean of all xᵢ."""
    mean, step = _mean(data.values)
    return MethodOutcome(mean, (step,))


def decaying_extend(
    previous_unrounded_score: NumberLike | None,
    new_x: NumberLike,
    d: NumberLike = DEFAULT_DECAY,
) -> Decimal:
    """One decaying-average step: sᵢ = (1 − d)·sᵢ₋₁ + d·xᵢ (s₁ = x₁ when there is no previous).

    This is the incremental form: when new evidence is appended *at the end* (it is the
    latest by assessed date and entry time), extending the stored unrounded score gives
    exactly what recomputing from all the evidence gives, because :func:`decaying_average`
    is this very function folded over x₁ … xₙ. Pass ``new_x`` on the same scale as the stored
    score (``Evidence.scaled_to(maximum)``). Evidence inserted earlier needs a recompute.
    """
    decay = check_decay(d)
    x = to_decimal(new_x, "new_x", MasteryParameterError)
    if previous_unrounded_score is None:
        return x
    previous = to_decimal(previous_unrounded_score, "previous score", MasteryParameterError)
    with decimal.localcontext(CONTEXT):
        return (1 - decay) * previous + decay * x


def decaying_average(data: MethodInput) -> MethodOutcome:
    """s₁ = x₁, sᵢ = (1 − d)·sᵢ₋₁ + d·xᵢ; the result is sₙ."""
    d = data.policy.decay
    keep = 1 - d
    score: Decimal | None = None
    steps: list[Step] = []
    for position, x in enumerate(data.values):
        previous = score
        score = decaying_extend(previous, x, d)
        name = f"s{position + 1}"
        if previous is None:
            text = f"{name} = {_x(position)} = {_f(x)}"
        else:
            text = f"{name} = {_f(keep)} × {_f(previous)} + {_f(d)} × {_f(x)} = {_f(score)}"
        steps.append(Step(name, text, score))
    return MethodOutcome(score, tuple(steps))


def weighted_average(data: MethodInput) -> MethodOutcome:
    """w·xₙ + (1 − w)·mean(x₁ … xₙ₋₁); xₙ when n = 1."""
    *earlier, latest = data.values
    if not earlier:
        text = f"only one piece of evidence, so the result is x1 = {_f(latest)}"
        return MethodOutcome(latest, (Step("result", text, latest),))
    w = data.policy.weight
    mean, mean_step = _mean(earlier)
    # One division, at the end: w·xₙ + (1 − w)·Σ/k computed as (w·xₙ·k + (1 − w)·Σ) / k, so
    # a result that is exactly on a cut (80) is not nudged below it by a rounded mean.
    k = len(earlier)
    score = (w * latest * k + (1 - w) * sum(earlier, Decimal(0))) / k
    text = (
        f"result = {_f(w)} × {_x(len(earlier))} + {_f(1 - w)} × mean = "
        f"{_f(w)} × {_f(latest)} + {_f(1 - w)} × {_f(mean)} = {_f(score)}"
    )
    return MethodOutcome(score, (mean_step, Step("result", text, score)))


def n_mastery(data: MethodInput) -> MethodOutcome:
    """The mean of the xᵢ at or above the mastery cut once there are at least n; else none."""
    scale, n = data.policy.scale, data.policy.n
    mastery = scale.mastery_level
    at_mastery = [
        position for position, x in enumerate(data.values) if x * 100 >= mastery.cut * data.maximum
    ]
    found = ", ".join(f"{_x(p)} = {_f(data.values[p])}" for p in at_mastery) or "none"
    cut_text = f"{_f(mastery.cut)} % ({mastery.name} cut)"
    first = Step(
        "at_mastery",
        f"evidence at or above {cut_text}: {found} ({len(at_mastery)} of the {n} needed)",
        Decimal(len(at_mastery)),
    )
    counted = frozenset(at_mastery)
    if len(at_mastery) < n:
        reason = (
            f"only {len(at_mastery)} of the {n} pieces of evidence needed at or above "
            f"{cut_text} so far, so there is no score yet: "
            f"{scale.not_assessed.name} ({scale.not_assessed.abbreviation})"
        )
        return MethodOutcome(None, (first,), counted, scale.not_assessed, reason)
    mean, mean_step = _mean([data.values[p] for p in at_mastery])
    return MethodOutcome(mean, (first, mean_step), counted)


def power_law(data: MethodInput) -> MethodOutcome:
    """Least-squares fit of ln y = ln a + b·ln x over x = 1 … n; the result is a·nᵇ.

    Kept within 0 … maximum. Fewer than 3 points → the average. A value under 1 % of the
    maximum counts as 1 % of the maximum in the fit (ln 0 does not exist).
    """
    values, maximum = data.values, data.maximum
    n = len(values)
    if n < 3:
        fallback = average(data)
        note = Step("fallback", f"fewer than 3 pieces of evidence ({n}), so the average is used")
        return MethodOutcome(fallback.score, (note, *fallback.steps))
    floor = maximum / 100
    steps: list[Step] = []
    ys: list[Decimal] = []
    for position, x in enumerate(values):
        if x < floor:
            steps.append(
                Step(
                    "floor",
                    f"{_x(position)} = {_f(x)} is under 1 % of the maximum, "
                    f"so it counts as {_f(floor)} in the fit",
                    floor,
                )
            )
        ys.append(max(x, floor))
    # ln and exp are not exact: fit with 12 extra digits, then keep 12 decimals, so that
    # three scores of exactly 80 give exactly 80 (Mastery), not 79.999…9 (Near Mastery).
    with decimal.localcontext(CONTEXT) as ctx:
        ctx.prec += 12
        ln_x = [Decimal(i).ln() for i in range(1, n + 1)]
        ln_y = [y.ln() for y in ys]
        sum_x, sum_y = sum(ln_x, Decimal(0)), sum(ln_y, Decimal(0))
        sum_xx = sum((a * a for a in ln_x), Decimal(0))
        sum_xy = sum((a * b for a, b in zip(ln_x, ln_y, strict=True)), Decimal(0))
        # x = 1 … n with n ≥ 3 are distinct, so the denominator is never 0.
        b = (n * sum_xy - sum_x * sum_y) / (n * sum_xx - sum_x * sum_x)
        a = ((sum_y - b * sum_x) / n).exp()
        fitted = (a * (b * Decimal(n).ln()).exp()).quantize(FIT_RESOLUTION)
    points = ", ".join(f"({i}, {_f(y)})" for i, y in enumerate(ys, start=1))
    steps += [
        Step("points", f"fit y = a·x^b through the points {points}"),
        Step("b", f"least-squares slope of ln y on ln x: b = {_f(b)}", b),
        Step("a", f"a = e^((Σ ln y − b·Σ ln x) / {n}) = {_f(a)}", a),
        Step("fit", f"a·{n}^b = {_f(a)} × {n}^{_f(b)} = {_f(fitted)}", fitted),
    ]
    score = min(max(fitted, Decimal(0)), maximum)
    if score != fitted:
        steps.append(Step("clamp", f"kept within 0 … {_f(maximum)}: {_f(score)}", score))
    return MethodOutcome(score, tuple(steps))


def mode(data: MethodInput) -> MethodOutcome:
    """The most frequent level; a tie goes to the higher level.

    Its score is the mean of the evidence at that level. That mean always lies on the modal
    level (each level is an interval), so score, level and colour agree, and a number is
    still there for sorting and averaging in reports.
    """
    scale, maximum = data.policy.scale, data.maximum
    levels = [scale.level_for(x, maximum) for x in data.values]
    counts = {level: levels.count(level) for level in scale.levels if level in levels}
    # Scale levels run top-down, so on equal counts the first (higher) level wins.
    winner = max(counts, key=lambda level: (counts[level], -scale.rank(level)))
    tied = [level for level in counts if counts[level] == counts[winner] and level != winner]
    listed = ", ".join(f"{_x(p)} {level.abbreviation}" for p, level in enumerate(levels))
    tally = ", ".join(f"{level.abbreviation} {count}" for level, count in counts.items())
    counted = frozenset(p for p, level in enumerate(levels) if level == winner)
    mean, mean_step = _mean([data.values[p] for p in sorted(counted)], "score")
    reason = (
        f"{winner.name} ({winner.abbreviation}) is the most frequent level "
        f"({counts[winner]} of {len(levels)} pieces of evidence)"
    )
    if tied:
        others = ", ".join(level.name for level in tied)
        reason += f"; tied with {others}, and a tie goes to the higher level"
    steps = (
        Step("levels", f"level of each piece of evidence: {listed}"),
        Step("counts", f"how often each level occurs: {tally}"),
        Step(
            "score",
            f"the score is the mean of the evidence at {winner.abbreviation}: {mean_step.text}",
            mean,
        ),
    )
    return MethodOutcome(mean, steps, counted, winner, reason)


METHODS: dict[str, Method] = {
    "most_recent": most_recent,
    "highest": highest,
    "average": average,
    "decaying_average": decaying_average,
    "weighted_average": weighted_average,
    "n_mastery": n_mastery,
    "power_law": power_law,
    "mode": mode,
}
"""Method identifier → implementation (same keys as ``policy.METHOD_NAMES``)."""
