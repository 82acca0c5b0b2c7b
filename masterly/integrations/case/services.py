"""CASE import runs whose worker died (see masterly.core.worker.dead_runs)."""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from masterly.core.worker.dead_runs import heartbeat_stopped
from masterly.core.worker.task_results import task_results_fail_dead
from masterly.integrations.case.models import CaseImportRun

logger = logging.getLogger(__name__)


def case_runs_fail_dead(before: datetime) -> int:
    """Fail the running imports whose heartbeat is older than ``before`` and their tasks in
    the queue; drop their packages.

    Their worker was killed mid-run; the import's transaction never committed, so nothing was
    changed. Runs of live workers beat every few seconds and are not touched.
    """
    running = CaseImportRun.objects.filter(status=CaseImportRun.Status.RUNNING)
    stale = heartbeat_stopped(running, before)
    # Read first: the import pages sweep on every view, and a write transaction for nothing
    # would queue them behind any writer on SQLite.
    if not stale.exists():
        return 0
    message = dead_message()
    with transaction.atomic():
        dead, task_ids = [], []
        for pk, task_id in stale.select_for_update().values_list("pk", "task_id"):
            dead.append(pk)
            task_ids.append(task_id)
        task_results_fail_dead(task_ids, reason=message)
        CaseImportRun.objects.filter(pk__in=dead).update(
            status=CaseImportRun.Status.FAILED,
            finished_at=timezone.now(),
            errors=[message],
            payload=None,  # the uploaded package: no copy stays behind
        )
    if dead:
        logger.warning("Failed %s CASE import run(s) whose worker died", len(dead))
    return len(dead)


def dead_message() -> str:
    return gettext(
        "The import stopped because the worker running it stopped (the server was restarted "
        "or ran out of memory); nothing was changed. Start the import again."
    )
