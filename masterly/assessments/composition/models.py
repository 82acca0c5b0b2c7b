"""An assessment's sections: titled and ordered. Items sit in them by number
(:class:`~masterly.assessments.items.models.AssessmentItem` ``section``), so reordering the
sections renumbers both, in one transaction (``composition.services``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class AssessmentSection(models.Model):
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="sections"
    )
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["assessment_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "number"], name="unique_assessment_section_number"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="assessment_section_number_1_up"
            ),
        ]

    def __str__(self) -> str:
        return f"section {self.number} of {self.assessment_id}: {self.title}"
