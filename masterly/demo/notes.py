"""The demo's notes to parents and a school's term reports.

Each teacher of the demo ``parent``'s children writes that family a note on their tracker
(one of them edits it, so families see an edited note with its earlier text), ``teacher``
writes to every family of one class, and ``parent`` has chosen to be emailed about notes.
Every family's term report is made when downloaded, so the demo parent's are ready at once;
the demo ``leader`` makes the school's zip when they choose (it is not queued at start: a
school's PDFs would keep the worker busy for minutes on a laptop).
Safe to run again: nothing is written twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from masterly.accounts.models import User
from masterly.roster.models import Enrollment, GuardianLink
from masterly.trackers.models import TrackerSection
from masterly.trackers.notes import ParentNote
from masterly.trackers.services.notes import note_edit, note_preference_set, note_write

FAMILY_NOTE = (
    "{child} has worked hard on ratios this month and it shows: the last quick check was "
    "the best yet.\nAt home, ask {child} to explain how a recipe changes for twice as many "
    "people."
)
EDITED_NOTE = FAMILY_NOTE + "\nThe next unit check is on Friday."
CLASS_NOTE = (
    "Our unit test on expressions is next week. Students can retake any quick check they "
    "want to improve before then.\nThank you for your support at home!"
)


@dataclass
class NotesDemo:
    lines: list[str] = field(default_factory=list)


def build_notes_demo() -> NotesDemo:
    summary = NotesDemo()
    parent = User.objects.filter(username="parent").first()
    if parent is None:
        summary.lines.append("Notes to parents: the demo parent is missing; none written.")
        return summary
    children = GuardianLink.objects.filter(guardian=parent, is_active=True).values("student")
    written = 0
    for student in User.objects.filter(pk__in=children).order_by("pk"):
        placements = TrackerSection.objects.filter(
            tracker__is_archived=False,
            section__in=Enrollment.objects.filter(
                user=student, role=Enrollment.Role.STUDENT, is_active=True
            ).values("section"),
        ).select_related("tracker__owner", "section")
        for placement in placements.order_by("tracker_id"):
            tracker = placement.tracker
            if ParentNote.objects.filter(tracker=tracker, student=student).exists():
                continue
            note = note_write(
                actor=tracker.owner,
                tracker=tracker,
                student=student,
                text=FAMILY_NOTE.format(child=student.first_name or student.display_name),
            )
            written += 1
            if written == 1:
                note_edit(
                    actor=tracker.owner,
                    note=note,
                    text=EDITED_NOTE.format(child=student.first_name or student.display_name),
                )
            if (
                tracker.owner.username == "teacher"
                and not ParentNote.objects.filter(
                    Q(section=placement.section), tracker=tracker
                ).exists()
            ):
                note_write(
                    actor=tracker.owner, tracker=tracker, section=placement.section, text=CLASS_NOTE
                )
                written += 1
    summary.lines.append(f"Notes to parents: {written} written to the demo parent's families.")
    # Chosen after the notes above, so loading the demo sends no email.
    note_preference_set(guardian=parent, notify_notes=True)
    summary.lines.append(
        "Term progress reports: the demo parent downloads each child's from Progress Reports "
        "(made when asked); leader makes the school's zip under Term progress reports."
    )
    return summary
