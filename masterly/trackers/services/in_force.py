"""Storing a tracker's settings in force (resolved by ``masterly.trackers.policy``) in its
columns, which the grid, the rollups and the portals read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from masterly.accounts.models import User
from masterly.trackers.models import PORTAL_FIELDS, Override, Tracker
from masterly.trackers.policy import (
    CALCULATION,
    CALCULATION_FIELDS,
    GROUPS,
    PORTAL,
    SCALE,
    Resolved,
)
from masterly.trackers.selectors.policy import same_levels, same_value, tracker_values


@dataclass(frozen=True)
class InForceChange:
    """The groups whose value in force changed, and whether the rollups must be recomputed:
    the calculation changed, or the scale's levels (not only its names and colours)."""

    groups: list[str]
    recomputes: bool

    def __bool__(self) -> bool:
        return bool(self.groups)


def materialize(
    *, actor: User | None, tracker: Tracker, resolved: Mapping[str, Resolved]
) -> InForceChange:
    """Store the values in force in the tracker's columns (in the caller's transaction).

    Returns what changed. When it needs a recompute, the settings version is bumped and
    overrides to a level the scale no longer has are cleared; the caller queues (or runs)
    the recompute. A scale renamed or recoloured is stored and shows at once.
    """
    before = tracker_values(tracker)
    changed = [
        group for group in GROUPS if not same_value(group, before[group], resolved[group].value)
    ]
    recomputes = CALCULATION in changed or (
        SCALE in changed and not same_levels(before[SCALE], resolved[SCALE].value)
    )
    if not changed:
        return InForceChange([], recomputes=False)
    fields: list[str] = []
    if SCALE in changed:
        tracker.scale = resolved[SCALE].value
        fields.append("scale")
    if CALCULATION in changed:
        calculation = resolved[CALCULATION].value
        tracker.method = calculation["method"]
        tracker.decay = Decimal(calculation["decay"])
        tracker.weight = Decimal(calculation["weight"])
        tracker.n_mastery = int(calculation["n_mastery"])
        fields.extend(CALCULATION_FIELDS)
    if PORTAL in changed:
        for field in PORTAL_FIELDS:
            setattr(tracker, field, resolved[PORTAL].value[field])
        fields.extend(PORTAL_FIELDS)
    if recomputes:
        tracker.settings_version = F("settings_version") + 1
        fields.append("settings_version")
    tracker.save(update_fields=[*fields, "updated_at"])
    if recomputes:
        tracker.refresh_from_db(fields=["settings_version"])
        kept = {level.abbreviation for level in tracker.mastery_scale().levels}
        Override.objects.filter(tracker=tracker, cleared_at__isnull=True).exclude(
            level__in=kept
        ).update(
            cleared_at=timezone.now(),
            cleared_by=actor,
            clear_reason="The tracker's scale changed and no longer has this level.",
        )
    return InForceChange(changed, recomputes=recomputes)
