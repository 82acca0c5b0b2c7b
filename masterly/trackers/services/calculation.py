"""How a tracker calculates mastery: method, decay, weight, n and scale.

Changing the calculation bumps the tracker's settings version and queues a bulk recompute
of its rollups; overrides to a level the new scale no longer has are cleared. Renaming or
recolouring the scale's levels (same abbreviations and cuts) only stores the new scale.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from masterly.accounts.models import User
from masterly.core import audit
from masterly.mastery import MasteryError, MasteryPolicy
from masterly.trackers.models import RecomputeRun, Tracker
from masterly.trackers.policy import CALCULATION, SCALE, Level, resolve_all
from masterly.trackers.scales import scale_from_data, scale_to_data
from masterly.trackers.selectors.policy import (
    TRACKER_NAME,
    locked_refusals,
    tracker_levels,
    tracker_values,
)
from masterly.trackers.services.checks import check_manage, check_not_archived
from masterly.trackers.services.in_force import materialize
from masterly.trackers.services.recompute import queue_recompute


class Keep(enum.Enum):
    """Leave this setting as it is (``None`` is a meaningful value for the scale)."""

    KEEP = "keep"


KEEP = Keep.KEEP


def _message(error: Exception) -> str:
    text = str(error)
    return f"{text[:1].upper()}{text[1:]}."


def _places(value: object) -> int:
    exponent = Decimal(str(value)).as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


def clean_settings(
    *,
    method: object,
    decay: object,
    weight: object,
    n_mastery: object,
    scale: object,
) -> MasteryPolicy:
    """The policy these settings make, or a ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    parameters: dict[str, Any] = {}
    for field, parameter, value in (
        ("method", "method", method),
        ("decay", "decay", decay),
        ("weight", "weight", weight),
        ("n_mastery", "n", n_mastery),
    ):
        single: dict[str, Any] = {parameter: value}
        try:
            MasteryPolicy(**single)
        except MasteryError as error:
            errors[field] = _message(error)
            continue
        if field in {"decay", "weight"} and _places(value) > 2:
            errors[field] = f"{field.capitalize()} can have at most 2 decimal places (got {value})."
            continue
        parameters[parameter] = value
    try:
        parameters["scale"] = scale_from_data(scale)
    except MasteryError as error:
        errors["scale"] = _message(error)
    if errors:
        raise ValidationError(errors)
    return MasteryPolicy(**parameters)


def tracker_settings_change(
    *,
    actor: User | None,
    tracker: Tracker,
    method: str | None = None,
    decay: object = None,
    weight: object = None,
    n_mastery: object = None,
    scale: list[dict[str, Any]] | Keep | None = KEEP,
    follow: Collection[str] = (),
) -> RecomputeRun | None:
    """Change how mastery is calculated; the tracker's rollups are recomputed in the background.

    The values given become the tracker's own (``None``, ``KEEP`` for ``scale``, leaves a
    setting as it is); a group in ``follow`` (``policy.SCALE``, ``policy.CALCULATION``), or
    a ``scale`` of ``None``, goes back to following the school's and district's policy. A
    group a level above locked cannot be set to another value (a ValidationError says who
    locked it). Returns the queued :class:`RecomputeRun` (its progress is what the teacher
    sees), or ``None`` when nothing changed or only the levels' names and colours did.
    Overrides to a level the new scale no longer has are cleared (kept in their history with
    the reason).
    """
    check_manage(actor, tracker)
    check_not_archived(tracker)
    current = tracker_values(tracker)[CALCULATION]
    wanted: dict[str, Any] = {
        "method": current["method"] if method is None else method,
        "decay": current["decay"] if decay is None else decay,
        "weight": current["weight"] if weight is None else weight,
        "n_mastery": current["n_mastery"] if n_mastery is None else n_mastery,
    }
    scale_wanted = tracker.scale if scale is KEEP else scale
    clean_settings(**wanted, scale=scale_wanted)
    own: dict[str, Any] = {}
    if CALCULATION not in follow and any(v is not None for v in (method, decay, weight, n_mastery)):
        own[CALCULATION] = {
            "method": wanted["method"],
            "decay": str(Decimal(str(wanted["decay"]))),
            "weight": str(Decimal(str(wanted["weight"]))),
            "n_mastery": int(str(wanted["n_mastery"])),
        }
    if SCALE not in follow and scale is not KEEP and scale is not None:
        own[SCALE] = scale_to_data(scale_from_data(scale))
    followed = {group for group in (SCALE, CALCULATION) if group in follow}
    if scale is None:
        followed.add(SCALE)
    with transaction.atomic():
        locked = Tracker.objects.select_for_update().get(pk=tracker.pk)
        return _store_own(actor, locked, tracker, own=own, followed=followed)


def _store_own(
    actor: User | None,
    locked: Tracker,
    tracker: Tracker,
    *,
    own: dict[str, Any],
    followed: set[str],
) -> RecomputeRun | None:
    """Store the tracker's own scale and calculation, resolve what is in force and, if it
    changed, audit it and queue the recompute (in the caller's transaction)."""
    levels = tracker_levels(locked)
    refused = locked_refusals(resolve_all(levels[:-1]), own)
    if refused:
        names = {SCALE: "scale", CALCULATION: "method"}
        raise ValidationError({names[group]: message for group, message in refused.items()})
    settings = {k: v for k, v in locked.own_settings.items() if k not in followed}
    settings.update(own)
    fields = ("method", "decay", "weight", "n_mastery", "scale")
    old = {field: getattr(locked, field) for field in fields}
    if settings != locked.own_settings:
        locked.own_settings = settings
        locked.save(update_fields=["own_settings", "updated_at"])
    resolved = resolve_all([*levels[:-1], Level(TRACKER_NAME, settings)])
    in_force = materialize(actor=actor, tracker=locked, resolved=resolved)
    for field in (*fields, "own_settings", "settings_version"):
        setattr(tracker, field, getattr(locked, field))
    changed = [field for field in fields if old[field] != getattr(locked, field)]
    if not changed:
        return None
    audit.record(
        actor=actor,
        action="tracker.settings_changed",
        target=locked,
        summary=(
            f"Calculation settings of {locked.name!r} changed: {', '.join(changed)}"
            if in_force.recomputes
            else f"Level names or colours of {locked.name!r} changed"
        ),
        details={
            "old": {field: _jsonable(old[field]) for field in changed},
            "new": {field: _jsonable(getattr(locked, field)) for field in changed},
            "own": sorted(settings),
            "settings_version": locked.settings_version,
            "recomputed": in_force.recomputes,
        },
    )
    if not in_force.recomputes:
        return None  # the grid reads the new names and colours from the tracker row
    return queue_recompute(
        actor=actor, tracker=locked, reason=f"Settings changed: {', '.join(changed)}"
    )


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    return value
