"""Rescoring: an item's key corrected after the fact, and the evidence rewritten.

Never silently: :func:`rescore_preview` says how many students' points change (nothing is
written); :func:`rescore_apply` then writes the corrected key as a new version of the item
(ADR 18), scores the assessment's item with it from now on, rescores every response to it,
and rewrites the affected evidence as new revisions (``evidence_edit``) whose reason says
"rescored: key of item N corrected" — all in one transaction, with audit rows.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from masterly.accounts.models import User
from masterly.assessments.items.key_corrections import KeyChange, check_key_change, item_key_correct
from masterly.assessments.models import Assessment, AssessmentItem, Attempt, Response
from masterly.assessments.responses import services as response_writes
from masterly.assessments.responses.entry import score_answer, stored_answer
from masterly.assessments.responses.keys import PlacedItem, placed_items
from masterly.trackers.models import Tracker
from masterly.trackers.services.assessment_scoring import ScoringSummary, attempts_score
from masterly.trackers.services.paper_scores import check_scorer


@dataclass
class RescorePreview:
    item: PlacedItem
    responses: int
    changed: list[tuple[int, Decimal, Decimal]]  # (student id, points before, after)

    @property
    def students(self) -> int:
        return len({student for student, _, _ in self.changed})


def reason_for(item: PlacedItem) -> str:
    return f"rescored: key of item {item.number} corrected"


def _corrected_key(item: PlacedItem, change: KeyChange) -> PlacedItem:
    key = item.key
    fields: dict[str, object] = {}
    if change.correct is not None:
        fields["correct"] = frozenset(change.correct)
    if change.accepted_answers is not None:
        fields["accepted_answers"] = tuple(a.strip() for a in change.accepted_answers if a.strip())
    if change.numeric_answer is not None:
        fields["numeric_answer"] = change.numeric_answer
    if change.numeric_tolerance is not None:
        fields["numeric_tolerance"] = change.numeric_tolerance
    return dataclasses.replace(item, key=dataclasses.replace(key, **fields))  # type: ignore[arg-type]


def _item(assessment: Assessment, placement_id: int) -> PlacedItem:
    for item in placed_items(assessment.pk):
        if item.placement_id == placement_id:
            return item
    raise ValidationError({"item": f"No such item in {assessment.title!r}; reload the page."})


def _rescored(item: PlacedItem, responses: list[Response]) -> list[tuple[Response, Decimal]]:
    """Each response whose points the corrected ``item`` changes, with its new points."""
    out = []
    for row in responses:
        answer = stored_answer(row.choices, row.text, row.number, row.levels)
        if answer is None or row.points is None:
            continue
        points = score_answer(item, answer).points
        if points is not None and points != row.points:
            out.append((row, points))
    return out


def rescore_preview(
    *,
    actor: User | None,
    tracker: Tracker,
    assessment: Assessment,
    placement_id: int,
    change: KeyChange,
) -> RescorePreview:
    """What correcting the key would change (nothing is written)."""
    check_scorer(actor, tracker, assessment)
    item = _item(assessment, placement_id)
    check_key_change(item.key_version, change)
    responses = list(
        Response.objects.filter(assessment_item_id=placement_id).select_related("attempt")
    )
    changes = _rescored(_corrected_key(item, change), responses)
    return RescorePreview(
        item=item,
        responses=len(responses),
        changed=[(row.attempt.student_id, row.points or Decimal(0), new) for row, new in changes],
    )


def rescore_apply(
    *, actor: User, tracker: Tracker, assessment: Assessment, placement_id: int, change: KeyChange
) -> ScoringSummary:
    """Correct the key, rescore the item's responses and rewrite the evidence."""
    check_scorer(actor, tracker, assessment)
    item = _item(assessment, placement_id)
    with transaction.atomic():
        corrected = item_key_correct(
            actor=actor,
            version=item.key_version,
            change=change,
            may_correct=assessment.created_by_id == actor.pk,
        )
        placement = AssessmentItem.objects.get(pk=placement_id)
        response_writes.key_correct(actor=actor, placement=placement, version=corrected)
        responses = list(Response.objects.filter(assessment_item_id=placement_id))
        new_item = next(p for p in placed_items(assessment.pk) if p.placement_id == placement_id)
        changes = _rescored(new_item, responses)
        response_writes.responses_rescore(
            actor=actor, changes=[(row.pk, points) for row, points in changes]
        )
        attempts = list(
            Attempt.objects.filter(pk__in={row.attempt_id for row in responses}).select_related(
                "student"
            )
        )
        return attempts_score(
            actor=actor, assessment=assessment, attempts=attempts, reason=reason_for(item)
        )
