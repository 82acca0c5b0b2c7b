"""Import runs (the history admins see) and the staging tables an import validates into.

An import first parses and checks every file into staging rows named by its ``token``, in
short transactions, and only then applies the difference to the roster in one short,
set-based transaction (``apply.py``; ADR 17). Staging rows are removed afterwards, whatever
happened. References in staging are sourcedIds, as in the files: a record new in this import
has no pk until the apply.
"""

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
        # Rejected files, or a worker that died mid-run: nothing was changed either way.
        FAILED = "failed", "Not imported"
        # Refused by the mass-deactivation guard: the upload is kept until an admin confirms.
        NEEDS_CONFIRMATION = "confirm", "Needs confirmation"
        # An admin chose not to import a run awaiting confirmation: its upload is removed.
        DISCARDED = "discarded", "Discarded"

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
    allow_mass_deactivation = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    summary = models.JSONField(default=dict, blank=True)
    errors = models.JSONField(default=list, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    # The worker running it and its latest heartbeat: a run whose heartbeat stopped belongs
    # to a worker that died, and is failed (masterly.core.worker.dead_runs).
    worker_id = models.CharField(max_length=100, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The token naming this run's staging rows while it runs (emptied once they are removed),
    # so the sweeper can remove them when the worker died before it could.
    staging_token = models.BigIntegerField(null=True, blank=True)
    # The admin who pressed "Import anyway": the confirmed import never deactivates them.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {
            self.Status.SUCCEEDED,
            self.Status.CHECKED,
            self.Status.FAILED,
            self.Status.NEEDS_CONFIRMATION,
            self.Status.DISCARDED,
        }


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


class PlannedRow(models.Model):
    """Scratch: a roster row the apply will change, found before its transaction in short
    batches (ADR 33's addendum), so the apply finds it by id instead of scanning for it.
    ``kind``: the staged kind (``"enrollment"``, ``"role"``…); ``action``: ``GONE`` (deactivate
    it) or ``CHANGE`` (update it from the staged row ``staged_id``; a role's and a link's
    ``flag`` is the primary value it takes)."""

    GONE = "g"
    CHANGE = "c"

    token = models.BigIntegerField()
    kind = models.CharField(max_length=12)
    action = models.CharField(max_length=1)
    row_id = models.BigIntegerField()
    staged_id = models.BigIntegerField(null=True)
    flag = models.BooleanField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["token", "kind", "action", "row_id"], name="oneroster_planned")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.action} {self.row_id}"


class StagedRecord(models.Model):
    """What every staged row of a sourced file carries; ``deleted``: the row says tobedeleted."""

    token = models.BigIntegerField()
    line = models.PositiveIntegerField()
    sourced_id = models.CharField(max_length=255)
    source_hash = models.CharField(max_length=32, blank=True)
    is_active = models.BooleanField(default=True)
    deleted = models.BooleanField(default=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.sourced_id


def _lookup(name: str) -> list[models.Index]:
    # sourcedId first: a chunk looks up its ids (earlier lines, references) without a token
    # in the index's way, and the apply joins on it.
    return [models.Index(fields=["sourced_id", "token"], name=name)]


class StagedOrg(StagedRecord):
    name = models.CharField(max_length=255, blank=True)
    type = models.CharField(max_length=20, blank=True)
    identifier = models.CharField(max_length=255, blank=True)
    parent_sid = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = _lookup("oneroster_staged_org")


class StagedSession(StagedRecord):
    title = models.CharField(max_length=255, blank=True)
    type = models.CharField(max_length=20, blank=True)
    start_date = models.DateField(null=True)
    end_date = models.DateField(null=True)
    school_year = models.PositiveIntegerField(null=True)
    parent_sid = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = _lookup("oneroster_staged_session")


class StagedCourse(StagedRecord):
    title = models.CharField(max_length=255, blank=True)
    course_code = models.CharField(max_length=100, blank=True)
    grades = models.CharField(max_length=100, blank=True)
    subjects = models.CharField(max_length=255, blank=True)
    org_sid = models.CharField(max_length=255, blank=True)
    school_year_sid = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = _lookup("oneroster_staged_course")


class StagedSection(StagedRecord):
    title = models.CharField(max_length=255, blank=True)
    class_code = models.CharField(max_length=100, blank=True)
    class_type = models.CharField(max_length=20, blank=True)
    location = models.CharField(max_length=255, blank=True)
    grades = models.CharField(max_length=100, blank=True)
    subjects = models.CharField(max_length=255, blank=True)
    periods = models.CharField(max_length=100, blank=True)
    course_sid = models.CharField(max_length=255, blank=True)
    school_sid = models.CharField(max_length=255, blank=True)

    class Meta:
        indexes = _lookup("oneroster_staged_section")


class StagedSectionTerm(models.Model):
    token = models.BigIntegerField()
    section_sid = models.CharField(max_length=255)
    term_sid = models.CharField(max_length=255)

    class Meta:
        indexes = [
            models.Index(fields=["token", "section_sid"], name="oneroster_staged_term"),
        ]

    def __str__(self) -> str:
        return f"{self.section_sid} in {self.term_sid}"


class StagedUser(StagedRecord):
    username = models.CharField(max_length=150, blank=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    middle_name = models.CharField(max_length=150, blank=True)
    email = models.CharField(max_length=254, blank=True)
    identifier = models.CharField(max_length=255, blank=True)
    grades = models.CharField(max_length=100, blank=True)
    # metadata.preferredLanguage, as one of settings.LANGUAGES ("" when not given or ignored).
    preferred_language = models.CharField(max_length=8, blank=True)

    class Meta:
        indexes = [
            *_lookup("oneroster_staged_user"),
            models.Index(fields=["username", "token"], name="oneroster_staged_username"),
        ]


class StagedEnrollment(StagedRecord):
    user_sid = models.CharField(max_length=255, blank=True)
    section_sid = models.CharField(max_length=255, blank=True)
    role = models.CharField(max_length=20, blank=True)
    is_primary = models.BooleanField(default=False)
    begin_date = models.DateField(null=True)
    end_date = models.DateField(null=True)

    class Meta:
        indexes = _lookup("oneroster_staged_enrollment")


class StagedRole(models.Model):
    """One role a file gives (several rows may give the same one: it is primary if any says so)."""

    token = models.BigIntegerField()
    user_sid = models.CharField(max_length=255)
    role = models.CharField(max_length=20)
    org_sid = models.CharField(max_length=255)
    is_primary = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["token", "user_sid"], name="oneroster_staged_role")]

    def __str__(self) -> str:
        return f"{self.user_sid} {self.role} at {self.org_sid}"


class StagedGroup(models.Model):
    """A student group demographics.csv gives a user; ``group`` empty: the user's row was read
    (it lists no group, or it is to be deleted), so a repeated row can be found."""

    token = models.BigIntegerField()
    line = models.PositiveIntegerField()
    user_sid = models.CharField(max_length=255)
    group = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user_sid", "token"], name="oneroster_staged_group")]

    def __str__(self) -> str:
        return f"{self.user_sid} in {self.group or '(listed)'}"
