"""The entry points: evidence + policy → :class:`MasteryResult`; teacher overrides."""

from __future__ import annotations

import dataclasses
import decimal
from collections.abc import Iterable, Sequence
from decimal import Decimal

from .errors import OverrideError
from .evidence import Evidence, evidence_series, in_order
from .explain import EvidenceUse, Override, Step
from .methods import METHODS, MethodInput, MethodOutcome
from .policy import MasteryPolicy, check_maximum
from .result import MasteryResult
from .rounding import CONTEXT, NumberLike, format_number, format_two_places, round_half_up
from .scales import Level, Scale

DEFAULT_POLICY = MasteryPolicy()
"""Decaying average, d = 0.65, on the three-level scale."""


def calculate(
    evidence: Iterable[Evidence],
    policy: MasteryPolicy | str = DEFAULT_POLICY,
    *,
    maximum: NumberLike = 100,
) -> MasteryResult:
    """A student's mastery on one standard from their evidence on it.

    ``evidence`` may come in any order: it is ordered by assessed date, then entry time,
    then entry order. ``policy`` may be just a method identifier (default parameters,
    three-level scale). Each piece of evidence is put on a 0..``maximum`` scale first
    (``maximum=100``: percentages, what the tracker stores; ``maximum=4`` with evidence out
    of 4: a 1–4 point scale, exactly). No evidence → no score, level NS.
    """
    if isinstance(policy, str):
        policy = MasteryPolicy(method=policy)
    top = check_maximum(maximum)
    ordered = in_order(evidence)
    scale = policy.scale
    with decimal.localcontext(CONTEXT):
        values = tuple(item.scaled_to(top) for item in ordered)
        if values:
            outcome = METHODS[policy.method](MethodInput(values, top, policy))
        else:
            outcome = MethodOutcome(None, (Step("none", "no evidence yet"),))
        level = outcome.level or scale.level_for(outcome.score, top)
        reason = outcome.level_reason or describe_level(outcome.score, top, level, scale)
        uses = tuple(
            EvidenceUse(
                position=position,
                label=item.label,
                assessed_on=item.assessed_on,
                points_earned=item.points_earned,
                points_possible=item.points_possible,
                value=value,
                level=scale.level_for(value, top),
                counted=outcome.counted is None or position - 1 in outcome.counted,
            )
            for position, (item, value) in enumerate(zip(ordered, values, strict=True), start=1)
        )
    return MasteryResult(
        policy=policy,
        maximum=top,
        evidence=uses,
        steps=outcome.steps,
        unrounded=outcome.score,
        computed_level=level,
        level_reason=reason,
    )


def calculate_values(
    values: Sequence[NumberLike],
    policy: MasteryPolicy | str = DEFAULT_POLICY,
    *,
    maximum: NumberLike = 100,
) -> MasteryResult:
    """:func:`calculate` on plain scores, oldest first, each out of ``maximum``.

    ``calculate_values([1, 2, 3, 4], maximum=4).score == Decimal("3.48")``.
    """
    top = check_maximum(maximum)
    return calculate(evidence_series(values, possible=top), policy, maximum=top)


def override(
    result: MasteryResult, level: Level | str, reason: str, *, by: str = ""
) -> MasteryResult:
    """``result`` with its level set by a teacher to ``level`` (a level or its abbreviation).

    The computed score, level and steps stay, so the explanation shows both. A reason is
    required: students and parents see it. Overriding again replaces the earlier override
    (the history of overrides is the Django layer's to keep).
    """
    if not isinstance(reason, str) or not reason.strip():
        raise OverrideError("an override needs a reason (students and parents will see it)")
    scale = result.policy.scale
    abbreviation = level.abbreviation if isinstance(level, Level) else level
    allowed = ", ".join(item.abbreviation for item in scale.levels)
    chosen = next((item for item in scale.levels if item.abbreviation == abbreviation), None)
    if chosen is None or (isinstance(level, Level) and level != chosen):
        raise OverrideError(
            f"an override must be one of this scale's levels: {allowed} (got {abbreviation!r})"
        )
    return dataclasses.replace(result, override=Override(chosen, reason.strip(), by))


def _shown(percent: Decimal, cuts: Sequence[Decimal]) -> str:
    """``percent`` for display: two decimals, or more if two would cross one of ``cuts``.

    The level follows the unrounded score, so 79.996 % is Near Mastery; "80.00 % < 80 %"
    would look wrong, so that score is shown as 79.9960 % instead.
    """
    for places in (2, 4, 6):
        shown = round_half_up(percent, places)
        if all((shown >= cut) == (percent >= cut) for cut in cuts):
            return f"{shown:f}"
    return f"{percent:f}"


def describe_level(value: Decimal | None, maximum: Decimal, level: Level, scale: Scale) -> str:
    """Why ``value`` lands on ``level``: "84.50 % ≥ 80 % (Mastery cut), so Mastery (M)".

    ``value`` is unrounded, on the 0..``maximum`` scale; ``None`` means no evidence.
    """
    named = f"{level.name} ({level.abbreviation})"
    if value is None:
        return f"no evidence yet, so {named}"
    with decimal.localcontext(CONTEXT):
        percent = value * 100 / maximum
    is_bottom = scale.rank(level) == len(scale.levels) - 1
    above = scale.level_above(level)
    cuts: list[Decimal] = []
    parts: list[str] = []
    if not is_bottom:
        cuts.append(level.cut)
        parts.append(f"≥ {format_number(level.cut)} % ({level.name} cut)")
    if above is not None:
        cuts.append(above.cut)
        parts.append(f"< {format_number(above.cut)} % ({above.name} cut)")
    prefix = "" if maximum == 100 else f"{format_two_places(value)} of {format_number(maximum)} is "
    return f"{prefix}{_shown(percent, cuts)} % {' and '.join(parts)}, so {named}"
