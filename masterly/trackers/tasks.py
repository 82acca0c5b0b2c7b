"""Background work of trackers, on the django-tasks queue (``masterly worker`` runs it)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from masterly.trackers.dashboard_counts import rebuild_stale
from masterly.trackers.rollups import run_recompute


@task()
def recompute_tracker_rollups(run_id: int) -> dict[str, Any]:
    """Recompute every rollup of a tracker for a queued :class:`RecomputeRun` (set-based).

    Progress is written to the run after each batch, so the teacher sees it move. The
    tracker's dashboard counts are rebuilt after it.
    """
    run = run_recompute(run_id)
    rebuild_stale([run.tracker_id])
    return run.progress()


@task()
def apply_settings_policy(run_id: int) -> dict[str, Any]:
    """Apply a changed district or school policy to every tracker under it, recomputing the
    rollups of each whose calculation or scale changed (progress on the :class:`PolicyRun`)."""
    from masterly.trackers.services.policy import run_policy

    run = run_policy(run_id)
    return {"id": run.pk, "status": run.status, "changed": run.changed_trackers}


@task()
def dashboard_counts_rebuild(tracker_ids: list[int] | None = None) -> int:
    """Rebuild the dashboard counts of the stale trackers (of ``tracker_ids`` if given)."""
    return rebuild_stale(tracker_ids)


@task()
def attempt_deadline_submit(attempt_id: int) -> bool:
    """Submit an online attempt whose time ran out or whose window closed, with what was
    saved (queued for its deadline when it starts; nothing happens if it was submitted)."""
    from masterly.assessments.models import Attempt
    from masterly.trackers.services.taking import submit_if_due

    attempt = Attempt.objects.filter(pk=attempt_id).first()
    return attempt is not None and submit_if_due(attempt)
