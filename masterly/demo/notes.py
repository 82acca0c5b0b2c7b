"""The demo's notes to parents and a school's term reports.

Each teacher of the demo ``parent``'s children writes that family a note on their tracker
(one of them edits it, so families see an edited note with its earlier text), ``teacher``
writes to every family of one class, and ``parent`` has chosen to be emailed about notes.
The demo ``leader`` asks for the current term's progress reports of their school, which the
worker makes in the background (``masterly start`` runs it) into the zip their page offers.
Every family's own term report is made when downloaded, so it is ready at once.
Safe to run again: nothing is written twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from masterly.accounts.models import User
from masterly.reports.models import TermReportBatch
from masterly.reports.term_batches import batch_request, batch_schools, batch_terms
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


def build_notes_demo(*, today: datetime.date) -> NotesDemo:
    summary = NotesDemo()
    parent = User.objects.filter(username="parent").first()
    if parent is None:
        summary.lines.append("Notes to parents: the demo parent is missing; none written.")
        return summary
    note_preference_set(guardian=parent, notify_notes=True)
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
    summary.lines.extend(_term_reports(today))
    return summary


def _term_reports(today: datetime.date) -> list[str]:
    leader = User.objects.filter(username="leader").first()
    if leader is None:
        return []
    school = batch_schools(leader).first()
    if school is None:
        return []
    terms = [t for t in batch_terms(school) if t.start_date <= today]
    if not terms:
        return []
    term = terms[0]
    if TermReportBatch.objects.filter(school=school, term=term).exists():
        return [f"Term reports of {school.name}, {term.title}: already asked for."]
    batch_request(actor=leader, school_id=school.pk, term_id=term.pk)
    return [
        f"Term reports of {school.name}, {term.title}: queued for the worker "
        "(the leader downloads the zip from Term progress reports)."
    ]
