"""How a tracker calculates mastery: method, decay, weight, n and scale.

Changing the calculation bumps the tracker's settings version and queues a bulk recompute
of its rollups; overrides to a level the new scale no longer has are cleared.
"""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from masterly.accounts.models import User
from masterly.core import audit
from masterly.mastery import MasteryError, MasteryPolicy
from masterly.trackers.models import Override, RecomputeRun, Tracker
from masterly.trackers.scales import scale_from_data
from masterly.trackers.services.checks import check_manage, check_not_archived
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
) -> RecomputeRun | None:
    """Change how mastery is calculated; the tracker's rollups are recomputed in the background.

    ``None`` (``KEEP`` for ``scale``, where ``None`` means the district default) leaves a
    setting as it is. Returns the queued :class:`RecomputeRun` (its progress is what the
    teacher sees), or ``None`` when nothing changed. Overrides to a level the new scale no
    longer has are cleared (kept in their history with the reason).
    """
    check_manage(actor, tracker)
    check_not_archived(tracker)
    wanted: dict[str, Any] = {
        "method": tracker.method if method is None else method,
        "decay": tracker.decay if decay is None else decay,
        "weight": tracker.weight if weight is None else weight,
        "n_mastery": tracker.n_mastery if n_mastery is None else n_mastery,
        "scale": tracker.scale if scale is KEEP else scale,
    }
    policy = clean_settings(**wanted)
    wanted["decay"] = Decimal(str(wanted["decay"]))
    wanted["weight"] = Decimal(str(wanted["weight"]))
    wanted["n_mastery"] = int(str(wanted["n_mastery"]))
    with transaction.atomic():
        locked = Tracker.objects.select_for_update().get(pk=tracker.pk)
        old = {field: getattr(locked, field) for field in wanted}
        changed = [field for field in wanted if old[field] != wanted[field]]
        if not changed:
            return None
        for field in changed:
            setattr(locked, field, wanted[field])
        locked.settings_version = F("settings_version") + 1
        locked.save(update_fields=[*changed, "settings_version", "updated_at"])
        locked.refresh_from_db(fields=["settings_version"])
        kept = {level.abbreviation for level in policy.scale.levels}
        cleared = Override.objects.filter(tracker=locked, cleared_at__isnull=True).exclude(
            level__in=kept
        )
        cleared_count = cleared.update(
            cleared_at=timezone.now(),
            cleared_by=actor,
            clear_reason="The tracker's scale changed and no longer has this level.",
        )
        audit.record(
            actor=actor,
            action="tracker.settings_changed",
            target=locked,
            summary=f"Calculation settings of {locked.name!r} changed: {', '.join(changed)}",
            details={
                "old": {field: _jsonable(old[field]) for field in changed},
                "new": {field: _jsonable(wanted[field]) for field in changed},
                "settings_version": locked.settings_version,
                "overrides_cleared": cleared_count,
            },
        )
        run = queue_recompute(
            actor=actor, tracker=locked, reason=f"Settings changed: {', '.join(changed)}"
        )
    for field in changed:
        setattr(tracker, field, wanted[field])
    tracker.settings_version = locked.settings_version
    return run


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    return value
