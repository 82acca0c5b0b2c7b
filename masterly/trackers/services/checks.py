"""What every tracker service checks first: may the actor manage it, is it still open."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from masterly.accounts.models import User
from masterly.trackers.models import Tracker
from masterly.trackers.selectors.trackers import can_manage_tracker


def check_manage(actor: User | None, tracker: Tracker) -> None:
    """PermissionDenied unless ``actor`` may manage the tracker (``None`` is the system)."""
    if not can_manage_tracker(actor, tracker):
        raise PermissionDenied("Only the tracker's owner can change it.")


def check_not_archived(tracker: Tracker) -> None:
    """An archived tracker is read-only."""
    if tracker.is_archived:
        raise ValidationError(
            f"The tracker {tracker.name!r} is archived and read-only; unarchive it first."
        )
