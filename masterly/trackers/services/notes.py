"""Notes to parents: written by a teacher who scores the tracker (its owner or a
collaborator), to one student's family or to every family of one of its sections; edited
only by a new revision (the earlier text stays); each write with its audit row. Guardians
who chose it are emailed after the transaction commits (the email names the teacher and the
class, not the note: it is read signed in).
"""

from __future__ import annotations

import re
import unicodedata

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from masterly.accounts.models import User
from masterly.core import audit
from masterly.roster import access
from masterly.roster.models import GuardianLink, Section
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker
from masterly.trackers.notes import (
    NOTE_MAX_LENGTH,
    NotePreference,
    ParentNote,
    ParentNoteRevision,
)
from masterly.trackers.selectors.trackers import can_score_tracker

_BLANK_LINES = re.compile(r"\n{3,}")


def clean_note_text(text: object) -> str:
    """Plain text: control characters (other than line breaks and tabs) removed, line breaks
    made ``\\n``, at most two in a row, trailing spaces gone. ValidationError when empty or
    too long."""
    if not isinstance(text, str):
        raise ValidationError({"text": _("Write the note as text.")})
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = "".join(c for c in text if c in "\n\t" or not unicodedata.category(c).startswith("C"))
    kept = _BLANK_LINES.sub("\n\n", "\n".join(line.rstrip() for line in kept.split("\n")))
    kept = kept.strip()
    if not kept:
        raise ValidationError({"text": _("Write something: the note is empty.")})
    if len(kept) > NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "text": _("A note can be at most %(max)d characters long (this one has %(n)d).")
                % {"max": NOTE_MAX_LENGTH, "n": len(kept)}
            }
        )
    return kept


def _check_writer(actor: User, tracker: Tracker) -> None:
    if not can_score_tracker(actor, tracker):
        raise PermissionDenied("Only the tracker's teachers write notes to its families.")


def note_write(
    *,
    actor: User,
    tracker: Tracker,
    text: object,
    student: User | None = None,
    section: Section | None = None,
) -> ParentNote:
    """A new note to ``student``'s family or to every family of ``section`` (exactly one)."""
    _check_writer(actor, tracker)
    clean = clean_note_text(text)
    if (student is None) == (section is None):
        raise ValidationError({"to": _("Choose one student's family or one whole class.")})
    if student is not None and not (
        tracker_students(tracker.pk).filter(user=student.pk).exists()
        and access.can_see_student(actor, student)
    ):
        raise ValidationError({"to": _("That student is not in this tracker's classes.")})
    if section is not None and not tracker.tracker_sections.filter(section=section).exists():
        raise ValidationError({"to": _("That class is not one of this tracker's classes.")})
    to = f"student {student.pk}" if student else f"section {section.pk if section else 0}"
    with transaction.atomic():
        note = ParentNote.objects.create(
            tracker=tracker, student=student, section=section, author=actor, text=clean
        )
        ParentNoteRevision.objects.create(note=note, number=1, text=clean, written_by=actor)
        audit.record(
            actor=actor,
            action="parent_note.write",
            target=note,
            summary=f"Note to {to} on tracker {tracker.pk}",
            details={"tracker": tracker.pk, "length": len(clean)},
        )
        transaction.on_commit(lambda: _email_guardians(note))
    return note


def note_edit(*, actor: User, note: ParentNote, text: object) -> ParentNote:
    """A new version of the note's text, by its author; the earlier text is kept."""
    if note.author_id != actor.pk:
        raise PermissionDenied("Only the teacher who wrote a note edits it.")
    _check_writer(actor, note.tracker)
    clean = clean_note_text(text)
    if clean == note.text:
        raise ValidationError({"text": _("The text is unchanged: nothing to save.")})
    with transaction.atomic():
        locked = ParentNote.objects.select_for_update().get(pk=note.pk)
        number = locked.revisions.count() + 1
        now = timezone.now()
        ParentNoteRevision.objects.create(
            note=locked, number=number, text=clean, written_by=actor, written_at=now
        )
        locked.text = clean
        locked.edited_at = now
        locked.save(update_fields=["text", "edited_at"])
        audit.record(
            actor=actor,
            action="parent_note.edit",
            target=locked,
            summary=f"Note {locked.pk} edited (version {number})",
            details={"version": number, "length": len(clean)},
        )
    return locked


def note_preference_set(*, guardian: User, notify_notes: bool) -> NotePreference:
    """Whether ``guardian`` is emailed when a teacher writes them a note."""
    with transaction.atomic():
        preference, _created = NotePreference.objects.update_or_create(
            guardian=guardian,
            defaults={"notify_notes": bool(notify_notes), "updated_at": timezone.now()},
        )
        audit.record(
            actor=guardian,
            action="parent_note.preference",
            target=preference,
            summary=f"Note emails {'on' if notify_notes else 'off'}",
        )
    return preference


def _email_guardians(note: ParentNote) -> int:
    """Email every guardian of the note's families who chose it (one message each)."""
    if note.student_id is not None:
        students = [note.student_id]
    else:
        students = list(
            tracker_students(note.tracker_id, sections=[note.section_id or 0]).values_list(
                "user", flat=True
            )
        )
    guardians = (
        User.objects.filter(
            pk__in=GuardianLink.objects.filter(student_id__in=students, is_active=True).values(
                "guardian"
            ),
            note_preference__notify_notes=True,
            is_active=True,
        )
        .exclude(email="")
        .order_by("pk")
    )
    author = note.author.display_name
    tracker = note.tracker.name
    messages = []
    for guardian in guardians:
        with translation.override(guardian.preferred_language or settings.LANGUAGE_CODE):
            subject = _("A note from %(teacher)s") % {"teacher": author}
            body = _(
                "%(teacher)s wrote a note to your family about %(class)s.\n\n"
                "Sign in to Masterly and open Parent Notes to read it.\n\n"
                "You receive this email because you chose to; you can turn it off on your "
                "Masterly family page."
            ) % {"teacher": author, "class": tracker}
        messages.append((subject, body, None, [guardian.email]))
    return send_mass_mail(messages, fail_silently=True) if messages else 0
