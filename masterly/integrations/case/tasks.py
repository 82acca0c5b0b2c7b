"""The background import (run by ``masterly worker``), with progress in the shared cache.

The import is one database transaction, so nobody could see progress written to the
database before it commits; the cache (a file cache or Redis, shared by web and worker) can.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache import cache
from django.utils import timezone
from django_tasks import task

from masterly.core.worker.heartbeat import keep_alive
from masterly.core.worker.identity import current_worker_id
from masterly.integrations.case.importer import import_case_package
from masterly.integrations.case.models import CaseImportRun
from masterly.integrations.case.sources import fetch
from masterly.standards.services import FrameworkImportError

logger = logging.getLogger(__name__)
PROGRESS_TTL = 24 * 60 * 60


def progress_key(run_id: str) -> str:
    return f"case-import-progress:{run_id}"


def read_progress(run_id: str) -> dict[str, Any]:
    value = cache.get(progress_key(run_id))
    return value if isinstance(value, dict) else {}


class CacheProgress:
    """Writes "phase, n of total" to the cache, at most once per percent per phase."""

    def __init__(self, run_id: str) -> None:
        self.run_id = run_id
        self.last: tuple[str, int] | None = None

    def __call__(self, phase: str, done: int, total: int) -> None:
        percent = int(done * 100 / total) if total else 0
        if (phase, percent) == self.last:
            return
        self.last = (phase, percent)
        cache.set(
            progress_key(self.run_id),
            {"phase": phase, "done": done, "total": total, "percent": percent},
            PROGRESS_TTL,
        )


@task()
def run_case_import(run_id: str) -> dict[str, Any]:
    run = CaseImportRun.objects.select_related("created_by").get(pk=run_id)
    run.status = CaseImportRun.Status.RUNNING
    run.started_at = run.heartbeat_at = timezone.now()
    run.worker_id = current_worker_id()
    run.save(update_fields=["status", "started_at", "heartbeat_at", "worker_id"])
    progress = CacheProgress(str(run.pk))
    try:
        with keep_alive(CaseImportRun.objects.filter(pk=run.pk)):
            data = bytes(run.payload) if run.payload is not None else fetch(run.source_url)
            summary = import_case_package(
                actor=run.created_by, data=data, source=run.source_name, progress=progress
            )
    except FrameworkImportError as error:
        run.status = CaseImportRun.Status.FAILED
        run.errors = error.problems
    except Exception:
        logger.exception("CASE import %s failed unexpectedly", run.pk)
        run.status = CaseImportRun.Status.FAILED
        run.errors = [
            "The import stopped on an unexpected error; nothing was changed. The server log "
            "has the details."
        ]
    else:
        run.status = CaseImportRun.Status.SUCCEEDED
        run.summary = summary.as_dict()
        run.summary_lines = summary.lines()
        run.framework_id = summary.framework_id
    run.payload = None
    run.finished_at = timezone.now()
    run.save(
        update_fields=[
            "status",
            "errors",
            "summary",
            "summary_lines",
            "framework",
            "payload",
            "finished_at",
        ]
    )
    progress("Done" if run.status == CaseImportRun.Status.SUCCEEDED else "Stopped", 1, 1)
    return {"status": run.status, "errors": run.errors, "summary": run.summary}
