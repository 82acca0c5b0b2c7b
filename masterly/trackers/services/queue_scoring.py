"""Scoring a response from the teacher's scoring queue (ADR 28).

A short-text answer gets its points, a rubric answer a level on each criterion; then the
attempt's evidence follows through :func:`~.assessment_scoring.attempts_score`, in the same
transaction: a standard is recorded once every response aligned to it has points (ADR 26),
and a later change to a scored response makes a new revision of that evidence, never a
silent overwrite.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masterly.accounts.models import User
from masterly.assessments.models import Response
from masterly.assessments.responses.keys import PlacedItem, placed_items
from masterly.assessments.scoring import score_rubric
from masterly.core import audit
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker, TrackerAssessment
from masterly.trackers.selectors.trackers import can_score_tracker
from masterly.trackers.services.assessment_scoring import ScoringSummary, attempts_score
from masterly.trackers.services.checks import check_not_archived

QUEUE_REASON = "Scored in the scoring queue."


def response_score(
    *,
    actor: User,
    tracker: Tracker,
    response_id: int,
    points: str = "",
    levels: Sequence[str] = (),
) -> ScoringSummary:
    """Give a response in ``tracker`` its points (typed) or its rubric levels (positions)."""
    if not can_score_tracker(actor, tracker):
        raise PermissionDenied(_("Only the tracker's teachers score its responses."))
    check_not_archived(tracker)
    response = (
        Response.objects.select_related("attempt__assessment", "attempt__student")
        .filter(
            pk=response_id,
            attempt__student__in=tracker_students(tracker.pk),
            attempt__assessment__in=TrackerAssessment.objects.filter(tracker=tracker).values(
                "assessment"
            ),
        )
        .first()
    )
    if response is None:
        raise ValidationError(_("That answer is not in this tracker; reload the page."))
    items = placed_items(response.attempt.assessment_id)
    item = next(i for i in items if i.placement_id == response.assessment_item_id)
    if not item.key.is_teachers:
        raise ValidationError(_("The key scores that item; there is nothing to give."))
    given, chosen = _read(item, points, levels)
    with transaction.atomic():
        response.points, response.levels = given, chosen
        response.scored_by, response.scored_at = actor, timezone.now()
        response.updated_at = response.scored_at
        response.save(update_fields=["points", "levels", "scored_by", "scored_at", "updated_at"])
        audit.record(
            actor=actor,
            action="response.scored",
            target=response,
            summary=(
                f"Item {item.number} of {response.attempt.student.username}'s attempt "
                f"{response.attempt.number} scored {given.normalize():f}"
            ),
            details={"levels": chosen},
        )
        return attempts_score(
            actor=actor,
            assessment=response.attempt.assessment,
            attempts=[response.attempt],
            reason=QUEUE_REASON,
            items=items,
        )


def _read(item: PlacedItem, points: str, levels: Sequence[str]) -> tuple[Decimal, list[int] | None]:
    criteria = item.key.criteria
    if criteria:
        if len(levels) != len(criteria) or not all(str(v).isdigit() for v in levels):
            raise ValidationError(_("Choose a level on every criterion."))
        chosen = [int(v) for v in levels]
        try:
            earned = score_rubric(item.key, chosen)
        except ValueError:
            raise ValidationError(_("Choose one of the rubric's levels.")) from None
        return sum(earned, Decimal(0)), chosen
    top = item.key.points
    try:
        value = Decimal(points.strip())
    except InvalidOperation:
        value = Decimal(-1)
    if not value.is_finite() or not 0 <= value <= top or value != value.quantize(Decimal("0.01")):
        raise ValidationError(_("Give points from 0 to %(top)s.") % {"top": f"{top.normalize():f}"})
    return value, None
