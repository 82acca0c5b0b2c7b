"""Evidence is plain, validated data, ordered by assessed date then entry time."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from masterly.mastery import Evidence, EvidenceError, calculate, evidence_series, in_order

D = Decimal
DAY = dt.date(2024, 9, 2)
UTC = dt.UTC


def test_evidence_normalises_numbers() -> None:
    evidence = Evidence(3, 4)  # type: ignore[arg-type]
    assert evidence.points_earned == D(3)
    assert isinstance(evidence.points_earned, Decimal)
    assert evidence.percent == D(75)
    assert evidence.scaled_to(D(4)) == D(3)
    assert evidence.scaled_to(D(100)) == D(75)


def test_evidence_of_percent() -> None:
    evidence = Evidence.of_percent("87.5", assessed_on=DAY, label="Quiz 1")
    assert evidence.points_possible == D(100)
    assert evidence.percent == D("87.5")
    assert evidence.label == "Quiz 1"


@pytest.mark.parametrize(
    ("earned", "possible", "message"),
    [
        (-1, 4, "cannot be negative"),
        (5, 4, r"points earned \(5\) cannot be more than points possible \(4\)"),
        (1, 0, "must be more than 0"),
        ("x", 4, "points earned must be a number"),
        (1, "inf", "points possible must be a finite number"),
    ],
)
def test_bad_evidence_is_refused(earned: object, possible: object, message: str) -> None:
    with pytest.raises(EvidenceError, match=message):
        Evidence(earned, possible)  # type: ignore[arg-type]


@pytest.mark.parametrize("when", [dt.datetime(2024, 9, 2, tzinfo=UTC), "2024-09-02"])
def test_assessed_on_must_be_a_date(when: object) -> None:
    with pytest.raises(EvidenceError, match="assessed_on must be a date"):
        Evidence(D(1), D(4), assessed_on=when)  # type: ignore[arg-type]


def test_evidence_is_ordered_by_date_then_entry_time_then_entry_order() -> None:
    morning = dt.datetime(2024, 9, 3, 8, tzinfo=UTC)
    noon = dt.datetime(2024, 9, 3, 12, tzinfo=UTC)
    later = Evidence(D(1), D(4), assessed_on=DAY + dt.timedelta(days=1), label="later")
    noon_entry = Evidence(D(2), D(4), assessed_on=DAY, entered_at=noon, label="noon")
    morning_entry = Evidence(D(3), D(4), assessed_on=DAY, entered_at=morning, label="morning")
    no_time_b = Evidence(D(4), D(4), assessed_on=DAY, entry_order=2, label="b")
    no_time_a = Evidence(D(4), D(4), assessed_on=DAY, entry_order=1, label="a")
    undated = Evidence(D(4), D(4), label="undated")
    ordered = in_order([later, noon_entry, morning_entry, no_time_b, no_time_a, undated])
    assert [e.label for e in ordered] == ["undated", "a", "b", "morning", "noon", "later"]


def test_calculate_orders_the_evidence_itself() -> None:
    late = Evidence(D(4), D(4), assessed_on=DAY + dt.timedelta(days=7), label="Unit test")
    early = Evidence(D(1), D(4), assessed_on=DAY, label="Quick check")
    result = calculate([late, early], "most_recent", maximum=4)
    assert result.score == D(4)
    assert [use.label for use in result.evidence] == ["Quick check", "Unit test"]


def test_evidence_out_of_different_points_possible_is_put_on_one_scale() -> None:
    evidence = [
        Evidence(D(8), D(10), assessed_on=DAY),
        Evidence(D(3), D(4), assessed_on=DAY + dt.timedelta(days=1)),
    ]
    assert calculate(evidence, "average").score == D("77.50")
    assert calculate(evidence, "average", maximum=4).score == D("3.10")


def test_evidence_series_numbers_and_labels_in_order() -> None:
    series = evidence_series([1, "2.5"], possible=4)
    assert [e.points_earned for e in series] == [D(1), D("2.5")]
    assert [e.label for e in series] == ["Evidence 1", "Evidence 2"]
    assert [e.entry_order for e in series] == [1, 2]
    with pytest.raises(EvidenceError, match="score 1 must be a number"):
        evidence_series(["x"])
