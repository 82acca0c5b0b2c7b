"""Writes of responses and key corrections (each with its audit rows, in the caller's or
its own transaction). Scoring them into evidence is the trackers' service
(:mod:`masterly.trackers.services.assessment_scoring`), which calls these."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.items.models import AssessmentItem, ItemStandard, ItemVersion
from masterly.assessments.models import Assessment, AssessmentStandard, Attempt
from masterly.assessments.responses.entry import Answer, Scored
from masterly.assessments.responses.models import KeyCorrection, Response
from masterly.core import audit
from masterly.core.bulk import insert_rows


@dataclass(frozen=True, slots=True)
class ResponseWrite:
    """A response to save (``answer`` None: remove the one entered)."""

    attempt_id: int
    placement_id: int
    answer: Answer | None
    scored: Scored
    points_possible: Decimal


def responses_write(*, actor: User | None, writes: Sequence[ResponseWrite]) -> int:
    """Save responses in bulk: new ones created, changed ones updated, cleared ones removed
    (one audit row per attempt touched). Returns how many changed."""
    if not writes:
        return 0
    now = timezone.now()
    existing = {
        (row.attempt_id, row.assessment_item_id): row
        for row in Response.objects.filter(
            attempt_id__in={w.attempt_id for w in writes},
            assessment_item_id__in={w.placement_id for w in writes},
        )
    }
    existing_attempt = {row.pk: row.attempt_id for row in existing.values()}
    new: list[dict[str, object]] = []
    changed: list[Response] = []
    gone: list[int] = []
    for write in writes:
        row = existing.get((write.attempt_id, write.placement_id))
        if write.answer is None:
            if row is not None:
                gone.append(row.pk)
            continue
        values = _values(write)
        if row is None:
            new.append(
                {
                    "attempt_id": write.attempt_id,
                    "assessment_item_id": write.placement_id,
                    "scored_by_id": actor.pk if actor is not None else None,
                    "scored_at": now,
                    "updated_at": now,
                    **values,
                }
            )
        elif any(getattr(row, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(row, name, value)
            row.scored_by, row.scored_at, row.updated_at = actor, now, now
            changed.append(row)
    fields = [*_values(writes[0]).keys(), "scored_by", "scored_at", "updated_at"]
    with transaction.atomic():
        insert_rows(Response, new)  # a class's answers: thousands of rows, no ORM per row
        Response.objects.bulk_update(changed, fields)
        Response.objects.filter(pk__in=gone).delete()
        touched = sorted(
            {int(str(row["attempt_id"])) for row in new}
            | {row.attempt_id for row in changed}
            | {existing_attempt[pk] for pk in gone}
        )
        audit.record_many(
            actor=actor,
            action="responses.saved",
            model=Attempt,
            events=((pk, f"Responses of attempt {pk} saved", None) for pk in touched),
        )
    return len(new) + len(changed) + len(gone)


def _values(write: ResponseWrite) -> dict[str, object]:
    answer = write.answer or Answer()
    return {
        "choices": answer.choices,
        "text": answer.text,
        "number": answer.number,
        "levels": list(answer.levels) if answer.levels is not None else None,
        "points": write.scored.points,
        "points_possible": write.points_possible,
    }


def alignments_from_items(*, actor: User | None, assessment: Assessment) -> None:
    """Align ``assessment`` to every standard its items are aligned to that it lacks, out of
    the items' points toward it (evidence may only be on an assessment's standards)."""
    totals: dict[int, Decimal] = {}
    for standard_id, points in ItemStandard.objects.filter(
        version__placements__assessment=assessment
    ).values_list("standard_id", "points"):
        totals[standard_id] = totals.get(standard_id, Decimal(0)) + points
    have = set(
        AssessmentStandard.objects.filter(assessment=assessment).values_list(
            "standard_id", flat=True
        )
    )
    missing = [
        AssessmentStandard(assessment=assessment, standard_id=pk, points_possible=points)
        for pk, points in totals.items()
        if pk not in have
    ]
    if missing:
        AssessmentStandard.objects.bulk_create(missing)
        audit.record(
            actor=actor,
            action="assessment.aligned",
            target=assessment,
            summary=f"Assessment {assessment.title!r} aligned to its items' standards",
            details={"standards": [row.standard_id for row in missing]},
        )


def key_correct(
    *, actor: User | None, placement: AssessmentItem, version: ItemVersion
) -> KeyCorrection:
    """Score ``placement`` with ``version``'s key from now on (a later version of its item)."""
    with transaction.atomic():
        correction = KeyCorrection.objects.create(
            assessment_item=placement, item_version=version, corrected_by=actor
        )
        audit.record(
            actor=actor,
            action="assessment.key_corrected",
            target=correction,
            summary=(
                f"Key of item {version.item_id} in assessment {placement.assessment_id} "
                f"corrected (version {version.number})"
            ),
        )
    return correction


def responses_rescore(*, actor: User | None, changes: Sequence[tuple[int, Decimal]]) -> None:
    """New points for responses (by id) scored again with a corrected key, audited."""
    if not changes:
        return
    now = timezone.now()
    rows = Response.objects.in_bulk([pk for pk, _ in changes])
    for pk, points in changes:
        row = rows[pk]
        row.points, row.scored_by, row.scored_at, row.updated_at = points, actor, now, now
    with transaction.atomic():
        Response.objects.bulk_update(
            list(rows.values()), ["points", "scored_by", "scored_at", "updated_at"]
        )
        audit.record_many(
            actor=actor,
            action="responses.rescored",
            model=Response,
            events=((pk, f"Response {pk} rescored to {points}", None) for pk, points in changes),
        )
