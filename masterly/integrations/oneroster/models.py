"""Import runs (the history admins see) and two scratch tables an import uses while it runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportRun(models.Model):
    """One OneRoster import, from the web upload or the command line."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Importing"
        SUCCEEDED = "succeeded", "Imported"
        CHECKED = "checked", "Checked, nothing saved"
        FAILED = "failed", "Rejected"

    class Origin(models.TextChoices):
        WEB = "web", "Upload"
        COMMAND = "command", "Command line"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.WEB)
    filename = models.CharField(max_length=255)
    # The uploaded zip in the default storage while the run waits; removed once it has run,
    # so no copy of the district's personal data stays behind.
    upload = models.CharField(max_length=255, blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # The worker running it and its latest heartbeat: a run whose heartbeat stopped belongs
    # to a worker that died, and is failed (masterly.core.worker.dead_runs).
    worker_id = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.CHECKED, self.Status.FAILED}


class SeenRow(models.Model):
    """Scratch: the already-existing records an import met, per kind, while it runs.

    A bulk file is the whole truth, so what it no longer has is deactivated. Rather than keep
    every id in memory, each chunk's ids go here and one set-based UPDATE … WHERE NOT EXISTS
    finds the rest. Rows are deleted before the import's transaction ends.
    """

    token = models.BigIntegerField()
    kind = models.CharField(max_length=12)
    row_id = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["token", "kind", "row_id"], name="oneroster_seen_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} {self.row_id}"


class AgentPair(models.Model):
    """Scratch: a user row's agentSourcedIds, kept until every user and role is known."""

    token = models.BigIntegerField()
    line = models.PositiveIntegerField()
    user_sourced_id = models.CharField(max_length=255)
    agent_sourced_id = models.CharField(max_length=255)

    class Meta:
        indexes = [models.Index(fields=["token", "id"], name="oneroster_agent_scan")]

    def __str__(self) -> str:
        return f"{self.user_sourced_id} → {self.agent_sourced_id}"
