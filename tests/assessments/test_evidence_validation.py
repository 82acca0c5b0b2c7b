"""A bad score gets a message naming the field and leaves the database as it was."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from masterly.assessments.models import Evidence, EvidenceRevision
from masterly.core.models import AuditEvent
from masterly.trackers import services
from masterly.trackers.models import Rollup
from tests.assessment_factories import AssessmentFactory, Mastery


def _counts() -> tuple[int, int, int, int]:
    return (
        Evidence.objects.count(),
        EvidenceRevision.objects.count(),
        Rollup.objects.count(),
        AuditEvent.objects.count(),
    )


@contextmanager
def nothing_written() -> Iterator[None]:
    before = _counts()
    yield
    assert _counts() == before


# Two days ahead: the list below is built at collection, and a run that crosses midnight
# must still find this date in the future when the test runs.
IN_TWO_DAYS = timezone.localdate() + datetime.timedelta(days=2)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"earned": "abc"}, "points_earned", "Points earned must be a number such as 3"),
        ({"earned": None}, "points_earned", "Points earned must be a number"),
        ({"earned": True}, "points_earned", "Points earned must be a number"),
        ({"earned": "NaN"}, "points_earned", "Points earned must be a finite number"),
        ({"earned": -1}, "points_earned", "Points earned cannot be negative (got -1)"),
        ({"earned": "2.555"}, "points_earned", "at most 2 decimal places"),
        ({"earned": 5, "possible": 4}, "points_earned", "cannot be more than points possible"),
        ({"possible": 0}, "points_possible", "Points possible must be more than 0 (got 0"),
        ({"possible": "-4"}, "points_possible", "Points possible cannot be negative"),
        ({"possible": 1_000_000}, "points_possible", "can be at most 99999.99"),
        ({"on": IN_TWO_DAYS}, "assessed_on", "is in the future"),
        ({"on": "14/09/2026"}, "assessed_on", "must look like 2026-09-14"),
        ({"on": timezone.now()}, "assessed_on", "must be a date"),
        ({"source": "fax"}, "source", "Source must be one of online, manual, import, scan, lms"),
    ],
)
def test_a_bad_score_is_refused_with_the_field_named(
    mastery: Mastery, values: dict[str, Any], field: str, message: str
) -> None:
    mastery.record(earned=3, possible=4)  # a rollup and history exist already

    with nothing_written(), pytest.raises(ValidationError) as caught:
        mastery.record(**{"earned": 3, "possible": 4, **values})

    assert field in caught.value.message_dict
    assert message in caught.value.message_dict[field][0]


def test_both_point_fields_are_reported_at_once(mastery: Mastery) -> None:
    with nothing_written(), pytest.raises(ValidationError) as caught:
        mastery.record(earned="x", possible=0)

    assert set(caught.value.message_dict) == {"points_earned", "points_possible"}


def test_a_bad_edit_changes_nothing(mastery: Mastery) -> None:
    evidence = mastery.record(earned=3, possible=4)
    teacher = mastery.world.teacher

    with nothing_written():
        with pytest.raises(ValidationError) as caught:
            services.evidence_edit(
                actor=teacher, evidence=evidence, reason="regrade", points_earned=7
            )
        assert "cannot be more than points possible (4.00)" in caught.value.messages[0]
        with pytest.raises(ValidationError) as caught:
            services.evidence_edit(actor=teacher, evidence=evidence, reason="  ", points_earned=1)
        assert "Give a reason" in caught.value.message_dict["reason"][0]
        with pytest.raises(ValidationError):
            services.evidence_delete(actor=teacher, evidence=evidence, reason="")

    assert Evidence.objects.get(pk=evidence.pk).version == 1


def test_evidence_from_an_assessment_must_be_on_an_aligned_standard(mastery: Mastery) -> None:
    assessment = AssessmentFactory()
    assessment.alignments.create(standard=mastery.standard_a, points_possible=4)

    with nothing_written(), pytest.raises(ValidationError) as caught:
        mastery.record(standard=mastery.standard_b, earned=3, possible=4, assessment=assessment)

    assert "is not one of the standards" in caught.value.message_dict["standard"][0]
    assert mastery.record(earned=3, possible=4, assessment=assessment).assessment == assessment
