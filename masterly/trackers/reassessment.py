"""Reassessment: a student asks to be assessed again on a standard or an assessment, and the
teacher approves (granting one more attempt) or declines with a note. A grant is also made
without a request, for a group (the reteach groups). Every attempt stays in the history; the
tracker's method decides how attempts combine (ADR 28).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REASON_LENGTH = 300
NOTE_LENGTH = 300


class RequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the teacher")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")


class ReassessmentRequest(models.Model):
    """A student's request to be reassessed on one standard or one assignment of a tracker."""

    tracker = models.ForeignKey(
        "trackers.Tracker", on_delete=models.CASCADE, related_name="reassessment_requests"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    standard = models.ForeignKey(
        "standards.Standard", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        "trackers.Assignment", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(max_length=REASON_LENGTH)
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=NOTE_LENGTH, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["tracker_id", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(standard__isnull=True, assignment__isnull=False)
                | Q(standard__isnull=False, assignment__isnull=True),
                name="reassessment_one_target",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="reassessment_status_known"
            ),
            # One pending request per student and target (a second is refused politely).
            models.UniqueConstraint(
                fields=["tracker", "student", "standard"],
                condition=Q(status="pending", standard__isnull=False),
                name="one_pending_reassessment_per_standard",
            ),
            models.UniqueConstraint(
                fields=["tracker", "student", "assignment"],
                condition=Q(status="pending", assignment__isnull=False),
                name="one_pending_reassessment_per_assignment",
            ),
        ]
        indexes = [models.Index(fields=["tracker", "status"], name="reassessment_by_status")]

    def __str__(self) -> str:
        return f"reassessment of {self.student_id} in tracker {self.tracker_id} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING


class AttemptGrant(models.Model):
    """One more attempt for a student at an assessment, on an assignment when there is one
    for them; ``used_attempt`` is set once the attempt it opened is started."""

    tracker = models.ForeignKey(
        "trackers.Tracker", on_delete=models.CASCADE, related_name="attempt_grants"
    )
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        "trackers.Assignment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attempt_grants",
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    request = models.OneToOneField(
        ReassessmentRequest,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grant",
    )
    used_attempt = models.OneToOneField(
        "assessments.Attempt", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tracker_id", "-granted_at", "-id"]
        indexes = [models.Index(fields=["assignment", "student"], name="grant_by_assignment")]

    def __str__(self) -> str:
        return f"one more attempt at {self.assessment_id} for {self.student_id}"
