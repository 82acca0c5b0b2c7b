"""Storing a tracker's settings in force (resolved by ``masterly.trackers.policy``) in its
columns, which the grid, the rollups and the portals read."""

from __future__ import annotations

from collections.abc import Mapping
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
from masterly.trackers.selectors.policy import same_value, tracker_values

# The groups whose change recomputes the rollups (the portal's only changes what is shown).
RECOMPUTED = (SCALE, CALCULATION)


def materialize(
    *, actor: User | None, tracker: Tracker, resolved: Mapping[str, Resolved]
) -> list[str]:
    """Store the values in force in the tracker's columns (in the caller's transaction).

    Returns the groups that changed. When the scale or calculation changed, the settings
    version is bumped and overrides to a level the scale no longer has are cleared; the
    caller queues (or runs) the recompute.
    """
    before = tracker_values(tracker)
    changed = [
        group for group in GROUPS if not same_value(group, before[group], resolved[group].value)
    ]
    if not changed:
        return []
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
    recomputes = any(group in RECOMPUTED for group in changed)
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
    return changed
