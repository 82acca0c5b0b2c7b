"""Every result explains itself (steps, evidence, why this level); teacher overrides."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from decimal import Decimal

import pytest

from masterly.mastery import (
    FOUR_LEVEL_SCALE,
    THREE_LEVEL_SCALE,
    Evidence,
    MasteryPolicy,
    OverrideError,
    calculate,
    calculate_values,
    describe_level,
    override,
)
from masterly.mastery.scales import ADVANCED, MASTERY, NEAR_MASTERY, REMEDIATION

D = Decimal


def test_decaying_average_shows_each_step_with_its_numbers() -> None:
    result = calculate_values([1, 2, 3, 4], "decaying_average", maximum=4)
    assert [step.text for step in result.steps] == [
        "s1 = x1 = 1",
        "s2 = 0.35 × 1 + 0.65 × 2 = 1.65",
        "s3 = 0.35 × 1.65 + 0.65 × 3 = 2.5275",
        "s4 = 0.35 × 2.5275 + 0.65 × 4 = 3.484625",
    ]
    assert [step.value for step in result.steps] == [D(1), D("1.65"), D("2.5275"), D("3.484625")]


def test_the_level_reason_names_the_cut() -> None:
    assert calculate_values([D("84.5")], "average").level_reason == (
        "84.50 % ≥ 80 % (Mastery cut), so Mastery (M)"
    )
    assert calculate_values([65], "average").level_reason == (
        "65.00 % ≥ 50 % (Near Mastery cut) and < 80 % (Mastery cut), so Near Mastery (NM)"
    )
    assert calculate_values([42], "average").level_reason == (
        "42.00 % < 50 % (Near Mastery cut), so Remediation (R)"
    )
    assert calculate_values([1, 2, 3, 4], "decaying_average", maximum=4).level_reason == (
        "3.48 of 4 is 87.12 % ≥ 80 % (Mastery cut), so Mastery (M)"
    )


def test_the_level_reason_never_contradicts_the_level() -> None:
    # Two, four or six decimals would all show 80, so the exact percent is shown.
    result = calculate_values([D("79.99999999")], "average")
    assert result.level.abbreviation == "NM"
    assert result.level_reason.startswith("79.99999999 % ≥ 50 %")


def test_describe_level_without_a_score() -> None:
    assert describe_level(None, D(100), THREE_LEVEL_SCALE.not_assessed, THREE_LEVEL_SCALE) == (
        "no evidence yet, so Not assessed (NS)"
    )


def test_the_explanation_names_the_evidence_and_its_dates() -> None:
    evidence = [
        Evidence(D(3), D(4), assessed_on=dt.date(2024, 9, 3), label="Quiz 2"),
        Evidence(D(8), D(10), assessed_on=dt.date(2024, 9, 10), label="Unit test"),
        Evidence(D(2), D(4), assessed_on=dt.date(2024, 9, 1)),
    ]
    result = calculate(evidence, "most_recent", maximum=4)
    text = result.explain()
    assert "1. Evidence 1 (2024-09-01): 2 of 4, Near Mastery (NM) (not counted)" in text
    assert "2. Quiz 2 (2024-09-03): 3 of 4, Near Mastery (NM) (not counted)" in text
    assert "3. Unit test (2024-09-10): 8 of 10 = 3.2 of 4, Mastery (M)" in text
    assert "Score: 3.20 of 4 (80.00 %)." in text
    assert "Level: 3.20 of 4 is 80.00 % ≥ 80 % (Mastery cut), so Mastery (M)." in text


@pytest.mark.parametrize(
    ("method", "phrase"),
    [
        ("most_recent", "the most recent evidence counts"),
        ("highest", "the highest evidence counts"),
        ("average", "all evidence counts equally"),
        ("decaying_average", "each new score counts 0.65 and the result before it 0.35"),
        ("weighted_average", "the most recent score counts 0.65 and the average of all earlier"),
        ("n_mastery", "once at least 3 scores are at or above the mastery cut"),
        ("power_law", "a learning curve (power law)"),
        ("mode", "the level reached most often counts"),
    ],
)
def test_the_plain_language_text_says_how_the_method_works(method: str, phrase: str) -> None:
    text = calculate_values([60, 85, 90], method).explain()
    assert text.startswith("Method: ")
    assert phrase in text
    assert "Evidence, oldest first:" in text
    assert "Steps:" in text


def test_the_text_with_no_evidence() -> None:
    text = calculate([], "average").explain()
    assert "There is no evidence yet." in text
    assert "Level: No evidence yet, so Not assessed (NS)." in text
    assert "Score:" not in text
    assert "Steps:" not in text


def test_the_text_on_percentages() -> None:
    assert "Score: 84.50 %." in calculate_values([D("84.5")], "average").explain()


def test_to_dict_is_json() -> None:
    result = calculate_values([1, 2, 3, 4], "decaying_average", maximum=4)
    data = json.loads(json.dumps(result.to_dict()))
    assert data["score"] == 3.48
    assert data["unrounded"] == "3.484625"
    assert data["percent"] == 87.12
    assert data["level"] == "M"
    assert data["level_name"] == "Mastery"
    assert data["method"] == "decaying_average"
    assert data["method_name"] == "Decaying average"
    assert data["parameters"] == {"decay": "0.65"}
    assert data["maximum"] == 4
    assert data["overridden"] is False
    assert data["override"] is None
    assert data["steps"][1] == {
        "name": "s2",
        "text": "s2 = 0.35 × 1 + 0.65 × 2 = 1.65",
        "value": 1.65,
    }
    assert data["evidence"][0] == {
        "position": 1,
        "label": "Evidence 1",
        "assessed_on": None,
        "points_earned": 1,
        "points_possible": 4,
        "value": 1,
        "level": "R",
        "counted": True,
    }


def test_to_dict_with_dates_and_no_score() -> None:
    evidence = [Evidence(D(50), assessed_on=dt.date(2024, 9, 3))]
    data = calculate(evidence, "n_mastery").to_dict()
    assert data["score"] is None
    assert data["unrounded"] is None
    assert data["percent"] is None
    assert data["level"] == "NS"
    assert data["evidence"][0]["assessed_on"] == "2024-09-03"  # type: ignore[index]


def test_an_override_keeps_the_calculation() -> None:
    computed = calculate_values([1, 2, 3, 4], "decaying_average", maximum=4)
    result = override(computed, "NM", "  Copied from a classmate; reassess.  ", by="Ms Rivera")
    assert result.overridden
    assert result.level == NEAR_MASTERY
    assert result.computed_level == MASTERY
    assert result.score == computed.score
    assert result.steps == computed.steps
    assert result.override is not None
    assert result.override.reason == "Copied from a classmate; reassess."
    data = result.to_dict()
    assert data["level"] == "NM"
    assert data["computed_level"] == "M"
    assert data["overridden"] is True
    assert data["override"] == {
        "level": "NM",
        "level_name": "Near Mastery",
        "reason": "Copied from a classmate; reassess.",
        "by": "Ms Rivera",
    }
    text = result.explain()
    assert "The teacher set the level to Near Mastery (NM) instead of Mastery (M)." in text
    assert "Reason: Copied from a classmate; reassess." in text
    assert not computed.overridden


def test_an_override_can_give_a_level_where_there_is_no_score() -> None:
    result = override(calculate([], "average"), REMEDIATION, "Observed in class")
    assert result.level == REMEDIATION
    assert result.computed_level.abbreviation == "NS"


def test_overriding_again_replaces_the_override() -> None:
    first = override(calculate_values([40], "average"), "NM", "first")
    second = override(first, "M", "second")
    assert second.level == MASTERY
    assert second.override is not None and second.override.reason == "second"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_an_override_needs_a_reason(reason: object) -> None:
    with pytest.raises(OverrideError, match="needs a reason"):
        override(calculate_values([40], "average"), "M", reason)  # type: ignore[arg-type]


def test_an_override_must_be_a_level_of_the_scale() -> None:
    result = calculate_values([40], "average")
    with pytest.raises(OverrideError, match="one of this scale's levels: M, NM, R \\(got 'A'\\)"):
        override(result, "A", "reason")
    with pytest.raises(OverrideError, match="got 'A'"):
        override(result, ADVANCED, "reason")
    with pytest.raises(OverrideError, match="got 'NS'"):
        override(result, "NS", "reason")
    four = calculate_values([40], MasteryPolicy(method="average", scale=FOUR_LEVEL_SCALE))
    assert override(four, ADVANCED, "reason").level == ADVANCED
    # A level with the right abbreviation but other cut belongs to another scale.
    with pytest.raises(OverrideError):
        override(result, replace(MASTERY, cut=D(85)), "reason")
