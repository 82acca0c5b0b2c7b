"""Where imported records came from, so a re-import updates them instead of adding copies."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class QtiRecord(models.Model):
    """A package's item, stimulus or test (by the manifest's identifier and its own), and the
    Masterly row it became for the person who imported it."""

    class Kind(models.TextChoices):
        ITEM = "item", "Item"
        STIMULUS = "stimulus", "Stimulus"
        TEST = "test", "Assessment"

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(max_length=255, help_text="The manifest's identifier.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    identifier = models.CharField(max_length=255)
    target_id = models.BigIntegerField(help_text="The item, stimulus or assessment it became.")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "kind", "identifier"], name="unique_qti_record"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.identifier} of {self.source}"


class QtiUpload(models.Model):
    """A package uploaded on the web and waiting for its uploader's confirmation (its
    unsupported items skipped); removed once imported or replaced by a newer upload."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=255)
    payload = models.BinaryField()
    scope = models.CharField(max_length=10, default="own")
    problems = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name
