"""The task queue's record of a task whose worker died: failed too, not "running" forever.

django-tasks-db marks a task running when a worker claims it and finished when the worker
records its outcome; a worker killed in between leaves it running. When a run's sweeper finds
the run dead, it fails the run's task record with it (the task ids runs keep).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

WORKER_DIED = "masterly.core.worker.WorkerDied"


def _uuids(task_ids: Iterable[str]) -> list[uuid.UUID]:
    found = []
    for task_id in task_ids:
        try:
            found.append(uuid.UUID(str(task_id)))
        except ValueError:
            continue  # a command-line run (no task) or another queue's id
    return found


def task_results_fail_dead(task_ids: Iterable[str], *, reason: str) -> int:
    """Mark the database queue's records of these tasks failed, if they are still running
    (one statement); returns how many were."""
    ids = _uuids(task_ids)
    if not ids:
        return 0
    return DBTaskResult.objects.filter(pk__in=ids, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=WORKER_DIED,
        traceback=reason,
        return_value=None,
    )
