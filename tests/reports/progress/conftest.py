"""The ``mastery`` world with scores on two dates, for the family and student reports."""

from __future__ import annotations

import datetime

import pytest

from tests.assessment_factories import (
    Mastery,
    mastery,  # noqa: F401 - a fixture
)

SEPTEMBER = datetime.date(2026, 9, 10)
OCTOBER = datetime.date(2026, 10, 20)


@pytest.fixture
def scored(mastery: Mastery) -> Mastery:  # noqa: F811 - the fixture above
    """``student`` scored low on A in September and high in October, and on B in October;
    ``other_student`` scored on A (in the shared tracker)."""
    mastery.record(standard=mastery.standard_a, earned=40, on=SEPTEMBER)
    mastery.record(standard=mastery.standard_a, earned=95, on=OCTOBER)
    mastery.record(standard=mastery.standard_b, earned=70, on=OCTOBER)
    mastery.record(student=mastery.world.other_student, standard=mastery.standard_a, earned=90)
    return mastery
