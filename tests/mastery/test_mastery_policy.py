"""Parameters out of range and unknown methods raise errors that state what is allowed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masterly.mastery import (
    FOUR_LEVEL_SCALE,
    MasteryError,
    MasteryParameterError,
    MasteryPolicy,
    UnknownMethodError,
    calculate_values,
    check_method,
    decaying_extend,
)

D = Decimal


def test_the_message_states_the_allowed_range() -> None:
    with pytest.raises(MasteryParameterError) as error:
        MasteryPolicy(decay=0.3)  # type: ignore[arg-type]
    assert str(error.value) == "decay must be between 0.50 and 0.99 (got 0.3)"
    assert isinstance(error.value, ValueError)


def test_weight_range() -> None:
    with pytest.raises(
        MasteryParameterError, match=r"weight must be between 0.01 and 0.99 \(got 1\)"
    ):
        MasteryPolicy(weight=1)  # type: ignore[arg-type]
    with pytest.raises(MasteryParameterError, match="weight must be a number"):
        MasteryPolicy(weight="heavy")  # type: ignore[arg-type]


@pytest.mark.parametrize("n", [0, -1, 2.5, True, "3"])
def test_n_must_be_a_positive_whole_number(n: object) -> None:
    with pytest.raises(MasteryParameterError, match="n must be a positive whole number"):
        MasteryPolicy(method="n_mastery", n=n)  # type: ignore[arg-type]


def test_unknown_method_lists_the_valid_ones() -> None:
    with pytest.raises(UnknownMethodError) as error:
        MasteryPolicy(method="median")
    message = str(error.value)
    assert "unknown calculation method 'median'" in message
    for method in (
        "most_recent",
        "highest",
        "average",
        "decaying_average",
        "weighted_average",
        "n_mastery",
        "power_law",
        "mode",
    ):
        assert method in message
    assert isinstance(error.value, MasteryError)
    with pytest.raises(UnknownMethodError):
        calculate_values([1], "median")
    with pytest.raises(UnknownMethodError):
        check_method(None)


def test_a_policy_needs_a_scale() -> None:
    with pytest.raises(MasteryParameterError, match="scale must be a Scale"):
        MasteryPolicy(scale="4 levels")  # type: ignore[arg-type]


@pytest.mark.parametrize("maximum", [0, -4, "x"])
def test_maximum_must_be_more_than_zero(maximum: object) -> None:
    with pytest.raises(MasteryParameterError, match="maximum must be"):
        calculate_values([], "average", maximum=maximum)  # type: ignore[arg-type]


def test_decaying_extend_checks_its_parameters() -> None:
    with pytest.raises(MasteryParameterError, match=r"decay must be between 0\.50 and 0\.99"):
        decaying_extend(D(1), D(2), D("0.49"))
    with pytest.raises(MasteryParameterError, match="new_x must be a number"):
        decaying_extend(D(1), "two")
    with pytest.raises(MasteryParameterError, match="previous score must be a number"):
        decaying_extend("one", D(2))


def test_parameters_are_normalised_and_reported() -> None:
    policy = MasteryPolicy(decay="0.8", weight=0.5)  # type: ignore[arg-type]
    assert policy.decay == D("0.8")
    assert policy.weight == D("0.5")
    assert policy.parameters() == {"decay": "0.8"}
    assert MasteryPolicy(method="weighted_average").parameters() == {"weight": "0.65"}
    assert MasteryPolicy(method="n_mastery", scale=FOUR_LEVEL_SCALE).parameters() == {
        "n": 3,
        "mastery_cut": "80",
    }
    assert MasteryPolicy(method="mode").parameters() == {}
    assert MasteryPolicy(method="power_law").method_name == "Power law"


@given(st.decimals(min_value="0.50", max_value="0.99", places=2))
def test_every_decay_in_range_is_accepted(decay: Decimal) -> None:
    assert MasteryPolicy(decay=decay).decay == decay


@given(
    st.one_of(
        st.decimals(max_value="0.4999", allow_nan=False, allow_infinity=False),
        st.decimals(min_value="0.9901", allow_nan=False, allow_infinity=False),
    )
)
def test_every_decay_out_of_range_is_refused(decay: Decimal) -> None:
    with pytest.raises(MasteryParameterError, match=r"decay must be between 0\.50 and 0\.99"):
        MasteryPolicy(decay=decay)


@given(
    st.one_of(
        st.decimals(max_value="0.0099", allow_nan=False, allow_infinity=False),
        st.decimals(min_value="0.9901", allow_nan=False, allow_infinity=False),
    )
)
def test_every_weight_out_of_range_is_refused(weight: Decimal) -> None:
    with pytest.raises(MasteryParameterError, match=r"weight must be between 0\.01 and 0\.99"):
        MasteryPolicy(weight=weight)
