"""A tracker's Settings, saved as one: how mastery is calculated and what the portals show.

The page, the API and a command call :func:`tracker_settings_save`; every field is checked
before anything is written, and both parts are written in one transaction or neither.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from masterly.accounts.models import User
from masterly.trackers.models import RecomputeRun, Tracker
from masterly.trackers.policy import PORTAL
from masterly.trackers.services.calculation import (
    KEEP,
    Keep,
    clean_settings,
    tracker_settings_change,
)
from masterly.trackers.services.checks import check_manage, check_not_archived
from masterly.trackers.services.display import clean_portal, tracker_portal_change


def tracker_settings_save(
    *,
    actor: User | None,
    tracker: Tracker,
    portal: Mapping[str, str],
    method: str | None = None,
    decay: object = None,
    weight: object = None,
    n_mastery: object = None,
    scale: list[dict[str, Any]] | Keep | None = KEEP,
    follow: Collection[str] = (),
) -> RecomputeRun | None:
    """Save the portal settings (see :func:`tracker_portal_change`) and the calculation
    settings (see :func:`tracker_settings_change`, whose arguments these are). The groups in
    ``follow`` (``policy.GROUPS``) follow the school's and district's policy again.

    Returns the queued :class:`RecomputeRun` when the calculation or the scale's levels
    changed, else ``None`` (a level renamed or recoloured needs no recompute).
    A ValidationError names every bad field of both parts, with nothing written.
    """
    check_manage(actor, tracker)
    check_not_archived(tracker)
    errors: dict[str, list[str]] = {}
    for check in (
        lambda: None if PORTAL in follow else clean_portal(portal),
        lambda: clean_settings(
            method=tracker.method if method is None else method,
            decay=tracker.decay if decay is None else decay,
            weight=tracker.weight if weight is None else weight,
            n_mastery=tracker.n_mastery if n_mastery is None else n_mastery,
            scale=tracker.scale if scale is KEEP else scale,
        ),
    ):
        try:
            check()
        except ValidationError as problem:
            for field, messages in problem.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        tracker_portal_change(actor=actor, tracker=tracker, portal=portal, follow=PORTAL in follow)
        return tracker_settings_change(
            actor=actor,
            tracker=tracker,
            method=method,
            decay=decay,
            weight=weight,
            n_mastery=n_mastery,
            scale=scale,
            follow=follow,
        )
