"""Import runs whose worker died (see masterly.core.worker.dead_runs), and what they left.

A worker killed mid-import leaves its run "Importing", its task "running" in the queue, its
upload on disk and, from the staging phase, up to a district's worth of staging rows. The
sweeper fails the run and its task and removes the upload and the staging rows. Staging rows
of a run that is no longer running (a process that crashed after its run was recorded, or a
sweep stopped half-way) are removed by the worker's periodic sweep.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from masterly.core.worker.dead_runs import heartbeat_stopped
from masterly.core.worker.task_results import task_results_fail_dead
from masterly.integrations.oneroster.errors import RosterImportError
from masterly.integrations.oneroster.models import ImportRun
from masterly.integrations.oneroster.progress import clear_progress
from masterly.integrations.oneroster.staging import staging_clear

logger = logging.getLogger(__name__)


def import_runs_fail_dead(before: datetime) -> int:
    """Fail the running imports whose heartbeat is older than ``before``; remove their uploads
    and staging rows, and fail their tasks in the queue.

    Their worker was killed mid-run; the apply's transaction never committed, so nothing was
    changed. Runs of live workers beat every few seconds and are not touched.
    """
    stale = heartbeat_stopped(ImportRun.objects.filter(status=ImportRun.Status.RUNNING), before)
    # Read first: the import pages sweep on every view, and a write transaction for nothing
    # would queue them behind any writer on SQLite.
    if not stale.exists():
        return 0
    message = dead_message()
    with transaction.atomic():
        dead = list(stale.select_for_update().only("pk", "filename", "upload", "task_id"))
        uploads = [run.upload for run in dead if run.upload]
        for run in dead:
            run.status = ImportRun.Status.FAILED
            run.finished_at = timezone.now()
            run.upload = ""
            run.errors = [RosterImportError(file=run.filename, message=message).as_dict()]
        ImportRun.objects.bulk_update(dead, ["status", "finished_at", "upload", "errors"])
        task_results_fail_dead([run.task_id for run in dead], reason=message)
    for upload in uploads:
        default_storage.delete(upload)  # no copy of the district's people stays behind
    for run in dead:
        clear_progress(run.pk)
    staging_sweep_left()  # the dead runs' staging rows, in short transactions
    if dead:
        logger.warning("Failed %s OneRoster import run(s) whose worker died", len(dead))
    return len(dead)


def staging_sweep_left(before: datetime | None = None) -> int:
    """Remove the staging rows of runs that are no longer running (in batches, each its own
    short transaction); returns how many runs had some. ``before`` is the sweeper's cutoff,
    unused: a run that is not running has no worker writing its staging."""
    left = ImportRun.objects.exclude(status=ImportRun.Status.RUNNING).filter(
        staging_token__isnull=False
    )
    tokens = [(pk, token) for pk, token in left.values_list("pk", "staging_token") if token]
    for pk, token in tokens:
        staging_clear(token)
        ImportRun.objects.filter(pk=pk, staging_token=token).update(staging_token=None)
    return len(tokens)


def dead_message() -> str:
    return gettext(
        "the import stopped because the worker running it stopped (the server was restarted "
        "or ran out of memory), and nothing was changed. Upload the file again."
    )
