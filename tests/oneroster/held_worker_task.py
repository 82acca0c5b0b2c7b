"""The task ``held_worker.py`` queues: the web upload's import task, held running."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django_tasks import task

from masterly.integrations.oneroster.models import ImportRun
from masterly.integrations.oneroster.services import import_run_execute

LONGEST_HOLD = 120.0  # seconds: a test that never lets go does not hold the worker forever


@task()
def held_oneroster_import(run_id: int, path: str, hold_file: str) -> str:
    """``run_oneroster_import``, but paused after each staged chunk while ``hold_file`` exists
    (outside any transaction, as a slow file would), so the test decides how long it runs."""
    flag, deadline = Path(hold_file), time.monotonic() + LONGEST_HOLD

    def hold(progress: Any) -> None:
        while flag.exists() and time.monotonic() < deadline:
            time.sleep(0.05)

    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    import_run_execute(run=run, path=Path(path), progress=hold)
    return str(run.status)
