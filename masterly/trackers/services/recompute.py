"""Recomputing a tracker's stored rollups in the background (after a settings change, or
when its sections, students or standards changed).

The run is queued in the caller's transaction and sent to the task queue once it commits
(the worker must see the data); :func:`masterly.trackers.rollups.run_recompute` runs it.
"""

from __future__ import annotations

from django.db import transaction

from masterly.accounts.models import User
from masterly.core import audit
from masterly.trackers.models import RecomputeRun, Tracker
from masterly.trackers.services.checks import check_manage


def _enqueue(run: RecomputeRun) -> None:
    """Queue the run's task once the transaction commits (the worker must see the data)."""
    from masterly.trackers.tasks import recompute_tracker_rollups

    def send() -> None:
        result = recompute_tracker_rollups.enqueue(run.pk)
        RecomputeRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(send)


def queue_recompute(*, actor: User | None, tracker: Tracker, reason: str) -> RecomputeRun:
    run = RecomputeRun.objects.create(
        tracker=tracker,
        reason=reason[:200],
        requested_by=actor,
        settings_version=tracker.settings_version,
    )
    _enqueue(run)
    return run


def tracker_recompute(*, actor: User | None, tracker: Tracker, reason: str) -> RecomputeRun:
    """Queue a bulk recompute (after its sections, students or standards changed)."""
    check_manage(actor, tracker)
    with transaction.atomic():
        run = queue_recompute(actor=actor, tracker=tracker, reason=reason)
        audit.record(
            actor=actor,
            action="tracker.recompute_queued",
            target=tracker,
            summary=f"Recompute of {tracker.name!r} queued: {reason}",
        )
    return run
