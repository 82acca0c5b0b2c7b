"""Background work of reports, on the django-tasks queue (``masterly worker`` runs it)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from masterly.reports.term_batches import run_batch


@task()
def term_reports_make(batch_id: int) -> dict[str, Any]:
    """Make a school's term reports into one zip, counting progress on the batch."""
    return run_batch(batch_id).progress()
