"""Import runs: the web upload and the command line both start, run and record them here."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from uuid import uuid4

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from masterly.integrations.oneroster.context import ProgressCallback
from masterly.integrations.oneroster.errors import RosterImportError, RosterImportRejected
from masterly.integrations.oneroster.importer import roster_import
from masterly.integrations.oneroster.models import ImportRun
from masterly.integrations.oneroster.progress import cache_progress, clear_progress
from masterly.integrations.oneroster.source import open_source

logger = logging.getLogger(__name__)

UPLOAD_FOLDER = "oneroster"


def import_run_start(
    *,
    actor: Any | None,
    filename: str,
    origin: ImportRun.Origin,
    dry_run: bool = False,
    upload: str = "",
) -> ImportRun:
    return ImportRun.objects.create(
        created_by=actor if getattr(actor, "pk", None) else None,
        filename=filename[:255],
        origin=origin,
        dry_run=dry_run,
        upload=upload,
    )


def import_run_upload(*, upload: UploadedFile, actor: Any, dry_run: bool = False) -> ImportRun:
    """Keep the uploaded zip, record the run and queue it for the worker (run + task together)."""
    # Imported here: the task module imports this one to run the import.
    from masterly.integrations.oneroster.tasks import run_oneroster_import

    stored = default_storage.save(f"{UPLOAD_FOLDER}/{uuid4().hex}.zip", upload)
    with transaction.atomic():
        run = import_run_start(
            actor=actor,
            filename=upload.name or "upload.zip",
            origin=ImportRun.Origin.WEB,
            dry_run=dry_run,
            upload=stored,
        )
        result = run_oneroster_import.enqueue(run_id=run.pk)
        run.task_id = str(result.id)
        run.save(update_fields=["task_id"])
    return run


def import_run_execute(
    *, run: ImportRun, path: Path, progress: ProgressCallback | None = None
) -> ImportRun:
    """Run the import the run stands for and record how it went (never leaves it running)."""
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    run.save(update_fields=["status", "started_at"])
    try:
        with open_source(path) as source:
            summary = roster_import(
                source=source,
                actor=run.created_by,
                progress=cache_progress(run.pk, also=progress),
                dry_run=run.dry_run,
            )
    except RosterImportRejected as rejected:
        run.status = ImportRun.Status.FAILED
        run.errors = [error.as_dict() for error in rejected.errors]
    except Exception:
        logger.exception("OneRoster import run %s stopped unexpectedly", run.pk)
        run.status = ImportRun.Status.FAILED
        run.errors = [
            RosterImportError(
                file=run.filename,
                message="the import stopped unexpectedly, and nothing was changed. Try again; "
                "if it happens again, tell whoever runs your Masterly server.",
            ).as_dict()
        ]
        raise
    else:
        run.status = ImportRun.Status.CHECKED if run.dry_run else ImportRun.Status.SUCCEEDED
        run.summary = summary.as_dict()
    finally:
        run.finished_at = timezone.now()
        if run.upload:
            default_storage.delete(run.upload)  # no copy of the district's people stays behind
            run.upload = ""
        run.save(update_fields=["status", "errors", "summary", "finished_at", "upload"])
        clear_progress(run.pk)
    return run
