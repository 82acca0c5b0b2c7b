"""The items of an assessment as scoring needs them: each one's key and alignments.

Read in a fixed number of queries whatever the number of items. An item is scored with the
version of its latest key correction, else with the version placed (what students saw).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from masterly.assessments.items.models import (
    AssessmentItem,
    Choice,
    InteractionType,
    ItemStandard,
    ItemVersion,
    RubricCriterion,
)
from masterly.assessments.responses.models import KeyCorrection
from masterly.assessments.scoring import Key

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class PlacedItem:
    """An item as placed in an assessment, numbered from 1 in the order students see it."""

    placement_id: int
    number: int
    key_version: ItemVersion
    key: Key
    # (standard id, points toward it) of the item; an extended response's come from its rubric.
    alignments: tuple[tuple[int, Decimal], ...]
    criterion_standards: tuple[int, ...]

    @property
    def letters(self) -> str:
        """The letters of its options ("A–D"), for messages."""
        return f"A–{chr(ord('A') + self.key.choice_count - 1)}"

    def points_by_standard(
        self, earned: Decimal, criterion_points: Sequence[Decimal] | None
    ) -> dict[int, Decimal]:
        """The points ``earned`` on the item toward each of its standards: a rubric's per
        criterion; otherwise shared as the alignments are (each its fraction of the item)."""
        if criterion_points is not None:
            shares: dict[int, Decimal] = {}
            for standard_id, points in zip(self.criterion_standards, criterion_points, strict=True):
                shares[standard_id] = shares.get(standard_id, Decimal(0)) + points
            return shares
        total = self.key.points
        return {
            standard_id: (earned * points / total).quantize(CENT) if total else Decimal(0)
            for standard_id, points in self.alignments
        }


def placed_items(assessment_id: int) -> list[PlacedItem]:
    """Every item of the assessment, in order, with its key (five queries)."""
    placements = list(
        AssessmentItem.objects.filter(assessment_id=assessment_id).order_by("section", "position")
    )
    corrected: dict[int, int] = {}
    for row in KeyCorrection.objects.filter(assessment_item__in=[p.pk for p in placements]):
        corrected[row.assessment_item_id] = row.item_version_id  # the latest wins (ordering)
    wanted = {p.pk: corrected.get(p.pk, p.item_version_id) for p in placements}
    versions = {
        version.pk: version
        for version in ItemVersion.objects.filter(pk__in=set(wanted.values())).prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position")),
            Prefetch("alignments", queryset=ItemStandard.objects.order_by("standard_id")),
            Prefetch(
                "criteria",
                queryset=RubricCriterion.objects.order_by("position").prefetch_related("levels"),
            ),
        )
    }
    return [
        _placed(placement.pk, number, versions[wanted[placement.pk]])
        for number, placement in enumerate(placements, start=1)
    ]


def _placed(placement_id: int, number: int, version: ItemVersion) -> PlacedItem:
    choices = list(version.choices.all())
    alignments = tuple((row.standard_id, row.points) for row in version.alignments.all())
    criteria = list(version.criteria.all())
    key = Key(
        interaction=version.interaction,
        points=sum((points for _, points in alignments), Decimal(0)),
        correct=frozenset(choice.position for choice in choices if choice.is_correct),
        choice_count=len(choices),
        numeric_answer=version.numeric_answer,
        numeric_tolerance=version.numeric_tolerance,
        accepted_answers=tuple(version.accepted_answers or ()),
        teacher_scored=version.teacher_scored,
        criteria=tuple(
            tuple(level.points for level in sorted(c.levels.all(), key=lambda x: x.position))
            for c in criteria
        )
        if version.interaction == InteractionType.EXTENDED
        else (),
    )
    return PlacedItem(
        placement_id=placement_id,
        number=number,
        key_version=version,
        key=key,
        alignments=alignments,
        criterion_standards=tuple(c.standard_id for c in criteria),
    )
