"""The demo's notes to parents, on the small test world (the demo parent and teacher are
``parent`` and ``teacher`` there too): each tracker of the parent's child gets a note, one is
edited, the teacher writes to a whole class, the parent chose emails (after the notes, so
loading the demo sends none); a second run adds none."""

from __future__ import annotations

import pytest

from masterly.demo.notes import build_notes_demo
from masterly.trackers.notes import NotePreference, ParentNote
from masterly.trackers.selectors.notes import family_notes
from tests.assessment_factories import Mastery
from tests.assessment_factories import mastery as mastery  # the fixture

pytestmark = pytest.mark.django_db


def test_the_demo_parent_has_notes_one_edited_and_chose_emails(mastery: Mastery) -> None:
    world = mastery.world
    lines = build_notes_demo().lines
    assert lines
    notes = family_notes(mastery.tracker, world.student)
    assert len(notes) == 2  # to the family, and to the whole class
    assert any(note.edited_at for note in notes)
    assert ParentNote.objects.filter(section=world.section, tracker=mastery.tracker).count() == 1
    assert NotePreference.objects.get(guardian=world.parent).notify_notes
    count = ParentNote.objects.count()
    build_notes_demo()
    assert ParentNote.objects.count() == count
