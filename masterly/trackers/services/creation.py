"""Creating a tracker: its sections, its standards (given, or its curriculum map's) and its
calculation settings, in one transaction with an audit row and a queued recompute."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from masterly.accounts.models import User
from masterly.core import audit
from masterly.roster.models import Section
from masterly.standards.models import CurriculumMap, Standard, UnitStandard
from masterly.trackers.models import Tracker, TrackerSection, TrackerStandard
from masterly.trackers.services.calculation import clean_settings
from masterly.trackers.services.recompute import queue_recompute


def tracker_create(
    *,
    actor: User | None,
    name: str,
    owner: User,
    sections: Sequence[Section],
    standards: Sequence[Standard] | None = None,
    curriculum_map: CurriculumMap | None = None,
    method: str = Tracker.Method.DECAYING_AVERAGE,
    decay: object = Decimal("0.65"),
    weight: object = Decimal("0.65"),
    n_mastery: object = 3,
    scale: list[dict[str, Any]] | None = None,
    is_linked_to_canvas: bool = False,
) -> Tracker:
    """A tracker for ``sections`` on ``standards`` (or, if none given, the curriculum map's).

    Its rollups for evidence that already exists are computed by a queued recompute.
    """
    errors: dict[str, str] = {}
    if not name or not name.strip():
        errors["name"] = "Give the tracker a name."
    if not sections:
        errors["sections"] = "Choose at least one section."
    if errors:
        raise ValidationError(errors)
    clean_settings(method=method, decay=decay, weight=weight, n_mastery=n_mastery, scale=scale)
    placements: list[TrackerStandard] = []
    if standards is not None:
        placements = [
            TrackerStandard(standard=standard, position=position)
            for position, standard in enumerate(standards)
        ]
    elif curriculum_map is not None:
        placements = [
            TrackerStandard(
                standard_id=placed.standard_id,
                unit_id=placed.unit_id,
                unit_title=placed.unit.title,
                is_power=placed.is_power,
                position=position,
            )
            for position, placed in enumerate(
                UnitStandard.objects.filter(unit__curriculum_map=curriculum_map)
                .select_related("unit")
                .order_by("unit__position", "unit_id", "position", "id")
            )
        ]
    if len({p.standard_id for p in placements}) != len(placements):
        raise ValidationError({"standards": "Each standard may be in a tracker only once."})
    with transaction.atomic():
        tracker = Tracker.objects.create(
            name=name.strip(),
            owner=owner,
            curriculum_map=curriculum_map,
            method=method,
            decay=Decimal(str(decay)),
            weight=Decimal(str(weight)),
            n_mastery=int(str(n_mastery)),
            scale=scale,
            is_linked_to_canvas=is_linked_to_canvas,
        )
        TrackerSection.objects.bulk_create(
            TrackerSection(tracker=tracker, section=section) for section in sections
        )
        for placement in placements:
            placement.tracker = tracker
        TrackerStandard.objects.bulk_create(placements)
        audit.record(
            actor=actor,
            action="tracker.created",
            target=tracker,
            summary=f"Tracker {tracker.name!r} created",
            details={
                "sections": [section.pk for section in sections],
                "standards": [p.standard_id for p in placements],
            },
        )
        queue_recompute(actor=actor, tracker=tracker, reason="Tracker created")
    return tracker
