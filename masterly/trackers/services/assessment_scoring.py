"""An attempt's responses become evidence: one score per standard per attempt (ADR 8, 11).

The points of the items aligned to a standard (a rubric's criteria aligned to it) add up to
the attempt's score on it, out of those items' points. A standard is scored only once every
item aligned to it has points (a response left for the teacher to score holds it back), so
that mastery is never judged on half a test. Every write goes through the evidence service,
so the trackers' cells change in the same transaction; a changed score is a new revision
(``evidence_edit``) whose reason says why.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Protocol

from django.db import transaction

from masterly.accounts.models import User
from masterly.assessments.models import Assessment, Attempt, Evidence, Response, Source
from masterly.assessments.responses.keys import PlacedItem, placed_items
from masterly.standards.models import Standard
from masterly.trackers.services.evidence import (
    NewEvidence,
    evidence_delete,
    evidence_edit,
    evidence_record_many,
    evidence_restore,
)


class AnsweredItem(Protocol):
    """What scoring reads of a response (a :class:`Response`, or a row of its values)."""

    attempt_id: int
    assessment_item_id: int
    points: Decimal | None
    levels: list[int] | None


@dataclass
class ScoringSummary:
    """What scoring changed: new scores, changed ones (revisions) and removed ones."""

    recorded: int = 0
    changed: int = 0
    removed: int = 0
    students: set[int] = field(default_factory=set)

    @property
    def total(self) -> int:
        return self.recorded + self.changed + self.removed


def attempt_points(
    items: Sequence[PlacedItem], responses: Iterable[AnsweredItem]
) -> dict[int, dict[int, tuple[Decimal, Decimal]]]:
    """Each attempt's (earned, possible) per standard id, only the standards whose every
    item has points (pure: the responses are given)."""
    needed: dict[int, set[int]] = defaultdict(set)  # standard → placements aligned to it
    possible: dict[int, Decimal] = defaultdict(Decimal)
    by_placement = {item.placement_id: item for item in items}
    for placed in items:
        for standard_id, points in placed.alignments:
            needed[standard_id].add(placed.placement_id)
            possible[standard_id] += points
    earned: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    scored: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
    for response in responses:
        item = by_placement.get(response.assessment_item_id)
        if item is None or response.points is None:
            continue
        criterion_points = None
        if response.levels is not None and item.key.criteria:
            criterion_points = [
                c[level] for c, level in zip(item.key.criteria, response.levels, strict=True)
            ]
        elif item.key.criteria:  # omitted or given as a total: shared by the rubric's tops
            tops = [c[-1] for c in item.key.criteria]
            whole = sum(tops, Decimal(0))
            criterion_points = [
                (response.points * top / whole).quantize(Decimal("0.01")) for top in tops
            ]
        for standard_id, points in item.points_by_standard(
            response.points, criterion_points
        ).items():
            earned[response.attempt_id][standard_id] += points
            scored[response.attempt_id][standard_id].add(item.placement_id)
    return {
        attempt_id: {
            standard_id: (min(points, possible[standard_id]), possible[standard_id])
            for standard_id, points in per_standard.items()
            if scored[attempt_id][standard_id] >= needed[standard_id]
        }
        for attempt_id, per_standard in earned.items()
    }


def attempts_score(
    *,
    actor: User | None,
    assessment: Assessment,
    attempts: Sequence[Attempt],
    reason: str,
    source: str = Source.MANUAL,
    items: Sequence[PlacedItem] | None = None,
) -> ScoringSummary:
    """Bring the evidence of ``attempts`` in line with their responses (in one transaction):
    a score per standard recorded, changed (a revision giving ``reason``) or removed.
    ``items``: the assessment's :func:`placed_items`, when the caller has them already."""
    summary = ScoringSummary()
    if not attempts:
        return summary
    items = placed_items(assessment.pk) if items is None else items
    with transaction.atomic():
        # Plain rows (a class's answers: no model instance each).
        responses = Response.objects.filter(attempt__in=[a.pk for a in attempts]).values_list(
            "attempt_id", "assessment_item_id", "points", "levels", named=True
        )
        wanted = attempt_points(items, responses)
        current = {
            (row.attempt_id, row.standard_id): row
            for row in Evidence.objects.filter(attempt__in=[a.pk for a in attempts]).order_by("id")
        }
        standards = Standard.objects.in_bulk({s for per in wanted.values() for s in per})
        new: list[NewEvidence] = []
        for attempt in attempts:
            for standard_id, (earned, possible) in wanted.get(attempt.pk, {}).items():
                row = current.pop((attempt.pk, standard_id), None)
                if row is None:
                    new.append(
                        NewEvidence(
                            student=attempt.student,
                            standard=standards[standard_id],
                            points_earned=earned,
                            points_possible=possible,
                            assessed_on=assessment.assessed_on,
                            source=source,
                            assessment=assessment,
                            attempt=attempt,
                        )
                    )
                    summary.students.add(attempt.student_id)
                    continue
                if row.is_deleted:
                    row = evidence_restore(actor=actor, evidence=row, reason=reason)
                if (row.points_earned, row.points_possible) != (earned, possible):
                    evidence_edit(
                        actor=actor,
                        evidence=row,
                        reason=reason,
                        points_earned=earned,
                        points_possible=possible,
                        expected_version=row.version,
                    )
                    summary.changed += 1
                    summary.students.add(attempt.student_id)
        for row in current.values():  # a standard no longer complete: its score stops counting
            if not row.is_deleted:
                evidence_delete(actor=actor, evidence=row, reason=reason)
                summary.removed += 1
                summary.students.add(row.student_id)
        summary.recorded = len(evidence_record_many(actor=actor, rows=new))
    return summary
