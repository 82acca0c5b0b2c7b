"""Quick checks and quick score entry: the teacher types points and mastery follows at once.

The owner and collaborators may score. A score is saved against the version the person saw
(``expected_version``; 0: "there was no score"): if someone else saved one since, nothing is
written and :class:`StaleScore` carries the current value, so no update is ever lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from masterly.accounts.models import User
from masterly.assessments import services as assessment_writes
from masterly.assessments.models import Assessment, AssessmentStandard, Evidence, Source
from masterly.assessments.scores import clean_assessed_on, clean_points, clean_score
from masterly.standards.models import Standard
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker, TrackerAssessment, TrackerStandard
from masterly.trackers.selectors.score_entry import points_text
from masterly.trackers.selectors.trackers import can_score_tracker
from masterly.trackers.services.checks import check_not_archived
from masterly.trackers.services.evidence import (
    evidence_delete,
    evidence_edit,
    evidence_for_entry,
    evidence_record,
    evidence_restore,
)

CLEARED = "Cleared in quick score entry."
CHANGED = "Changed in quick score entry."


class StaleScore(ValidationError):
    """Someone saved this score since the person opened it; ``current`` is what it is now."""

    def __init__(self, current: Evidence | None) -> None:
        self.current = current
        now = points_text(current) or "no score"
        super().__init__(
            f"Someone else saved this score since you opened the page: it is now {now}. "
            "Check it, then enter yours again if it should change.",
            code="stale",
        )


def _check_score(actor: User | None, tracker: Tracker) -> None:
    if not can_score_tracker(actor, tracker):
        raise PermissionDenied("Only the tracker's owner and collaborators enter its scores.")
    check_not_archived(tracker)


def quick_check_create(
    *,
    actor: User | None,
    tracker: Tracker,
    title: str,
    assessed_on: object,
    standards: Sequence[Standard],
    points_possible: object,
) -> Assessment:
    """A quick check in ``tracker`` on some of its standards, each scored out of the points."""
    _check_score(actor, tracker)
    if not standards:
        raise ValidationError({"standards": "Choose at least one standard it assesses."})
    placed = set(
        TrackerStandard.objects.filter(tracker=tracker).values_list("standard_id", flat=True)
    )
    outside = [standard for standard in standards if standard.pk not in placed]
    if outside:
        raise ValidationError({"standards": f"{outside[0]} is not in this tracker."})
    on = clean_assessed_on(assessed_on)
    possible = clean_points(points_possible, "points_possible")
    if possible <= 0:
        raise ValidationError({"points_possible": "Points possible must be more than 0."})
    with transaction.atomic():
        assessment = assessment_writes.assessment_create(
            actor=actor,
            title=title,
            kind=Assessment.Kind.QUICK_CHECK,
            standards=[(standard, possible) for standard in standards],
            assessed_on=on,
        )
        TrackerAssessment.objects.create(tracker=tracker, assessment=assessment)
    return assessment


def quick_score_save(
    *,
    actor: User | None,
    tracker: Tracker,
    assessment: Assessment,
    student: User,
    standard: Standard,
    points: str,
    expected_version: int,
) -> Evidence | None:
    """Save the points typed for a student on one standard of a quick check.

    ``points`` blank clears the score (kept in its history). Returns the evidence as it now is
    (``None``: no score). Bad points raise a ValidationError on ``points_earned``; a score
    changed by someone else since ``expected_version`` raises :class:`StaleScore`.
    """
    _check_score(actor, tracker)
    try:
        alignment = AssessmentStandard.objects.get(assessment=assessment, standard=standard)
    except AssessmentStandard.DoesNotExist:
        raise ValidationError({"standard": f"{assessment} does not assess {standard}."}) from None
    if not TrackerAssessment.objects.filter(tracker=tracker, assessment=assessment).exists():
        raise ValidationError({"assessment": f"{assessment} is not given in {tracker.name!r}."})
    if not tracker_students(tracker.pk).filter(user=student.pk).exists():
        raise ValidationError({"student": f"{student} is not in this tracker's classes."})
    text = (points or "").strip()
    earned: Decimal | None = None
    if text:
        earned, _ = clean_score(text, alignment.points_possible)
    with transaction.atomic():
        current = evidence_for_entry(student=student, standard=standard, assessment=assessment)
        if (current.version if current else 0) != expected_version:
            raise StaleScore(current)
        if current is None:
            if earned is None:
                return None
            return evidence_record(
                actor=actor,
                student=student,
                standard=standard,
                points_earned=earned,
                points_possible=alignment.points_possible,
                assessed_on=assessment.assessed_on,
                source=Source.MANUAL,
                assessment=assessment,
            )
        if earned is None:
            if current.is_deleted:
                return current
            return evidence_delete(
                actor=actor, evidence=current, reason=CLEARED, expected_version=current.version
            )
        if current.is_deleted:
            current = evidence_restore(
                actor=actor, evidence=current, reason=CHANGED, expected_version=current.version
            )
        return evidence_edit(
            actor=actor,
            evidence=current,
            reason=CHANGED,
            points_earned=earned,
            expected_version=current.version,
        )
