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
from masterly.trackers.policy import BUILT_IN, CALCULATION, SCALE, Level, resolve_all
from masterly.trackers.scales import scale_from_data, scale_to_data
from masterly.trackers.selectors.policy import (
    TRACKER_NAME,
    locked_refusals,
    org_chain,
    org_levels,
)
from masterly.trackers.services.calculation import clean_settings
from masterly.trackers.services.in_force import materialize
from masterly.trackers.services.recompute import queue_recompute


def tracker_create(
    *,
    actor: User | None,
    name: str,
    owner: User,
    sections: Sequence[Section],
    standards: Sequence[Standard] | None = None,
    curriculum_map: CurriculumMap | None = None,
    method: str | None = None,
    decay: object = None,
    weight: object = None,
    n_mastery: object = None,
    scale: list[dict[str, Any]] | None = None,
    is_linked_to_canvas: bool = False,
) -> Tracker:
    """A tracker for ``sections`` on ``standards`` (or, if none given, the curriculum map's).

    The calculation settings and scale given are the tracker's own; those not given follow
    the policy of its first class's school and district (``masterly.trackers.policy``). Its
    rollups for evidence that already exists are computed by a queued recompute.
    """
    errors: dict[str, str] = {}
    if not name or not name.strip():
        errors["name"] = "Give the tracker a name."
    if not sections:
        errors["sections"] = "Choose at least one section."
    if errors:
        raise ValidationError(errors)
    own = _own_settings(method=method, decay=decay, weight=weight, n_mastery=n_mastery, scale=scale)
    school = min(sections, key=lambda section: section.pk).school
    levels = org_levels(org_chain(school))
    refused = locked_refusals(resolve_all(levels), own)
    if refused:
        names = {SCALE: "scale", CALCULATION: "method"}
        raise ValidationError({names[group]: message for group, message in refused.items()})
    in_force = resolve_all([*levels, Level(TRACKER_NAME, own)])
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
            own_settings=own,
            is_linked_to_canvas=is_linked_to_canvas,
        )
        materialize(actor=actor, tracker=tracker, resolved=in_force)
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


def _own_settings(
    *, method: object, decay: object, weight: object, n_mastery: object, scale: object
) -> dict[str, Any]:
    """The setting groups given (a calculation field given makes the calculation the
    tracker's own, the others at their built-in values); a ValidationError names bad ones."""
    calculation = BUILT_IN[CALCULATION]
    wanted = {
        "method": calculation["method"] if method is None else method,
        "decay": calculation["decay"] if decay is None else decay,
        "weight": calculation["weight"] if weight is None else weight,
        "n_mastery": calculation["n_mastery"] if n_mastery is None else n_mastery,
    }
    clean_settings(**wanted, scale=scale)
    own: dict[str, Any] = {}
    if any(value is not None for value in (method, decay, weight, n_mastery)):
        own[CALCULATION] = {
            "method": str(wanted["method"]),
            "decay": str(Decimal(str(wanted["decay"]))),
            "weight": str(Decimal(str(wanted["weight"]))),
            "n_mastery": int(str(wanted["n_mastery"])),
        }
    if scale is not None:
        own[SCALE] = scale_to_data(scale_from_data(scale))
    return own
