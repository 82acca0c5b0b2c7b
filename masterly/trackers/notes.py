"""Notes to parents: what a teacher writes from a tracker to one student's family or to every
family of one of its sections. A note is kept and never silently edited: every version of its
text is a :class:`ParentNoteRevision`, so families see that it was edited and what it said
before. Notes are to families; students do not see them (the guide's "Notes to Parents").
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

NOTE_MAX_LENGTH = 4000


class ParentNote(models.Model):
    """A note from a teacher about a tracker, to one student's family or to a whole section."""

    tracker = models.ForeignKey(
        "trackers.Tracker", on_delete=models.PROTECT, related_name="parent_notes"
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The family written to; empty when the note is to a whole section.",
    )
    section = models.ForeignKey(
        "roster.Section",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The section whose families are written to; empty for one family.",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(help_text="The latest version (a copy of the latest revision).")
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(student__isnull=True, section__isnull=False)
                | Q(student__isnull=False, section__isnull=True),
                name="parent_note_to_one_family_or_one_section",
            )
        ]
        indexes = [models.Index(fields=["tracker", "student"])]

    def __str__(self) -> str:
        return f"Note {self.pk} on tracker {self.tracker_id}"


class ParentNoteRevision(models.Model):
    """One version of a note's text (number 1 is the text first sent)."""

    note = models.ForeignKey(ParentNote, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["note", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="parent_note_revision_number")
        ]

    def __str__(self) -> str:
        return f"Note {self.note_id} version {self.number}"


class NotePreference(models.Model):
    """A guardian's choice to be emailed when a teacher writes a note (off until chosen)."""

    guardian = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="note_preference"
    )
    notify_notes = models.BooleanField(default=False)
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Note emails for {self.guardian_id}: {self.notify_notes}"
