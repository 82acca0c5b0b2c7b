"""Every calculation method of the product brief, with its worked checks."""

from __future__ import annotations

from decimal import Decimal

import pytest

from masterly.mastery import (
    FOUR_LEVEL_SCALE,
    METHOD_IDS,
    MasteryPolicy,
    calculate,
    calculate_values,
    decaying_extend,
)

D = Decimal


# ------------------------------------------------------------------ the brief's worked checks
@pytest.mark.parametrize(
    ("method", "scores", "maximum", "expected"),
    [
        ("decaying_average", [1, 2, 3, 4], 4, "3.48"),
        ("decaying_average", [1, 2, 3, 4, 5], 5, "4.47"),
        ("weighted_average", [1, 2, 3, 4, 5], 5, "4.13"),
        ("power_law", [3, 3, 1, 3], 4, "1.90"),
        ("power_law", [3, 3, 1, 3, 4, 4], 4, "3.07"),
    ],
)
def test_worked_checks_of_the_brief(
    method: str, scores: list[int], maximum: int, expected: str
) -> None:
    result = calculate_values(scores, method, maximum=maximum)
    assert result.score == D(expected)
    assert str(result.score) == expected  # two decimals, half-up


def test_worked_checks_unrounded_values_are_exact() -> None:
    assert calculate_values([1, 2, 3, 4], "decaying_average", maximum=4).unrounded == D("3.484625")
    assert calculate_values([1, 2, 3, 4, 5], "weighted_average", maximum=5).unrounded == D("4.125")


def test_power_law_fit_parameters_are_in_the_steps() -> None:
    result = calculate_values([3, 3, 1, 3], "power_law", maximum=4)
    steps = {step.name: step for step in result.steps}
    assert steps["a"].value is not None and steps["b"].value is not None
    assert round(float(steps["a"].value), 6) == 2.911825
    assert round(float(steps["b"].value), 6) == -0.308139


def test_checks_hold_on_percentages_too() -> None:
    # The same evidence as percentages (25, 50, 75, 100) gives the same percent.
    points = calculate_values([1, 2, 3, 4], "decaying_average", maximum=4)
    percent = calculate_values([25, 50, 75, 100], "decaying_average")
    assert percent.unrounded == points.unrounded_percent == D("87.115625")


# ------------------------------------------------------------------ each method
def test_most_recent_is_the_latest() -> None:
    result = calculate_values([90, 40, 65], "most_recent")
    assert result.score == D("65.00")
    assert [use.counted for use in result.evidence] == [False, False, True]


def test_highest_is_the_maximum() -> None:
    result = calculate_values([40, 90, 65, 90], "highest")
    assert result.score == D(90)
    assert [use.counted for use in result.evidence] == [False, True, False, False]


def test_average_is_the_mean() -> None:
    assert calculate_values([40, 90, 65], "average").score == D("65.00")
    assert calculate_values([1, 1, 2], "average", maximum=4).score == D("1.33")


def test_decaying_average_with_one_piece_is_that_piece() -> None:
    assert calculate_values([73], "decaying_average").unrounded == D(73)


def test_decaying_average_uses_the_decay() -> None:
    policy = MasteryPolicy(method="decaying_average", decay="0.5")
    assert calculate_values([0, 100], policy).score == D(50)


def test_decaying_extend_starts_from_nothing() -> None:
    assert decaying_extend(None, 3) == D(3)
    assert decaying_extend(D(1), 2) == D("1.65")
    assert decaying_extend("1.65", "3", "0.65") == D("2.5275")


def test_weighted_average_with_one_piece_is_that_piece() -> None:
    result = calculate_values([42], "weighted_average")
    assert result.score == D(42)
    assert "only one piece of evidence" in result.steps[0].text


def test_weighted_average_uses_the_weight() -> None:
    policy = MasteryPolicy(method="weighted_average", weight="0.5")
    assert calculate_values([0, 50, 100], policy).score == D("62.50")


def test_n_mastery_needs_n_at_mastery() -> None:
    result = calculate_values([85, 60, 90], "n_mastery")
    assert result.score is None
    assert result.level.abbreviation == "NS"
    assert "only 2 of the 3" in result.level_reason
    assert [use.counted for use in result.evidence] == [True, False, True]


def test_n_mastery_is_the_mean_of_those_at_mastery() -> None:
    result = calculate_values([85, 60, 90, 80], "n_mastery")
    assert result.score == D(85)
    assert result.level.abbreviation == "M"
    assert [use.counted for use in result.evidence] == [True, False, True, True]


def test_n_mastery_with_other_n_and_the_mastery_cut_of_a_four_level_scale() -> None:
    policy = MasteryPolicy(method="n_mastery", n=1, scale=FOUR_LEVEL_SCALE)
    result = calculate_values([95, 10], policy)
    assert result.score == D(95)
    assert result.level.abbreviation == "A"
    none = calculate_values([10, 20], policy)
    assert none.score is None
    assert "none (0 of the 1 needed)" in none.steps[0].text


def test_n_mastery_counts_a_score_exactly_on_the_cut() -> None:
    # 3.2 of 4 is exactly 80 %: at mastery.
    result = calculate_values([D("3.2"), D("3.2"), D("3.2")], "n_mastery", maximum=4)
    assert result.score == D("3.20")


def test_power_law_with_fewer_than_three_points_is_the_average() -> None:
    result = calculate_values([2, 4], "power_law", maximum=4)
    assert result.score == D(3)
    assert result.steps[0].name == "fallback"


def test_power_law_counts_a_zero_as_one_percent_of_the_maximum() -> None:
    result = calculate_values([0, 2, 3], "power_law", maximum=4)
    floors = [step for step in result.steps if step.name == "floor"]
    assert len(floors) == 1
    assert floors[0].value == D("0.04")
    assert result.score is not None and D(0) <= result.score <= D(4)


def test_power_law_is_kept_within_the_maximum() -> None:
    result = calculate_values([0, 4, 4, 4], "power_law", maximum=4)
    assert result.score == D(4)
    assert result.steps[-1].name == "clamp"


def test_power_law_all_equal_is_that_value() -> None:
    result = calculate_values([70, 70, 70], "power_law")
    assert result.score == D(70)


def test_mode_is_the_most_frequent_level_and_carries_the_mean_of_it() -> None:
    result = calculate_values([85, 60, 90, 55, 40], "mode")
    # Levels M, NM, M, NM, R: a tie of M and NM goes to the higher level, M.
    assert result.level.abbreviation == "M"
    assert result.score == D("87.50")
    assert "tied with Near Mastery" in result.level_reason
    assert [use.counted for use in result.evidence] == [True, False, True, False, False]


def test_mode_without_a_tie() -> None:
    result = calculate_values([60, 55, 90], "mode")
    assert result.level.abbreviation == "NM"
    assert result.score == D("57.50")
    assert "tied" not in result.level_reason


def test_mode_on_four_levels_ties_go_up() -> None:
    policy = MasteryPolicy(method="mode", scale=FOUR_LEVEL_SCALE)
    result = calculate_values([95, 10], policy)
    assert result.level.abbreviation == "A"
    assert result.score == D(95)


@pytest.mark.parametrize("method", METHOD_IDS)
def test_no_evidence_is_no_score(method: str) -> None:
    result = calculate([], method)
    assert result.score is None
    assert result.percent is None
    assert result.unrounded_percent is None
    assert result.level.abbreviation == "NS"
    assert result.level_reason == "no evidence yet, so Not assessed (NS)"


def test_the_default_policy_is_decaying_average() -> None:
    assert calculate_values([1, 2, 3, 4], maximum=4).method == "decaying_average"


def test_the_level_follows_the_unrounded_score() -> None:
    # 79.996 rounds to 80.00 but is below the Mastery cut.
    result = calculate_values([D("79.996")], "average")
    assert result.score == D("80.00")
    assert result.level.abbreviation == "NM"
    assert "79.9960 % ≥ 50 %" in result.level_reason
