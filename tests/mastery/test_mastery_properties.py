"""Properties that must hold for any evidence (hypothesis)."""

from __future__ import annotations

import datetime as dt
import decimal
import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from masterly.mastery import (
    FOUR_LEVEL_SCALE,
    METHOD_IDS,
    Evidence,
    MasteryPolicy,
    calculate,
    calculate_values,
    decaying_extend,
)

D = Decimal

percents = st.decimals(min_value=0, max_value=100, places=2)
score_lists = st.lists(percents, min_size=1, max_size=12)
decays = st.decimals(min_value="0.50", max_value="0.99", places=2)
weights = st.decimals(min_value="0.01", max_value="0.99", places=2)
scales = st.sampled_from([MasteryPolicy().scale, FOUR_LEVEL_SCALE])
ORDER_FREE = ("highest", "average", "mode", "n_mastery")
BOUNDED = ("most_recent", "highest", "average", "decaying_average", "weighted_average")


@st.composite
def policies(draw: st.DrawFn, methods: tuple[str, ...] = METHOD_IDS) -> MasteryPolicy:
    return MasteryPolicy(
        method=draw(st.sampled_from(methods)),
        decay=draw(decays),
        weight=draw(weights),
        n=draw(st.integers(min_value=1, max_value=4)),
        scale=draw(scales),
    )


@given(score_lists, st.randoms(), policies(ORDER_FREE))
def test_order_free_methods_ignore_the_order_of_evidence(
    scores: list[Decimal],
    rng: random.Random,
    policy: MasteryPolicy,
) -> None:
    shuffled = list(scores)
    rng.shuffle(shuffled)
    a, b = calculate_values(scores, policy), calculate_values(shuffled, policy)
    assert (a.unrounded, a.level) == (b.unrounded, b.level)


@st.composite
def dated_evidence(draw: st.DrawFn) -> list[Evidence]:
    """Evidence with repeated dates but a distinct entry time each (how real rows look)."""
    scores = draw(score_lists)
    start = dt.datetime(2024, 9, 1, 8, tzinfo=dt.UTC)
    return [
        Evidence(
            score,
            assessed_on=dt.date(2024, 9, 1) + dt.timedelta(days=draw(st.integers(0, 3))),
            entered_at=start + dt.timedelta(minutes=draw(st.integers(0, 10_000)) * 20 + i),
            label=f"#{i}",
        )
        for i, score in enumerate(scores)
    ]


@given(dated_evidence(), st.randoms(), policies())
def test_evidence_entered_in_any_order_gives_the_same_result(
    evidence: list[Evidence],
    rng: random.Random,
    policy: MasteryPolicy,
) -> None:
    shuffled = list(evidence)
    rng.shuffle(shuffled)
    assert calculate(evidence, policy).to_dict() == calculate(shuffled, policy).to_dict()


@given(score_lists, policies(BOUNDED))
def test_results_lie_between_the_lowest_and_highest_evidence(
    scores: list[Decimal], policy: MasteryPolicy
) -> None:
    result = calculate_values(scores, policy)
    assert result.score is not None
    assert min(scores) <= result.score <= max(scores)


@given(score_lists, policies(("power_law",)))
def test_power_law_stays_within_zero_and_the_maximum(
    scores: list[Decimal], policy: MasteryPolicy
) -> None:
    result = calculate_values(scores, policy)
    assert result.score is not None
    assert D(0) <= result.score <= D(100)


@given(score_lists, decays)
def test_decaying_average_equals_its_recurrence(scores: list[Decimal], d: Decimal) -> None:
    s = scores[0]
    for x in scores[1:]:
        s = (1 - d) * s + d * x
    result = calculate_values(scores, MasteryPolicy(decay=d))
    assert result.unrounded == s


@given(score_lists, percents, decays)
def test_adding_evidence_at_the_end_updates_exactly_as_recomputing(
    scores: list[Decimal], new: Decimal, d: Decimal
) -> None:
    policy = MasteryPolicy(decay=d)
    before = calculate_values(scores, policy)
    extended = decaying_extend(before.unrounded, new, d)
    assert extended == calculate_values([*scores, new], policy).unrounded


@given(dated_evidence(), percents, decays)
def test_a_new_latest_row_extends_the_stored_score(
    evidence: list[Evidence], new: Decimal, d: Decimal
) -> None:
    policy = MasteryPolicy(decay=d)
    latest = Evidence(new, assessed_on=dt.date(2024, 9, 30), label="new")
    stored = calculate(evidence, policy).unrounded
    extended = decaying_extend(stored, latest.scaled_to(D(100)), d)
    assert extended == calculate([*evidence, latest], policy).unrounded


@given(score_lists, policies())
def test_the_level_follows_the_unrounded_score(
    scores: list[Decimal], policy: MasteryPolicy
) -> None:
    result = calculate_values(scores, policy)
    # For mode too: the mean of the evidence on one level lies on that level.
    assert result.level == policy.scale.level_for(result.unrounded)


@given(score_lists, policies(("mode",)))
def test_mode_is_a_most_frequent_level_and_ties_go_up(
    scores: list[Decimal], policy: MasteryPolicy
) -> None:
    scale = policy.scale
    levels = [scale.level_for(x) for x in scores]
    result = calculate_values(scores, policy)
    top = max(levels.count(level) for level in levels)
    assert levels.count(result.level) == top
    assert all(
        scale.rank(result.level) <= scale.rank(level)
        for level in levels
        if levels.count(level) == top
    )


@given(score_lists, policies(("n_mastery",)))
def test_n_mastery_scores_only_with_n_at_mastery(
    scores: list[Decimal], policy: MasteryPolicy
) -> None:
    at_mastery = [x for x in scores if x >= policy.scale.mastery_level.cut]
    result = calculate_values(scores, policy)
    if len(at_mastery) >= policy.n:
        with decimal.localcontext() as ctx:
            ctx.prec = 28
            assert result.unrounded == sum(at_mastery, D(0)) / len(at_mastery)
    else:
        assert result.score is None
        assert result.level.abbreviation == "NS"


@given(score_lists, policies(), st.sampled_from([D(4), D(10), D(100)]))
def test_points_and_percentages_agree(
    scores: list[Decimal], policy: MasteryPolicy, maximum: Decimal
) -> None:
    # The same evidence as points out of `maximum` or as percentages: same level, same percent.
    points = [x * maximum / 100 for x in scores]
    on_points = calculate_values(points, policy, maximum=maximum)
    on_percent = calculate_values(scores, policy)
    assert on_points.level == on_percent.level
    if on_percent.unrounded is not None:
        assert on_points.unrounded_percent is not None
        # Power law keeps 12 decimals of its own scale; every other method agrees to 1e-20.
        tolerance = D("1e-9") if policy.method == "power_law" else D("1e-20")
        assert abs(on_points.unrounded_percent - on_percent.unrounded) < tolerance
