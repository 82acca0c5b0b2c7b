"""The fast scorer gives exactly what the explained calculation gives (hypothesis)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from masterly.mastery import (
    FOUR_LEVEL_SCALE,
    METHOD_IDS,
    THREE_LEVEL_SCALE,
    Evidence,
    MasteryPolicy,
    Scorer,
    calculate,
    in_order,
    scale_from_cuts,
    score_values,
)

D = Decimal

decays = st.decimals(min_value="0.50", max_value="0.99", places=2)
weights = st.decimals(min_value="0.01", max_value="0.99", places=2)
scales = st.sampled_from([THREE_LEVEL_SCALE, FOUR_LEVEL_SCALE, scale_from_cuts([70])])


@st.composite
def policies(draw: st.DrawFn) -> MasteryPolicy:
    return MasteryPolicy(
        method=draw(st.sampled_from(METHOD_IDS)),
        decay=draw(decays),
        weight=draw(weights),
        n=draw(st.integers(min_value=1, max_value=4)),
        scale=draw(scales),
    )


@st.composite
def evidence_items(draw: st.DrawFn) -> Evidence:
    possible = draw(st.sampled_from([D(1), D(3), D(4), D(7), D(10), D(100), D("12.5")]))
    earned = draw(st.decimals(min_value=0, max_value=possible, places=2))
    day = draw(st.integers(min_value=0, max_value=5))
    return Evidence(
        earned,
        possible,
        assessed_on=dt.date(2026, 9, 1) + dt.timedelta(days=day),
        entry_order=draw(st.integers(min_value=0, max_value=10_000)),
    )


@given(
    st.lists(evidence_items(), min_size=0, max_size=8),
    policies(),
    st.sampled_from([D(100), D(4), D(10)]),
)
def test_fast_scorer_equals_the_explained_calculation(
    evidence: list[Evidence], policy: MasteryPolicy, maximum: Decimal
) -> None:
    expected = calculate(evidence, policy, maximum=maximum)
    scorer = Scorer(policy, maximum)
    values = [
        scorer.scaled(item.points_earned, item.points_possible) for item in in_order(evidence)
    ]

    unrounded, level = scorer.score(values)

    assert unrounded == expected.unrounded
    assert level == expected.computed_level
    assert scorer.percent(unrounded) == expected.percent
    assert scorer.level_for(unrounded) == expected.computed_level


@given(st.lists(st.decimals(min_value=0, max_value=100, places=3), max_size=6), policies())
def test_score_values_on_plain_percentages(values: list[Decimal], policy: MasteryPolicy) -> None:
    evidence = [Evidence(value, D(100), entry_order=i) for i, value in enumerate(values)]
    expected = calculate(evidence, policy)

    assert score_values(values, policy) == (expected.unrounded, expected.computed_level)


def test_the_worked_checks_hold_on_the_fast_path() -> None:
    four = [D(1), D(2), D(3), D(4)]
    assert score_values(four, MasteryPolicy(), 4)[0] == D("3.484625")
    scorer = Scorer(MasteryPolicy("weighted_average"), 4)
    unrounded, _ = scorer.score([*four, D(5)])
    assert scorer.percent(unrounded) == D("103.13")  # 4.125 of 4, as calculate() says
    assert Scorer(MasteryPolicy("power_law"), 4).score([D(3), D(3), D(1), D(3)])[0] is not None


def test_a_negative_value_lands_on_the_bottom_level() -> None:
    # Evidence forbids it, but the level lookup mirrors Scale.level_for all the same.
    scorer = Scorer(MasteryPolicy("most_recent"))
    assert scorer.score([D(-1)])[1] == THREE_LEVEL_SCALE.levels[-1]
    assert scorer.level_for(None) == THREE_LEVEL_SCALE.not_assessed


def test_every_method_on_fixed_evidence_matches() -> None:
    for values in ([D(90)], [D(90), D(85), D(40)], [D(80), D(80), D(80), D(20)]):
        for method in METHOD_IDS:
            policy = MasteryPolicy(method, n=2)
            evidence = [Evidence(v, D(100), entry_order=i) for i, v in enumerate(values)]
            expected = calculate(evidence, policy)
            assert score_values(values, policy) == (expected.unrounded, expected.computed_level)
