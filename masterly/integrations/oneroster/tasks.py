"""The background task behind a web upload, run by ``masterly worker``."""

from __future__ import annotations

from pathlib import Path

from django.core.files.storage import default_storage
from django_tasks import task

from masterly.integrations.oneroster.models import ImportRun
from masterly.integrations.oneroster.services import import_run_execute


@task()
def run_oneroster_import(run_id: int) -> str:
    run = ImportRun.objects.select_related("created_by").get(pk=run_id)
    if run.status != ImportRun.Status.QUEUED:
        return str(run.status)  # already run (a task delivered twice must not import twice)
    import_run_execute(run=run, path=Path(default_storage.path(run.upload)))
    return str(run.status)
