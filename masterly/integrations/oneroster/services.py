"""Import runs: the web upload and the command line both start, run and record them here."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from masterly.core.audit import record
from masterly.core.worker.heartbeat import keep_alive
from masterly.core.worker.identity import current_worker_id
from masterly.integrations.oneroster.context import ProgressCallback
from masterly.integrations.oneroster.errors import (
    MassDeactivationRefused,
    RosterImportError,
    RosterImportRejected,
)
from masterly.integrations.oneroster.importer import roster_import
from masterly.integrations.oneroster.keep import district_admins
from masterly.integrations.oneroster.models import ImportRun
from masterly.integrations.oneroster.progress import cache_progress, clear_progress
from masterly.integrations.oneroster.source import open_source
from masterly.integrations.oneroster.staging import staging_clear
from masterly.integrations.oneroster.summary import ImportSummary

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


def import_run_record(*, filename: str, summary: ImportSummary, started_at: datetime) -> ImportRun:
    """A finished import made in-process (the demo's), listed with the others."""
    return ImportRun.objects.create(
        filename=filename[:255],
        origin=ImportRun.Origin.COMMAND,
        status=ImportRun.Status.SUCCEEDED,
        started_at=started_at,
        finished_at=timezone.now(),
        summary=summary.as_dict(),
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
    """Only a run refused by the mass-deactivation guard, its upload still kept, is confirmed
    or discarded; ``status`` says what the run is now (another tab may have decided)."""

    def __init__(self, status: str) -> None:
        super().__init__(status)
        self.status = status


def _awaiting_confirmation(run: ImportRun) -> ImportRun:
    """The run, locked for this transaction, if it still awaits a confirmation."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.status != ImportRun.Status.NEEDS_CONFIRMATION or not run.upload:
        raise NotAwaitingConfirmation(run.get_status_display())
    return run


def import_run_confirm(*, run: ImportRun, actor: Any) -> ImportRun:
    """An admin confirms a run the mass-deactivation guard refused: queue it again, allowed.
    The import will not deactivate ``actor`` (see keep.py)."""
    with transaction.atomic():
        run = _awaiting_confirmation(run)
        run.status = ImportRun.Status.QUEUED
        run.allow_mass_deactivation = True
        run.confirmed_by = actor
        run.errors = []
        run.finished_at = None
        run.save(
            update_fields=[
                "status",
                "allow_mass_deactivation",
                "confirmed_by",
                "errors",
                "finished_at",
            ]
        )
        record(
            actor=actor,
            action="oneroster.import.confirm",
            target=run,
            summary=f"Confirmed the import of {run.filename} despite its deactivations",
        )
        _enqueue(run)
    return run


def import_run_discard(*, run: ImportRun, actor: Any) -> ImportRun:
    """An admin decides not to import a run awaiting confirmation: its upload is removed,
    the run is kept in the history as discarded, and nothing is imported."""
    with transaction.atomic():
        run = _awaiting_confirmation(run)
        upload, token = run.upload, run.staging_token
        run.status = ImportRun.Status.DISCARDED
        run.finished_at = timezone.now()
        run.upload = ""
        run.save(update_fields=["status", "finished_at", "upload"])
        record(
            actor=actor,
            action="oneroster.import.discard",
            target=run,
            summary=f"Discarded the import of {run.filename}; nothing was imported",
            details={"errors": run.errors},
        )
    default_storage.delete(upload)  # no copy of the district's people stays behind
    if token is not None:  # normally removed already, when the guard refused the run
        staging_clear(token)
        ImportRun.objects.filter(pk=run.pk).update(staging_token=None)
    return run


def import_run_execute(
    *, run: ImportRun, path: Path, progress: ProgressCallback | None = None
) -> ImportRun:
    """Run the import the run stands for and record how it went (never leaves it running)."""
    run.status = ImportRun.Status.RUNNING
    run.started_at = run.heartbeat_at = timezone.now()
    run.worker_id = current_worker_id()
    # Recorded before any row is staged: if this process dies, the sweeper removes them.
    run.staging_token = secrets.randbits(62)
    run.save(update_fields=["status", "started_at", "heartbeat_at", "worker_id", "staging_token"])
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
                keep_active=_kept_by_confirmation(run),
                token=run.staging_token,
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
        run.staging_token = None  # the import removed its staging rows, whatever happened
        run.save(
            update_fields=["status", "errors", "summary", "finished_at", "upload", "staging_token"]
        )
        clear_progress(run.pk)
    return run


def _kept_by_confirmation(run: ImportRun) -> list[int]:
    """Whom a confirmed mass deactivation keeps active: the admin who confirmed it; on the
    command line, where nobody is signed in, every active district admin."""
    if not run.allow_mass_deactivation:
        return []
    if run.origin == ImportRun.Origin.COMMAND:
        return district_admins()
    return [pk for pk in (run.confirmed_by_id, run.created_by_id) if pk is not None][:1]
