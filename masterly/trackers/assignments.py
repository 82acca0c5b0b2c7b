"""Assignments: an assessment given to some of a tracker's sections (or to one of its students
alone, for a reassessment), with a window, attempts, a time limit, a Test ID students type,
and when students and parents may see the assessment, its answer key and its item analysis.
They live here, not in ``assessments``, because a tracker's sections are what an assessment
is assigned to (trackers sit above assessments).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

ATTEMPTS_MAX = 10
TEST_ID_LENGTH = 6


class Visibility(models.TextChoices):
    """When students and parents see one thing about an assignment."""

    NEVER = "never", "Never"
    NOW = "now", "Now"
    AFTER_CLOSE = "after_close", "After the window closes"
    AFTER_ALL = "after_all", "Once every assigned student has finished or been excused"


class Assignment(models.Model):
    tracker = models.ForeignKey(
        "trackers.Tracker", on_delete=models.PROTECT, related_name="assignments"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="assignments"
    )
    sections = models.ManyToManyField(
        "roster.Section", through="AssignmentSection", related_name="+"
    )
    # An individual assignment: given to this one student of the tracker, not to sections (a
    # reassessment approved on an assessment their classes were not given; ADR 28).
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    attempts_allowed = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(ATTEMPTS_MAX)]
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )
    # Unique among all assignments (so certainly among open ones); upper case, no look-alikes.
    test_id = models.CharField("Test ID", max_length=TEST_ID_LENGTH, unique=True)
    show_assessment = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.AFTER_ALL
    )
    show_answer_key = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.NEVER
    )
    show_item_analysis = models.CharField(
        max_length=12, choices=Visibility.choices, default=Visibility.NEVER
    )
    # Taken online: one item per screen, or every item on one page (the teacher's choice).
    one_item_per_screen = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tracker_id", "-opens_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="assignment_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(attempts_allowed__gte=1, attempts_allowed__lte=ATTEMPTS_MAX),
                name="assignment_attempts_1_to_10",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__in": Visibility.values}),
                    name=f"assignment_{field}_known",
                )
                for field in ("show_assessment", "show_answer_key", "show_item_analysis")
            ),
        ]

    def __str__(self) -> str:
        return f"assignment {self.test_id} of {self.assessment_id} in tracker {self.tracker_id}"


class AssignmentSection(models.Model):
    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="assignment_sections"
    )
    section = models.ForeignKey("roster.Section", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "section"], name="unique_assignment_section"
            )
        ]

    def __str__(self) -> str:
        return f"section {self.section_id} of assignment {self.assignment_id}"


class Excusal(models.Model):
    """A student excused from an assignment (absent); removed when un-excused (audited)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="excusals")
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    excused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    excused_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "student"], name="unique_excusal")
        ]

    def __str__(self) -> str:
        return f"{self.student_id} excused from assignment {self.assignment_id}"


class AssignmentAttempt(models.Model):
    """An attempt taken online through an assignment (its window, time limit and attempts
    count): the link lives here because trackers sit above assessments."""

    attempt = models.OneToOneField(
        "assessments.Attempt", primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.PROTECT, related_name="online_attempts"
    )

    class Meta:
        indexes = [models.Index(fields=["assignment", "attempt"])]

    def __str__(self) -> str:
        return f"attempt {self.attempt_id} through assignment {self.assignment_id}"
