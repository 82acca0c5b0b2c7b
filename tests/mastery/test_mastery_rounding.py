"""Rounding is half-up on Decimals, never round()'s half-to-even."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masterly.mastery import calculate_values, round_half_up
from masterly.mastery.rounding import format_number, format_two_places, to_decimal

D = Decimal


def test_half_up_where_round_would_go_to_even() -> None:
    assert round(D("2.665"), 2) == D("2.66")  # what round() does: half to even
    assert round_half_up(D("2.665")) == D("2.67")
    assert round(2.675, 2) == 2.67  # and floats are worse: 2.675 is 2.67499999…
    assert round_half_up(D("2.675")) == D("2.68")


def test_a_method_result_is_rounded_half_up() -> None:
    assert calculate_values([D("2.66"), D("2.67")], "average").score == D("2.67")
    assert calculate_values([1, 2, 3, 4, 5], "weighted_average", maximum=5).score == D("4.13")


@given(st.integers(min_value=0, max_value=9_999_999))
def test_half_a_cent_always_rounds_up(cents: int) -> None:
    value = D(cents) / 100 + D("0.005")
    assert round_half_up(value) == D(cents + 1) / 100


@given(st.decimals(min_value=0, max_value=100, allow_nan=False, allow_infinity=False))
def test_rounding_is_within_half_a_cent(value: Decimal) -> None:
    assert abs(round_half_up(value) - value) <= D("0.005")


def test_rounding_ignores_the_global_decimal_context() -> None:
    with decimal.localcontext() as ctx:
        ctx.rounding = decimal.ROUND_DOWN
        ctx.prec = 3
        result = calculate_values([1, 2, 3, 4], "decaying_average", maximum=4)
        assert result.score == D("3.48")


def test_format_number_trims_and_rounds() -> None:
    assert format_number(D("2.527500")) == "2.5275"
    assert format_number(D("3.00")) == "3"
    assert format_number(D("-0.0000001")) == "0"
    assert format_number(D("1.23456789"), 4) == "1.2346"
    assert format_number(D("10"), 0) == "10"
    assert format_two_places(D("84.5")) == "84.50"


@pytest.mark.parametrize("value", [True, None, [1], "abc", "nan", "inf", float("nan")])
def test_to_decimal_refuses_what_is_not_a_finite_number(value: object) -> None:
    with pytest.raises(ValueError, match="must be a"):
        to_decimal(value, "x")


def test_to_decimal_reads_floats_as_typed() -> None:
    assert to_decimal(0.65, "x") == D("0.65")
    assert to_decimal(" 3 ", "x") == D(3)
    assert to_decimal(D("1.5"), "x") == D("1.5")
