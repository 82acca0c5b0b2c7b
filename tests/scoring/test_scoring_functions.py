"""The pure scoring functions: each interaction against its key (no database)."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from masterly.assessments.scoring import (
    Key,
    choices_mask,
    mask_positions,
    normal_text,
    score_choices,
    score_numeric,
    score_rubric,
    score_text,
)

ONE = Decimal(1)


def test_multiple_choice_scores_the_key_only() -> None:
    key = Key("multiple_choice", ONE, correct=frozenset({2}), choice_count=4)
    assert score_choices(key, choices_mask([2])) == ONE
    assert score_choices(key, choices_mask([1])) == 0
    assert score_choices(key, 0) == 0


def test_true_false_is_a_choice_of_two() -> None:
    key = Key("true_false", ONE, correct=frozenset({1}), choice_count=2)
    assert score_choices(key, choices_mask([1])) == ONE
    assert score_choices(key, choices_mask([0])) == 0


@given(st.sets(st.integers(0, 9), min_size=1), st.sets(st.integers(0, 9)))
def test_multiple_select_is_all_or_nothing(correct: set[int], chosen: set[int]) -> None:
    key = Key("multiple_select", Decimal(2), correct=frozenset(correct), choice_count=10)
    score = score_choices(key, choices_mask(sorted(chosen)))
    assert score == (Decimal(2) if chosen == correct else 0)


@given(st.sets(st.integers(0, 40)))
def test_a_mask_keeps_the_positions(positions: set[int]) -> None:
    assert mask_positions(choices_mask(sorted(positions))) == sorted(positions)


@given(
    st.decimals(-1000, 1000, places=2),
    st.decimals(0, 5, places=2),
    st.decimals(-1000, 1000, places=2),
)
def test_numeric_is_right_within_the_tolerance(
    answer: Decimal, tolerance: Decimal, given_: Decimal
) -> None:
    key = Key("numeric", ONE, numeric_answer=answer, numeric_tolerance=tolerance)
    assert (score_numeric(key, given_) == ONE) == (abs(given_ - answer) <= tolerance)


def test_numeric_exact_when_the_tolerance_is_zero() -> None:
    key = Key("numeric", ONE, numeric_answer=Decimal("4.29"))
    assert score_numeric(key, Decimal("4.290")) == ONE
    assert score_numeric(key, Decimal("4.28")) == 0


@given(st.text(min_size=1, max_size=20).filter(lambda t: t.strip()))
def test_short_text_ignores_case_and_spaces(answer: str) -> None:
    key = Key("short_text", ONE, accepted_answers=(answer,))
    shouted = "  " + " ".join(answer.split()).upper() + " "
    if normal_text(shouted) == normal_text(answer):  # some letters change under upper()
        assert score_text(key, shouted) == ONE


def test_short_text_refuses_another_answer_and_a_blank() -> None:
    key = Key("short_text", ONE, accepted_answers=("commutative", "commutative property"))
    assert score_text(key, "Commutative  Property") == ONE
    assert score_text(key, "associative") == 0
    assert score_text(key, "   ") == 0


def test_a_rubric_gives_each_criterion_its_level() -> None:
    key = Key(
        "extended",
        Decimal(5),
        criteria=((Decimal(0), Decimal(1), Decimal(3)), (Decimal(0), Decimal(2))),
    )
    assert score_rubric(key, [2, 1]) == [Decimal(3), Decimal(2)]
    assert key.is_teachers


def test_a_rubric_refuses_a_missing_level() -> None:
    key = Key("extended", Decimal(3), criteria=((Decimal(0), Decimal(3)),))
    for levels in ([2], [0, 1], [-1]):
        try:
            score_rubric(key, levels)
        except ValueError:
            continue
        raise AssertionError(f"{levels} accepted")
