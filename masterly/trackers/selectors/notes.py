"""Notes to parents as families and teachers read them (a fixed number of queries)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from masterly.accounts.models import User
from masterly.roster.models import Enrollment
from masterly.trackers.models import Tracker, TrackerSection
from masterly.trackers.notes import NotePreference, ParentNote, ParentNoteRevision
from masterly.trackers.selectors.trackers import can_score_tracker


def _with_revisions(notes: QuerySet[ParentNote]) -> QuerySet[ParentNote]:
    return notes.select_related("author", "student", "section").prefetch_related(
        Prefetch("revisions", queryset=ParentNoteRevision.objects.order_by("-number"))
    )


def family_notes(tracker: Tracker, student: User) -> list[ParentNote]:
    """The notes to ``student``'s family on ``tracker``: to them, or to a section of the tracker
    the student is in (two queries). The caller has checked the reader may see the student."""
    sections = Enrollment.objects.filter(
        user=student, role=Enrollment.Role.STUDENT, is_active=True
    ).values("section")
    return list(
        _with_revisions(
            ParentNote.objects.filter(Q(student=student) | Q(section__in=sections), tracker=tracker)
        )
    )


def tracker_notes(user: User, tracker: Tracker) -> list[ParentNote]:
    """Every note on ``tracker``, newest first, for its teachers (two queries)."""
    if not can_score_tracker(user, tracker):
        return []
    return list(_with_revisions(ParentNote.objects.filter(tracker=tracker)))


def note_or_404(user: User, tracker: Tracker, note_id: int | str) -> ParentNote:
    """A note on ``tracker`` that ``user`` wrote, else Http404."""
    try:
        return ParentNote.objects.select_related("tracker").get(
            pk=int(note_id), tracker=tracker, author=user
        )
    except (ParentNote.DoesNotExist, ValueError, TypeError):
        raise Http404("No such note.") from None


def tracker_sections(tracker: Tracker) -> list[TrackerSection]:
    return list(
        TrackerSection.objects.filter(tracker=tracker)
        .select_related("section")
        .order_by("section__title")
    )


def notify_notes(guardian: User) -> bool:
    """Whether ``guardian`` chose to be emailed about notes (off until chosen)."""
    return NotePreference.objects.filter(guardian=guardian, notify_notes=True).exists()
