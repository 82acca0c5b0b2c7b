"""A student's response to one item of an assessment, and corrections of an item's key.

A :class:`Response` keeps the answer given (chosen options, text, a number or rubric levels)
and the item points it earned; ``points`` empty means the teacher has not scored it yet. The
points toward each standard follow from the item's alignments (ADR 8): the attempt's points
per standard become one piece of evidence per standard (``trackers.services.assessment_scoring``).

A :class:`KeyCorrection` says that, in one assessment, an item is scored with a later version's
key (the placed version stays what students saw, ADR 18); rescoring follows it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

POINTS_DIGITS = 7
POINTS_PLACES = 2


class Response(models.Model):
    """One student's answer to one placed item in one attempt, and its points."""

    attempt = models.ForeignKey(
        "assessments.Attempt", on_delete=models.PROTECT, related_name="responses"
    )
    assessment_item = models.ForeignKey(
        "assessments.AssessmentItem", on_delete=models.PROTECT, related_name="responses"
    )
    # Chosen options as bits (bit p: position p, A = 0): one column the analysis can count.
    choices = models.PositiveBigIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)
    number = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    # An extended response: the level given on each criterion (positions, lowest 0).
    levels = models.JSONField(null=True, blank=True)
    points = models.DecimalField(
        max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES, null=True, blank=True
    )
    points_possible = models.DecimalField(max_digits=POINTS_DIGITS, decimal_places=POINTS_PLACES)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)
    # Taken online: when the answer was given (the page's clock set to the server's), so the
    # latest of two devices' answers wins; and whether the student flagged the item.
    answered_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempt_id", "assessment_item_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "assessment_item"], name="unique_response_per_item"
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True)
                | Q(points__gte=0, points__lte=models.F("points_possible")),
                name="response_points_in_range",
            ),
        ]
        indexes = [models.Index(fields=["assessment_item", "attempt"])]

    def __str__(self) -> str:
        return f"response of attempt {self.attempt_id} to {self.assessment_item_id}"

    @property
    def is_pending(self) -> bool:
        """Waiting for the teacher's points."""
        return self.points is None


class KeyCorrection(models.Model):
    """From now on, ``assessment_item`` is scored with ``item_version``'s key."""

    assessment_item = models.ForeignKey(
        "assessments.AssessmentItem", on_delete=models.PROTECT, related_name="key_corrections"
    )
    item_version = models.ForeignKey(
        "assessments.ItemVersion", on_delete=models.PROTECT, related_name="+"
    )
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessment_item_id", "corrected_at", "id"]

    def __str__(self) -> str:
        return f"{self.assessment_item_id} scored with {self.item_version_id}"
