"""A CASE import started from the web: queued, run by the worker, reported on its page."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class CaseImportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Importing"
        SUCCEEDED = "succeeded", "Imported"
        FAILED = "failed", "Not imported"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The uploaded file's name, or the URL the worker downloads.
    source_name = models.CharField(max_length=1000)
    source_url = models.CharField(max_length=1000, blank=True)
    # The uploaded package until the worker has read it (web and worker share the database,
    # not necessarily a disk); emptied after the run.
    payload = models.BinaryField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    summary = models.JSONField(default=dict, blank=True)
    summary_lines = models.JSONField(default=list, blank=True)
    errors = models.JSONField(default=list, blank=True)
    framework = models.ForeignKey(
        "standards.Framework", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The worker running it and its latest heartbeat: a run whose heartbeat stopped belongs
    # to a worker that died, and is failed (masterly.core.worker.dead_runs).
    worker_id = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The task queue's id of the task running it: failed too when the worker died.
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"CASE import {self.source_name} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}
