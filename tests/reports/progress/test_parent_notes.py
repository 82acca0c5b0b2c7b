"""Notes to parents: written by the tracker's teacher to one family or a whole class, read by
those families only, edited by a new version (the earlier text stays), audited, emailed to
guardians who chose it; a bad note changes nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from masterly.core.models import AuditEvent
from masterly.trackers.notes import ParentNote, ParentNoteRevision
from masterly.trackers.selectors.notes import family_notes
from masterly.trackers.services import notes as services
from tests.assessment_factories import Mastery

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_note_to_one_family_reaches_only_that_family(
    scored: Mastery, django_capture_on_commit_callbacks: object
) -> None:
    world = scored.world
    note = services.note_write(
        actor=world.teacher, tracker=scored.shared, student=world.student, text="  Well done!\r\n"
    )
    assert note.text == "Well done!"
    assert family_notes(scored.shared, world.student) == [note]
    assert family_notes(scored.shared, world.other_student) == []
    assert AuditEvent.objects.filter(action="parent_note.write", object_id=str(note.pk)).exists()


def test_a_note_to_a_section_reaches_every_family_in_it(scored: Mastery) -> None:
    world = scored.world
    note = services.note_write(
        actor=world.teacher, tracker=scored.shared, section=world.other_section, text="Trip"
    )
    assert family_notes(scored.shared, world.other_student) == [note]
    assert family_notes(scored.shared, world.student) == []


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n ", "x" * 4001, None, "\x00\x07"],
    ids=["empty", "blank", "long", "none", "control"],
)
def test_a_bad_note_is_refused_and_nothing_is_written(scored: Mastery, text: object) -> None:
    with pytest.raises(ValidationError):
        services.note_write(
            actor=scored.world.teacher,
            tracker=scored.tracker,
            student=scored.world.student,
            text=text,
        )
    assert not ParentNote.objects.exists()
    assert not AuditEvent.objects.filter(action="parent_note.write").exists()


def test_control_characters_are_removed_and_blank_lines_squeezed() -> None:
    assert services.clean_note_text("a\x00b\r\n\r\n\r\n\r\nc  ") == "ab\n\nc"


def test_only_the_trackers_teachers_write_and_only_to_its_students(scored: Mastery) -> None:
    world = scored.world
    for outsider in (world.other_teacher, world.parent, world.leader, world.student):
        with pytest.raises(PermissionDenied):
            services.note_write(
                actor=outsider, tracker=scored.tracker, student=world.student, text="Hi"
            )
    with pytest.raises(ValidationError):  # not in this tracker's classes
        services.note_write(
            actor=world.teacher, tracker=scored.tracker, student=world.other_student, text="Hi"
        )
    with pytest.raises(ValidationError):
        services.note_write(
            actor=world.teacher, tracker=scored.tracker, section=world.school_b_section, text="Hi"
        )
    with pytest.raises(ValidationError):  # both a student and a section
        services.note_write(
            actor=world.teacher,
            tracker=scored.tracker,
            student=world.student,
            section=world.section,
            text="Hi",
        )
    assert not ParentNote.objects.exists()


def test_an_edit_keeps_the_earlier_text_and_families_see_both(scored: Mastery) -> None:
    world = scored.world
    note = services.note_write(
        actor=world.teacher, tracker=scored.tracker, student=world.student, text="Test on Friday"
    )
    with pytest.raises(PermissionDenied):
        services.note_edit(actor=world.other_teacher, note=note, text="Changed")
    with pytest.raises(ValidationError):
        services.note_edit(actor=world.teacher, note=note, text="Test on Friday")
    services.note_edit(actor=world.teacher, note=note, text="Test on Monday")
    assert list(
        ParentNoteRevision.objects.filter(note=note)
        .order_by("number")
        .values_list("text", flat=True)
    ) == ["Test on Friday", "Test on Monday"]
    assert AuditEvent.objects.filter(action="parent_note.edit").count() == 1
    page = _client(world.parent).get(
        reverse(
            "family_report_notes",
            kwargs={"student_id": world.student.pk, "tracker_id": scored.tracker.pk},
        )
    )
    content = page.content.decode()
    assert "Test on Monday" in content and "Test on Friday" in content
    assert "earlier text" in content


def test_guardians_who_chose_it_get_an_email(
    scored: Mastery, django_capture_on_commit_callbacks: object
) -> None:
    world = scored.world
    world.parent.email = "parent@example.org"
    world.parent.save(update_fields=["email"])
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.note_write(
            actor=world.teacher, tracker=scored.tracker, student=world.student, text="One"
        )
    assert mail.outbox == []
    services.note_preference_set(guardian=world.parent, notify_notes=True)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        services.note_write(
            actor=world.teacher, tracker=scored.tracker, section=world.section, text="Two"
        )
    assert [message.to for message in mail.outbox] == [["parent@example.org"]]
    assert "Two" not in mail.outbox[0].body  # the note is read signed in


def test_the_teacher_writes_and_edits_from_the_tracker(scored: Mastery) -> None:
    world = scored.world
    client = _client(world.teacher)
    url = reverse("tracker_parent_notes", kwargs={"tracker_id": scored.tracker.pk})
    assert client.get(url).status_code == 200
    response = client.post(url, {"to": f"student:{world.student.pk}", "text": "Great week"})
    assert response.status_code == 302
    note = ParentNote.objects.get()
    assert note.student == world.student
    bad = client.post(url, {"to": f"student:{world.other_student.pk}", "text": "No"})
    assert bad.status_code == 200 and ParentNote.objects.count() == 1
    edit = reverse(
        "tracker_parent_note_edit", kwargs={"tracker_id": scored.tracker.pk, "note_id": note.pk}
    )
    assert client.post(edit, {"text": "Great month"}).status_code == 302
    note.refresh_from_db()
    assert note.text == "Great month"


@pytest.mark.parametrize("who", ["other_teacher", "parent", "student", "other_leader"])
def test_others_cannot_open_the_teachers_notes_page(scored: Mastery, who: str) -> None:
    note = services.note_write(
        actor=scored.world.teacher, tracker=scored.tracker, student=scored.world.student, text="A"
    )
    client = _client(getattr(scored.world, who))
    kwargs = {"tracker_id": scored.tracker.pk}
    assert client.get(reverse("tracker_parent_notes", kwargs=kwargs)).status_code == 404
    edit = reverse("tracker_parent_note_edit", kwargs={**kwargs, "note_id": note.pk})
    assert client.post(edit, {"text": "Changed"}).status_code == 404
    note.refresh_from_db()
    assert note.text == "A"


def test_a_guardian_chooses_note_emails_and_others_cannot(scored: Mastery) -> None:
    url = reverse("family_note_emails")
    client = _client(scored.world.parent)
    assert client.get(url).status_code == 200
    assert client.post(url, {"notify_notes": "on"}).status_code == 302
    assert scored.world.parent.note_preference.notify_notes is True
    assert client.post(url, {}).status_code == 302
    scored.world.parent.note_preference.refresh_from_db()
    assert scored.world.parent.note_preference.notify_notes is False
    assert _client(scored.world.teacher).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
