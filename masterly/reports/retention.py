"""Old report files deleted: a school's term report zips and activation letter zips are kept
``REPORT_FILES_DAYS`` days after they were made, then the worker's periodic sweep deletes them.

A deleted batch's row stays, marked expired, so its page says "expired, make it again"; a
letter run's progress lives in the cache a little longer than its file, so its page says the
same. Files left behind by a worker that died (``.part``) go after the same time.
"""

from __future__ import annotations

import datetime
import logging
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from masterly.reports.activation_letters import letters_folder
from masterly.reports.models import TermReportBatch
from masterly.reports.term_batches import batch_folder

logger = logging.getLogger(__name__)


def files_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Files made before this are deleted."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.REPORT_FILES_DAYS)


def report_files_delete_old(*, now: datetime.datetime | None = None) -> int:
    """Delete the term report and letter zips older than the retention; mark their batches
    expired. Returns how many files it deleted."""
    cutoff = files_cutoff(now)
    deleted = 0
    expired = TermReportBatch.objects.filter(
        status=TermReportBatch.Status.DONE, finished_at__lt=cutoff
    )
    names = [name for name in expired.values_list("file_name", flat=True) if name]
    # The rows first, in one statement: a page never offers a file already gone. A batch
    # finishing meanwhile is finished now, after the cutoff, so the same rows are updated.
    expired.update(status=TermReportBatch.Status.EXPIRED, file_name="")
    for name in names:
        path = batch_folder() / Path(name).name
        if path.is_file():
            path.unlink()
            deleted += 1
    for folder in (batch_folder(), letters_folder()):
        deleted += _delete_files_before(folder, cutoff)
    if deleted:
        logger.info(
            "Deleted %s report file(s) older than %s days", deleted, settings.REPORT_FILES_DAYS
        )
    return deleted


def _delete_files_before(folder: Path, cutoff: datetime.datetime) -> int:
    """Files in ``folder`` last written before ``cutoff`` (a run's file or one left behind)."""
    deleted = 0
    limit = cutoff.timestamp()
    for path in folder.iterdir():
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                deleted += 1
        except FileNotFoundError:  # deleted meanwhile (another worker's sweep)
            continue
    return deleted


def report_files_sweep(_dead_before: datetime.datetime) -> int:
    """The worker's periodic sweep (registered in ``apps.py``): old files deleted. Returns 0,
    as it fails no run of a dead worker (what the sweep counts). A file it cannot delete is
    logged and tried again next time; the worker goes on."""
    try:
        report_files_delete_old()
    except OSError:
        logger.warning("Could not delete old report files; trying later", exc_info=True)
    return 0
