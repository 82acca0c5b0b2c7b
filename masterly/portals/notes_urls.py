"""Notes to parents: the teacher's page on a tracker and the guardian's email choice."""

from django.urls import path

from masterly.portals.notes import views

urlpatterns = [
    path("trackers/<int:tracker_id>/notes/", views.tracker_notes, name="tracker_parent_notes"),
    path(
        "trackers/<int:tracker_id>/notes/<int:note_id>/edit/",
        views.note_edit,
        name="tracker_parent_note_edit",
    ),
    path("family/note-emails/", views.note_emails, name="family_note_emails"),
]
