"""Import runs: the web upload and the command line both start, run and record them here."""

from __future__ import annotations

import logging
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from masterly.core.worker.dead_runs import heartbeat_stopped
from masterly.core.worker.heartbeat import keep_alive
from masterly.core.worker.identity import current_worker_id
from masterly.integrations.oneroster.context import ProgressCallback
from masterly.integrations.oneroster.errors import (
    MassDeactivationRefused,
    RosterImportError,
    RosterImportRejected,
)
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
    allow_mass_deactivation: bool = False,
) -> ImportRun:
    return ImportRun.objects.create(
        created_by=actor if getattr(actor, "pk", None) else None,
        filename=filename[:255],
        origin=origin,
        dry_run=dry_run,
        upload=upload,
        allow_mass_deactivation=allow_mass_deactivation,
    )


def import_run_upload(*, upload: UploadedFile, actor: Any, dry_run: bool = False) -> ImportRun:
    """Keep the uploaded zip, record the run and queue it for the worker (run + task together)."""
    stored = default_storage.save(f"{UPLOAD_FOLDER}/{uuid4().hex}.zip", upload)
    with transaction.atomic():
        run = import_run_start(
            actor=actor,
            filename=upload.name or "upload.zip",
            origin=ImportRun.Origin.WEB,
            dry_run=dry_run,
            upload=stored,
        )
        _enqueue(run)
    return run


def _enqueue(run: ImportRun) -> None:
    # Imported here: the task module imports this one to run the import.
    from masterly.integrations.oneroster.tasks import run_oneroster_import

    result = run_oneroster_import.enqueue(run_id=run.pk)
    run.task_id = str(result.id)
    run.save(update_fields=["task_id"])


class NotAwaitingConfirmation(Exception):
    """Only a run refused by the mass-deactivation guard, its upload still kept, is confirmed."""


def import_run_confirm(*, run: ImportRun) -> ImportRun:
    """An admin confirms a run the mass-deactivation guard refused: queue it again, allowed."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().get(pk=run.pk)
        if run.status != ImportRun.Status.NEEDS_CONFIRMATION or not run.upload:
            raise NotAwaitingConfirmation
        run.status = ImportRun.Status.QUEUED
        run.allow_mass_deactivation = True
        run.errors = []
        run.finished_at = None
        run.save(update_fields=["status", "allow_mass_deactivation", "errors", "finished_at"])
        _enqueue(run)
    return run


def import_run_execute(
    *, run: ImportRun, path: Path, progress: ProgressCallback | None = None
) -> ImportRun:
    """Run the import the run stands for and record how it went (never leaves it running)."""
    run.status = ImportRun.Status.RUNNING
    run.started_at = run.heartbeat_at = timezone.now()
    run.worker_id = current_worker_id()
    run.save(update_fields=["status", "started_at", "heartbeat_at", "worker_id"])
    try:
        with (
            keep_alive(ImportRun.objects.filter(pk=run.pk)),
            open_source(path, name=run.filename) as source,
        ):
            summary = roster_import(
                source=source,
                actor=run.created_by,
                progress=cache_progress(run.pk, also=progress),
                dry_run=run.dry_run,
                allow_mass_deactivation=run.allow_mass_deactivation,
            )
    except MassDeactivationRefused as refused:
        # The upload is kept: an admin who confirms runs the same files again.
        run.status = ImportRun.Status.NEEDS_CONFIRMATION
        run.errors = [error.as_dict() for error in refused.errors]
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
        if run.upload and run.status != ImportRun.Status.NEEDS_CONFIRMATION:
            default_storage.delete(run.upload)  # no copy of the district's people stays behind
            run.upload = ""
        run.save(update_fields=["status", "errors", "summary", "finished_at", "upload"])
        clear_progress(run.pk)
    return run


# Runs whose worker died (see masterly.core.worker.dead_runs) ------------------------------


def import_runs_fail_dead(before: datetime) -> int:
    """Fail the running imports whose heartbeat is older than ``before`` and remove their uploads.

    Their worker was killed mid-run; the import's transaction never committed, so nothing was
    changed. Runs of live workers beat every few seconds and are not touched.
    """
    stale = heartbeat_stopped(ImportRun.objects.filter(status=ImportRun.Status.RUNNING), before)
    # Read first: the import pages sweep on every view, and a write transaction for nothing
    # would queue them behind any writer on SQLite.
    if not stale.exists():
        return 0
    with transaction.atomic():
        dead = list(stale.select_for_update().only("pk", "filename", "upload"))
        uploads = [run.upload for run in dead if run.upload]
        for run in dead:
            run.status = ImportRun.Status.FAILED
            run.finished_at = timezone.now()
            run.upload = ""
            run.errors = [RosterImportError(file=run.filename, message=_dead_message()).as_dict()]
        ImportRun.objects.bulk_update(dead, ["status", "finished_at", "upload", "errors"])
    for upload in uploads:
        default_storage.delete(upload)  # no copy of the district's people stays behind
    for run in dead:
        clear_progress(run.pk)
    if dead:
        logger.warning("Failed %s OneRoster import run(s) whose worker died", len(dead))
    return len(dead)


def _dead_message() -> str:
    return gettext(
        "the import stopped because the worker running it stopped (the server was restarted "
        "or ran out of memory), and nothing was changed. Upload the file again."
    )
