"""Background work of trackers, on the django-tasks queue (``masterly worker`` runs it)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from masterly.trackers.rollups import run_recompute


@task()
def recompute_tracker_rollups(run_id: int) -> dict[str, Any]:
    """Recompute every rollup of a tracker for a queued :class:`RecomputeRun` (set-based).

    Progress is written to the run after each batch, so the teacher sees it move.
    """
    return run_recompute(run_id).progress()
