"""Trackers, the mastery stored for each of their cells, teacher overrides and recomputes.

A :class:`Tracker` is a teacher's gradebook of mastery: students (those actively enrolled in
its sections) × standards, with the calculation settings. Its mastery is *stored* in
:class:`Rollup` rows, one per cell that has evidence or an override; a missing row means
"not assessed" (NS). Rollups are derived data: every evidence write updates the affected
cells in the same transaction, and a settings change recomputes the whole tracker in bulk on
the task queue (:mod:`masterly.trackers.rollups`). ``masterly rollups verify`` recomputes them
from the evidence and reports any difference.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from masterly.mastery import (
    DECAY_RANGE,
    DEFAULT_DECAY,
    DEFAULT_METHOD,
    DEFAULT_N,
    DEFAULT_WEIGHT,
    METHOD_NAMES,
    WEIGHT_RANGE,
    MasteryPolicy,
    Scale,
)
from masterly.trackers.scales import scale_from_data

LEVEL_LENGTH = 8


class PortalShow(models.TextChoices):
    """When students and parents see one kind of information about an assessment."""

    NEVER = "never", "Hidden"
    ALWAYS = "always", "Shown"
    AFTER_ALL = "after_all", "Once all have finished"


PORTAL_DEFAULTS = {
    "portal_scores": PortalShow.ALWAYS,
    "portal_assessments": PortalShow.AFTER_ALL,
    "portal_answer_key": PortalShow.NEVER,
    "portal_item_analysis": PortalShow.NEVER,
}
PORTAL_FIELDS = tuple(PORTAL_DEFAULTS)


class Tracker(models.Model):
    """Students of some sections × some standards, with how mastery is calculated."""

    class Method(models.TextChoices):
        # The identifiers of the mastery engine, with their names for people.
        MOST_RECENT = "most_recent", METHOD_NAMES["most_recent"]
        HIGHEST = "highest", METHOD_NAMES["highest"]
        AVERAGE = "average", METHOD_NAMES["average"]
        DECAYING_AVERAGE = "decaying_average", METHOD_NAMES["decaying_average"]
        WEIGHTED_AVERAGE = "weighted_average", METHOD_NAMES["weighted_average"]
        N_MASTERY = "n_mastery", METHOD_NAMES["n_mastery"]
        POWER_LAW = "power_law", METHOD_NAMES["power_law"]
        MODE = "mode", METHOD_NAMES["mode"]

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trackers"
    )
    sections = models.ManyToManyField(
        "roster.Section", through="TrackerSection", related_name="trackers"
    )
    standards = models.ManyToManyField(
        "standards.Standard", through="TrackerStandard", related_name="trackers"
    )
    curriculum_map = models.ForeignKey(
        "standards.CurriculumMap",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trackers",
    )
    method = models.CharField(max_length=20, choices=Method.choices, default=DEFAULT_METHOD)
    decay = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=DEFAULT_DECAY,
        validators=[MinValueValidator(DECAY_RANGE[0]), MaxValueValidator(DECAY_RANGE[1])],
    )
    weight = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=DEFAULT_WEIGHT,
        validators=[MinValueValidator(WEIGHT_RANGE[0]), MaxValueValidator(WEIGHT_RANGE[1])],
    )
    n_mastery = models.PositiveSmallIntegerField(
        "n (times at mastery)", default=DEFAULT_N, validators=[MinValueValidator(1)]
    )
    # The settings above (method, decay, weight, n_mastery, scale, portal_*) are the ones in
    # force, resolved from the district's and school's policies and ``own_settings`` by
    # ``masterly.trackers.policy`` and stored here, so every read uses this row alone.
    # The scale in force (see trackers.scales for the shape); empty: the three-level default.
    scale = models.JSONField(null=True, blank=True)
    # What the student and parent portals show (see PortalShow).
    portal_scores = models.CharField(
        max_length=10, choices=PortalShow.choices, default=PORTAL_DEFAULTS["portal_scores"]
    )
    portal_assessments = models.CharField(
        max_length=10, choices=PortalShow.choices, default=PORTAL_DEFAULTS["portal_assessments"]
    )
    portal_answer_key = models.CharField(
        max_length=10, choices=PortalShow.choices, default=PORTAL_DEFAULTS["portal_answer_key"]
    )
    portal_item_analysis = models.CharField(
        max_length=10, choices=PortalShow.choices, default=PORTAL_DEFAULTS["portal_item_analysis"]
    )
    # The "Students" button: the grid shows only the chosen students (none chosen: all),
    # pinned ones first.
    chosen_students = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    pinned_students = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    collaborators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="TrackerCollaborator",
        through_fields=("tracker", "teacher"),
        blank=True,
        related_name="collaborating_trackers",
    )
    # The setting groups the teacher set for this tracker (group → value, in the shape of
    # ``policy.BUILT_IN``); a group left out follows the school's and district's policy.
    own_settings = models.JSONField(default=dict, blank=True)
    is_archived = models.BooleanField(default=False)
    is_linked_to_canvas = models.BooleanField("linked to Canvas", default=False)
    # Bumped by every settings change; each bulk recompute records the one it computed.
    settings_version = models.PositiveIntegerField(default=1)
    # Bumped when a bulk recompute starts: the rows it writes carry it, and rows left with
    # an older generation at its end are cells that no longer exist.
    rollup_generation = models.PositiveIntegerField(default=0)
    # Set by every change of its rollups; the dashboards' counts of it are then rebuilt
    # (masterly.trackers.dashboard_counts).
    counts_stale = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def mastery_scale(self) -> Scale:
        """The tracker's scale, or the district default (three levels)."""
        return scale_from_data(self.scale)

    def policy(self) -> MasteryPolicy:
        """The engine's policy for this tracker's settings."""
        return MasteryPolicy(
            method=self.method,
            decay=Decimal(self.decay),
            weight=Decimal(self.weight),
            n=self.n_mastery,
            scale=self.mastery_scale(),
        )


class TrackerSection(models.Model):
    tracker = models.ForeignKey(Tracker, on_delete=models.CASCADE, related_name="tracker_sections")
    section = models.ForeignKey("roster.Section", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tracker", "section"], name="unique_tracker_section")
        ]

    def __str__(self) -> str:
        return f"section {self.section_id} in tracker {self.tracker_id}"


class TrackerStandard(models.Model):
    """A standard in a tracker, in the unit it is shown under, in order."""

    tracker = models.ForeignKey(Tracker, on_delete=models.CASCADE, related_name="tracker_standards")
    standard = models.ForeignKey("standards.Standard", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        "standards.Unit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_title = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_power = models.BooleanField("power standard", default=False)
    # The "Mastery Tracker" button hides a standard from the grid (its mastery is kept).
    is_hidden = models.BooleanField(default=False)

    class Meta:
        ordering = ["tracker_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["tracker", "standard"], name="unique_tracker_standard")
        ]
        indexes = [models.Index(fields=["standard", "tracker"], name="trackerstandard_by_std")]

    def __str__(self) -> str:
        return f"standard {self.standard_id} in tracker {self.tracker_id}"


class TrackerCollaborator(models.Model):
    """Another teacher who sees the tracker and enters scores (only the owner changes it)."""

    tracker = models.ForeignKey(Tracker, on_delete=models.CASCADE, related_name="collaborations")
    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collaborations"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tracker_id", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tracker", "teacher"], name="unique_tracker_collaborator"
            )
        ]

    def __str__(self) -> str:
        return f"collaborator {self.teacher_id} on tracker {self.tracker_id}"


class TrackerAssessment(models.Model):
    """An assessment given in a tracker (a quick check made there, for example)."""

    tracker = models.ForeignKey(Tracker, on_delete=models.CASCADE, related_name="given")
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="trackers_given"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tracker_id", "-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tracker", "assessment"], name="unique_tracker_assessment"
            )
        ]

    def __str__(self) -> str:
        return f"assessment {self.assessment_id} in tracker {self.tracker_id}"


class Rollup(models.Model):
    """A student's stored mastery on one standard in one tracker (derived, never edited).

    ``score`` is the percentage rounded half-up to two decimals (empty: no score yet, for
    example n times at mastery not yet reached); ``computed_level`` follows from the unrounded
    score; ``level`` is what to show: a teacher's override wins.
    """

    # The unique (tracker, student, standard) and (student, standard) indexes serve these.
    tracker = models.ForeignKey(
        Tracker, on_delete=models.CASCADE, related_name="rollups", db_index=False
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rollups", db_index=False
    )
    standard = models.ForeignKey(
        "standards.Standard", on_delete=models.CASCADE, related_name="rollups"
    )
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    computed_level = models.CharField(max_length=LEVEL_LENGTH)
    level = models.CharField(max_length=LEVEL_LENGTH)
    is_overridden = models.BooleanField(default=False)
    evidence_count = models.PositiveIntegerField(default=0)
    last_assessed_on = models.DateField(null=True, blank=True)
    generation = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["tracker", "student", "standard"], name="unique_rollup_cell"
            )
        ]
        indexes = [models.Index(fields=["student", "standard"], name="rollup_by_student")]

    def __str__(self) -> str:
        return (
            f"{self.level} ({self.score}) t{self.tracker_id} s{self.student_id} {self.standard_id}"
        )


class Override(models.Model):
    """A teacher's decision on a student's level on a standard, with the reason.

    Never deleted: clearing or replacing an override sets ``cleared_at``, so the history of a
    cell's overrides is every row for it. At most one is active (not cleared) per cell.
    """

    tracker = models.ForeignKey(Tracker, on_delete=models.PROTECT, related_name="overrides")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mastery_overrides"
    )
    standard = models.ForeignKey("standards.Standard", on_delete=models.PROTECT, related_name="+")
    level = models.CharField(max_length=LEVEL_LENGTH)
    reason = models.TextField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    cleared_at = models.DateTimeField(null=True, blank=True)
    clear_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["tracker_id", "student_id", "standard_id", "set_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["tracker", "student", "standard"],
                condition=models.Q(cleared_at__isnull=True),
                name="one_active_override_per_cell",
            )
        ]
        indexes = [
            models.Index(fields=["tracker", "student", "standard"], name="override_by_cell"),
        ]

    def __str__(self) -> str:
        return f"override {self.level} t{self.tracker_id} s{self.student_id} {self.standard_id}"

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


class RecomputeRun(models.Model):
    """One bulk recompute of a tracker's rollups, with its progress for the teacher."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Recomputing"
        DONE = "done", "Done"
        SUPERSEDED = "superseded", "Replaced by a newer recompute"
        FAILED = "failed", "Failed"

    tracker = models.ForeignKey(Tracker, on_delete=models.CASCADE, related_name="recompute_runs")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    reason = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    settings_version = models.PositiveIntegerField()
    generation = models.PositiveIntegerField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    total_cells = models.PositiveIntegerField(default=0)
    done_cells = models.PositiveIntegerField(default=0)
    rollups_written = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"recompute {self.pk} of tracker {self.tracker_id}: {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.SUPERSEDED, self.Status.FAILED}

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_cells:
            return 0
        return min(100, self.done_cells * 100 // self.total_cells)

    def progress(self) -> dict[str, Any]:
        """The run's progress as plain data (for a page or JSON)."""
        return {
            "id": self.pk,
            "status": self.status,
            "status_label": self.get_status_display(),
            "total_cells": self.total_cells,
            "done_cells": self.done_cells,
            "percent": self.percent_done,
            "is_finished": self.is_finished,
            "started_at": self.started_at.isoformat() if self.started_at else None,
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "error": self.error,
        }


class SettingsPolicy(models.Model):
    """A district's or a school's settings for the trackers under it (see ``trackers.policy``):
    its own value of some setting groups, and the groups it locks for the levels below."""

    org = models.OneToOneField(
        "roster.Org", on_delete=models.CASCADE, related_name="settings_policy"
    )
    # Group → value, in the shape of ``policy.BUILT_IN``; a group left out is inherited.
    values = models.JSONField(default=dict, blank=True)
    # The groups the levels below must use as they are here.
    locked = models.JSONField(default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "settings policies"

    def __str__(self) -> str:
        return f"settings policy of org {self.org_id}"


class PolicyRun(models.Model):
    """Applying a changed policy to every tracker under its org, with progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Applying"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    org = models.ForeignKey("roster.Org", on_delete=models.CASCADE, related_name="policy_runs")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task_id = models.CharField(max_length=64, blank=True)
    total_trackers = models.PositiveIntegerField(default=0)
    done_trackers = models.PositiveIntegerField(default=0)
    changed_trackers = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"policy run {self.pk} of org {self.org_id}: {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent_done(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total_trackers:
            return 0
        return min(100, self.done_trackers * 100 // self.total_trackers)


class StandardLevelCount(models.Model):
    """How the number of a section's students at a level on a standard changed on a day.

    The dashboards' maintained aggregate (ADR 25): the figures as of any day are the sums of
    ``delta`` up to that day. Each student's cell starts "not assessed" (``level`` empty) on
    :data:`masterly.trackers.dashboard_counts.BEGINNING`; each change of its level as its
    evidence came in moves one student from one level to another. Rebuilt per tracker.
    """

    tracker = models.ForeignKey(Tracker, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(
        "roster.Section", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    standard = models.ForeignKey("standards.Standard", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=LEVEL_LENGTH, blank=True)
    day = models.DateField()
    delta = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["section", "day"], name="standardcount_by_section")]

    def __str__(self) -> str:
        return f"{self.delta:+} {self.level or 'NS'} on {self.day} s{self.section_id}"


class GroupLevelCount(models.Model):
    """The same for a student group's students on a standard in a section (ADR 25); summed
    over the standards, the group's cells (students × standards)."""

    tracker = models.ForeignKey(Tracker, on_delete=models.CASCADE, related_name="+")
    section = models.ForeignKey(
        "roster.Section", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    group = models.CharField(max_length=64)  # a key of roster.groups.GROUPS
    # Null only in rows counted before groups were counted per standard (rebuilt since).
    standard = models.ForeignKey(
        "standards.Standard",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        db_index=False,
    )
    level = models.CharField(max_length=LEVEL_LENGTH, blank=True)
    day = models.DateField()
    delta = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["section", "day"], name="groupcount_by_section")]

    def __str__(self) -> str:
        return f"{self.delta:+} {self.level or 'NS'} of {self.group} on {self.day}"


class SchoolLevelCount(models.Model):
    """A school's counts, summed across its trackers, as the dashboards read them (ADR 25).

    Three kinds, each by grade: a ``section``'s cells (``key``: its id), a ``standard``'s
    students (``key``: its id), a ``group``'s cells (``key``: the group). Rows with
    ``checkpoint`` hold the running total at the end of ``day`` (every Sunday and month end
    of the school year); the others the day's change. A figure as of any day is a
    checkpoint plus at most a week of changes.
    """

    school = models.ForeignKey("roster.Org", on_delete=models.CASCADE, related_name="+")
    grade = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=8)
    key = models.CharField(max_length=64)
    level = models.CharField(max_length=LEVEL_LENGTH, blank=True)
    day = models.DateField()
    checkpoint = models.BooleanField(default=False)
    count = models.IntegerField()

    class Meta:
        indexes = [
            # By kind first: a page reads its figures' kinds, never the groups per standard
            # (``groupstd``, the most rows) unless a standard is chosen. Covering (key, level,
            # count): a district's figures are thousands of rows far apart in the table, read
            # from the index alone. The day before ``checkpoint``: Django writes
            # ``checkpoint=True`` as a bare ``WHERE checkpoint``, which SQLite cannot seek on,
            # so a day after it was reached by a skip-scan of every school's kinds (ADR 25).
            models.Index(
                fields=["school", "kind", "day", "checkpoint", "key", "level", "count"],
                name="schoolcount_kind_day_cover",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} {self.level or 'NS'} {self.count} on {self.day}"


# Assignments of assessments to a tracker's sections (their own module: one idea per file).
from masterly.trackers.assignments import (  # noqa: E402
    Assignment,
    AssignmentAttempt,
    AssignmentSection,
    Excusal,
    Visibility,
)
from masterly.trackers.notes import (  # noqa: E402
    NotePreference,
    ParentNote,
    ParentNoteRevision,
)

# Reassessment requests and attempt grants (their own module, like assignments).
from masterly.trackers.reassessment import (  # noqa: E402
    AttemptGrant,
    ReassessmentRequest,
    RequestStatus,
)

__all__ = [
    "PORTAL_DEFAULTS",
    "PORTAL_FIELDS",
    "Assignment",
    "AssignmentAttempt",
    "AssignmentSection",
    "AttemptGrant",
    "Excusal",
    "GroupLevelCount",
    "NotePreference",
    "Override",
    "ParentNote",
    "ParentNoteRevision",
    "PolicyRun",
    "PortalShow",
    "ReassessmentRequest",
    "RecomputeRun",
    "RequestStatus",
    "Rollup",
    "SchoolLevelCount",
    "SettingsPolicy",
    "StandardLevelCount",
    "Tracker",
    "TrackerAssessment",
    "TrackerCollaborator",
    "TrackerSection",
    "TrackerStandard",
    "Visibility",
]
