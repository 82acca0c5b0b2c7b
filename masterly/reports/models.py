"""A school's term progress reports made in the background: one zip of PDFs to download."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TermReportBatch(models.Model):
    """A leader's or district admin's request for every progress report of a school's term.

    The worker writes each PDF into a zip on disk (``file_name`` under the data folder's
    ``term-reports``) one at a time, counting ``done`` as it goes, so the page shows progress
    and memory stays flat whatever the number of students. ``REPORT_FILES_DAYS`` after it
    finished, the worker's sweep deletes the zip and marks the batch expired
    (``masterly.reports.retention``).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for the worker")
        RUNNING = "running", _("Making the reports")
        DONE = "done", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired: make it again")

    school = models.ForeignKey("roster.Org", on_delete=models.PROTECT, related_name="+")
    term = models.ForeignKey("roster.AcademicSession", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Term reports {self.pk} ({self.status})"

    def progress(self) -> dict[str, Any]:
        return {
            "id": self.pk,
            "status": self.status,
            "status_label": self.get_status_display(),
            "total": self.total,
            "done": self.done,
            "error": self.error,
        }
