"""Assessments aligned to standards, numbered attempts, and evidence tied to them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from masterly.assessments import services as assessment_services
from masterly.assessments.models import Assessment
from masterly.core.models import AuditEvent
from masterly.trackers.models import Rollup
from tests.assessment_factories import Mastery


def test_an_assessment_reports_a_score_per_aligned_standard(mastery: Mastery) -> None:
    teacher = mastery.world.teacher
    assessment = assessment_services.assessment_create(
        actor=teacher,
        title="Ratios check",
        kind=Assessment.Kind.COMMON,
        standards=[(mastery.standard_a, 4), (mastery.standard_b, "10")],
    )

    assert {(a.standard, a.points_possible) for a in assessment.alignments.all()} == {
        (mastery.standard_a, Decimal("4.00")),
        (mastery.standard_b, Decimal("10.00")),
    }
    assert AuditEvent.objects.filter(action="assessment.created", actor=teacher).exists()

    for standard, earned, possible in ((mastery.standard_a, 3, 4), (mastery.standard_b, 9, 10)):
        mastery.record(standard=standard, earned=earned, possible=possible, assessment=assessment)
    cells = dict(Rollup.objects.filter(tracker=mastery.tracker).values_list("standard", "score"))
    assert cells == {
        mastery.standard_a.pk: Decimal("75.00"),
        mastery.standard_b.pk: Decimal("90.00"),
    }


def test_attempts_are_numbered_per_student(mastery: Mastery) -> None:
    teacher, student = mastery.world.teacher, mastery.world.student
    assessment = assessment_services.assessment_create(
        actor=teacher, title="Quiz", standards=[(mastery.standard_a, 4)]
    )

    first = assessment_services.attempt_start(actor=student, assessment=assessment, student=student)
    second = assessment_services.attempt_start(
        actor=student, assessment=assessment, student=student
    )
    other = assessment_services.attempt_start(
        actor=teacher, assessment=assessment, student=mastery.world.other_student
    )

    assert (first.number, second.number, other.number) == (1, 2, 1)
    evidence = mastery.record(earned=4, possible=4, attempt=second, source="online")
    assert (evidence.assessment, evidence.attempt) == (assessment, second)


def test_evidence_must_match_its_attempt(mastery: Mastery) -> None:
    teacher = mastery.world.teacher
    quiz = assessment_services.assessment_create(actor=teacher, title="Quiz")
    other_quiz = assessment_services.assessment_create(actor=teacher, title="Other quiz")
    attempt = assessment_services.attempt_start(
        actor=teacher, assessment=quiz, student=mastery.world.other_student
    )

    with pytest.raises(ValidationError, match="another student"):
        mastery.record(attempt=attempt)
    with pytest.raises(ValidationError, match="another assessment"):
        mastery.record(student=mastery.world.other_student, attempt=attempt, assessment=other_quiz)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "Quiz", "kind": "essay"}, "kind"),
        ({"title": "Quiz", "standards": "zero"}, "points_possible"),
        ({"title": "Quiz", "standards": "twice"}, "standards"),
    ],
)
def test_a_bad_assessment_is_refused(
    mastery: Mastery, kwargs: dict[str, object], field: str
) -> None:
    standards = {
        "zero": [(mastery.standard_a, 0)],
        "twice": [(mastery.standard_a, 4), (mastery.standard_a, 5)],
    }.get(str(kwargs.get("standards")), [])
    kwargs = {**kwargs, "standards": standards}

    with pytest.raises(ValidationError) as caught:
        assessment_services.assessment_create(actor=mastery.world.teacher, **kwargs)  # type: ignore[arg-type]

    assert field in caught.value.message_dict
    assert not Assessment.objects.exists()
