"""Assessments, their alignment to standards, attempts, and the evidence they produce.

Evidence is never destroyed. Every change to a piece of evidence (created, edited, deleted,
restored) is an :class:`EvidenceRevision`; the evidence row's values are a copy of its latest
revision, written in the same transaction (``masterly rollups verify`` checks the copy). No
code path calls ``delete()`` on these models and every foreign key to them is ``PROTECT``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from masterly.assessments.items.models import Scope

# Points are kept to two decimals (a rubric's half points); at most 99,999.99 points.
POINTS_DIGITS = 7
POINTS_PLACES = 2


class Assessment(models.Model):
    """Something students are assessed with: a quick check, a common test, a benchmark…"""

    class Kind(models.TextChoices):
        QUICK_CHECK = "quick_check", _("Quick check")
        COMMON = "common", _("Common assessment")
        BENCHMARK = "benchmark", _("Benchmark")
        PERFORMANCE_TASK = "performance_task", _("Performance task")
        PAPER = "paper", _("Paper test")

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.QUICK_CHECK)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments_created",
    )
    assessed_on = models.DateField(default=timezone.localdate)
    standards = models.ManyToManyField(
        "standards.Standard", through="AssessmentStandard", related_name="assessments"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Composition (ADR 23): what the teacher wrote above the test, who may find it
    # (as the item bank: the owner, their school or district), and the per-student shuffles.
    instructions = models.TextField(blank=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.OWN)
    school = models.ForeignKey(
        "roster.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "roster.Org", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shuffle_items = models.BooleanField("shuffle items within each section", default=False)
    shuffle_options = models.BooleanField("shuffle the options of choice items", default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-assessed_on", "-id"]
        indexes = [models.Index(fields=["created_by", "updated_at"], name="assessment_owner_order")]

    def __str__(self) -> str:
        return self.title


class AssessmentStandard(models.Model):
    """An assessment reports a separate score on each standard it is aligned to."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="alignments")
    standard = models.ForeignKey(
        "standards.Standard", on_delete=models.PROTECT, related_name="assessment_alignments"
    )
    points_possible = models.DecimalField(
        max_digits=POINTS_DIGITS,
        decimal_places=POINTS_PLACES,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "standard"], name="unique_standard_per_assessment"
            ),
            models.CheckConstraint(
                condition=models.Q(points_possible__gt=0),
                name="alignment_points_possible_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} → {self.standard_id} ({self.points_possible})"


class SubmittedBy(models.TextChoices):
    """What ended an attempt taken online."""

    STUDENT = "student", "The student"
    TIME = "time", "Time ran out"
    WINDOW = "window", "The window closed"


class Attempt(models.Model):
    """One student's try at an assessment; a reassessment is the next number."""

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="attempts")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attempts"
    )
    number = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Taken online: when it ends (the time limit counted on the server, or the window's
    # close), who or what submitted it, and the item the student was on (1-based).
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_by = models.CharField(max_length=10, choices=SubmittedBy.choices, blank=True)
    current_item = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["assessment_id", "student_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "student", "number"], name="unique_attempt_number"
            ),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="attempt_number_1_up"),
        ]
        # The server's sweep finds the open attempts whose time is up.
        indexes = [
            models.Index(
                fields=["deadline"],
                condition=models.Q(submitted_at__isnull=True, deadline__isnull=False),
                name="attempt_open_deadline",
            )
        ]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.assessment_id} by {self.student_id}"


class Source(models.TextChoices):
    """How a piece of evidence reached Masterly."""

    ONLINE = "online", "Online assessment"
    MANUAL = "manual", "Entered by hand"
    IMPORT = "import", "Imported"
    SCAN = "scan", "Scanned answer sheet"
    LMS = "lms", "From the LMS (Canvas)"


class Evidence(models.Model):
    """One student's result on one standard, as points earned of points possible.

    The editable values (points, assessed date, deleted or not) are a copy of the latest
    :class:`EvidenceRevision`; ``version`` is that revision's number (1 when created), used
    for optimistic concurrency: an edit made against an older version is refused.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="evidence",
        db_index=False,  # the (student, standard, …) index below serves lookups by student
    )
    standard = models.ForeignKey(
        "standards.Standard", on_delete=models.PROTECT, related_name="evidence"
    )
    assessment = models.ForeignKey(
        Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    attempt = models.ForeignKey(
        Attempt, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    points_earned = models.DecimalField(max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES)
    points_possible = models.DecimalField(max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES)
    assessed_on = models.DateField()
    source = models.CharField(max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the system entered it (an import run from the command line).",
    )
    entered_at = models.DateTimeField(default=timezone.now)
    is_deleted = models.BooleanField(default=False)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["student_id", "standard_id", "assessed_on", "entered_at", "id"]
        indexes = [
            # The order every calculation reads a cell's evidence in (x₁ … xₙ).
            models.Index(
                fields=["student", "standard", "assessed_on", "entered_at", "id"],
                name="evidence_cell_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points_possible__gt=0), name="evidence_possible_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(points_earned__gte=0), name="evidence_earned_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(points_earned__lte=models.F("points_possible")),
                name="evidence_earned_at_most_possible",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.points_earned}/{self.points_possible} on {self.assessed_on}"

    @property
    def percent(self) -> Decimal:
        return self.points_earned * 100 / self.points_possible


class EvidenceRevision(models.Model):
    """One change to a piece of evidence: who, when, why, the values before and after."""

    class Kind(models.TextChoices):
        CREATED = "created", "Created"
        EDITED = "edited", "Edited"
        DELETED = "deleted", "Deleted"
        RESTORED = "restored", "Restored"

    evidence = models.ForeignKey(Evidence, on_delete=models.PROTECT, related_name="revisions")
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # The values after the change (the evidence's current values when this is the latest).
    points_earned = models.DecimalField(max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES)
    points_possible = models.DecimalField(max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES)
    assessed_on = models.DateField()
    is_deleted = models.BooleanField(default=False)
    # The values before it (empty for "created").
    old_points_earned = models.DecimalField(
        max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES, null=True, blank=True
    )
    old_points_possible = models.DecimalField(
        max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES, null=True, blank=True
    )
    old_assessed_on = models.DateField(null=True, blank=True)
    old_is_deleted = models.BooleanField(null=True, blank=True)
    reason = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["evidence_id", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["evidence", "version"], name="unique_evidence_revision_version"
            )
        ]

    def __str__(self) -> str:
        return f"evidence {self.evidence_id} v{self.version} {self.kind}"

    def values(self) -> tuple[Decimal, Decimal, datetime.date, bool]:
        """The values after this change, in the order :func:`evidence_values` gives them."""
        return (self.points_earned, self.points_possible, self.assessed_on, self.is_deleted)


def evidence_values(evidence: Evidence) -> tuple[Decimal, Decimal, datetime.date, bool]:
    """The values a revision copies: points earned and possible, assessed date, deleted."""
    return (
        evidence.points_earned,
        evidence.points_possible,
        evidence.assessed_on,
        evidence.is_deleted,
    )


class Tool(models.TextChoices):
    """The tools and accommodations a student can have on online assessments."""

    TEXT_TO_SPEECH = "text_to_speech", "Text-to-speech"
    EXTENDED_TIME = "extended_time", "Extended time"
    REDUCED_ANSWER_CHOICES = "reduced_answer_choices", "Reduced answer choices"
    MAGNIFIER = "magnifier", "Magnifier"
    LINE_READER = "line_reader", "Line reader"
    CALCULATOR = "calculator", "Calculator"


# Extended time multiplies an assignment's time limit by one of these (the teacher's choice).
EXTENDED_TIME_FACTORS = (Decimal("1.25"), Decimal("1.5"), Decimal("2"), Decimal("3"))
EXTENDED_TIME_DEFAULT = Decimal("1.5")


class Accommodations(models.Model):
    """A student's tools on online assessments for one school year (all off by default).

    Stored now; the online assessments apply them. One row per student and school year,
    changed in place: the audit log keeps who changed what.
    """

    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="accommodations"
    )
    school_year = models.PositiveIntegerField(help_text="The year the school year ends in.")
    tools = models.JSONField(default=list, help_text="The Tool values turned on.")
    extended_time_factor = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=EXTENDED_TIME_DEFAULT,
        choices=[(factor, f"× {factor}") for factor in EXTENDED_TIME_FACTORS],
        help_text="The time limit is multiplied by this when extended time is on.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "accommodations"
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year"], name="unique_accommodations_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(extended_time_factor__in=EXTENDED_TIME_FACTORS),
                name="accommodations_extended_time_factor_known",
            ),
        ]

    def __str__(self) -> str:
        return f"accommodations of {self.student_id} in {self.school_year}: {self.tools}"


# The item bank's models live beside the assessments they are placed in (ADR 18).
from masterly.assessments.composition.models import AssessmentSection  # noqa: E402
from masterly.assessments.items.models import (  # noqa: E402
    AssessmentItem,
    Choice,
    Item,
    ItemImage,
    ItemStandard,
    ItemVersion,
    RubricCriterion,
    RubricLevel,
    Stimulus,
)
from masterly.assessments.responses.models import KeyCorrection, Response  # noqa: E402

__all__ = [
    "Accommodations",
    "Assessment",
    "AssessmentItem",
    "AssessmentSection",
    "AssessmentStandard",
    "Attempt",
    "Choice",
    "Evidence",
    "EvidenceRevision",
    "Item",
    "ItemImage",
    "ItemStandard",
    "ItemVersion",
    "KeyCorrection",
    "Response",
    "RubricCriterion",
    "RubricLevel",
    "Source",
    "Stimulus",
    "SubmittedBy",
    "Tool",
    "evidence_values",
]
