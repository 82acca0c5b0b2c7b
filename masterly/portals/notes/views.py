"""Notes to parents: the teacher's page on a tracker (write to one family or a whole class,
edit by a new version) and the guardian's choice of an email for each note. Thin views over
``trackers.services.notes`` and ``trackers.selectors.notes``.
"""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from masterly.accounts.models import User
from masterly.portals.standards.forms import apply_errors
from masterly.roster import access
from masterly.roster.models import Role, Section
from masterly.trackers.models import Tracker
from masterly.trackers.notes import NOTE_MAX_LENGTH
from masterly.trackers.selectors import notes as selectors
from masterly.trackers.selectors.students import visible_tracker_students
from masterly.trackers.selectors.trackers import can_score_tracker, tracker_or_404
from masterly.trackers.services import notes as services


class NoteForm(forms.Form):
    to = forms.ChoiceField(label=gettext_lazy("To"))
    text = forms.CharField(
        label=gettext_lazy("Note"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=NOTE_MAX_LENGTH,
        help_text=gettext_lazy("Plain text; line breaks are kept. Families see it signed in."),
    )


class NoteEditForm(forms.Form):
    text = NoteForm.base_fields["text"]


class PreferenceForm(forms.Form):
    notify_notes = forms.BooleanField(
        label=gettext_lazy("Email me when a teacher writes me a note"), required=False
    )


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form's data on a POST (even an empty one: an unticked box sends nothing)."""
    return request.POST if request.method == "POST" else None


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def _recipients(user: User, tracker_id: int) -> tuple[Tracker, dict[str, object]]:
    tracker = tracker_or_404(user, tracker_id)
    if not can_score_tracker(user, tracker):
        raise Http404("No such page.")
    choices: dict[str, object] = {}
    for placement in selectors.tracker_sections(tracker):
        choices[f"section:{placement.section_id}"] = placement.section
    for student in visible_tracker_students(user, tracker):
        choices[f"student:{student.pk}"] = student
    return tracker, choices


def _labels(choices: dict[str, object]) -> list[tuple[str, str]]:
    labelled = []
    for key, value in choices.items():
        if isinstance(value, Section):
            labelled.append((key, _("Every family in %(class)s") % {"class": value.title}))
        elif isinstance(value, User):
            labelled.append((key, _("The family of %(name)s") % {"name": value.sort_name}))
    return labelled


@login_required
def tracker_notes(request: HttpRequest, tracker_id: int) -> HttpResponse:
    user = _user(request)
    tracker, choices = _recipients(user, tracker_id)
    form = NoteForm(
        _posted(request),
        initial={"to": f"student:{request.GET.get('student')}"},
    )
    cast(forms.ChoiceField, form.fields["to"]).choices = _labels(choices)
    if request.method == "POST" and form.is_valid():
        chosen = choices[form.cleaned_data["to"]]
        try:
            services.note_write(
                actor=user,
                tracker=tracker,
                text=form.cleaned_data["text"],
                student=chosen if isinstance(chosen, User) else None,
                section=chosen if isinstance(chosen, Section) else None,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your note is sent."))
            return redirect("tracker_parent_notes", tracker_id=tracker_id)
    return render(
        request,
        "portals/notes/tracker_notes.html",
        {"tracker": tracker, "form": form, "notes": selectors.tracker_notes(user, tracker)},
    )


@login_required
def note_edit(request: HttpRequest, tracker_id: int, note_id: int) -> HttpResponse:
    user = _user(request)
    tracker = tracker_or_404(user, tracker_id)
    note = selectors.note_or_404(user, tracker, note_id)
    form = NoteEditForm(_posted(request), initial={"text": note.text})
    if request.method == "POST" and form.is_valid():
        try:
            services.note_edit(actor=user, note=note, text=form.cleaned_data["text"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your note is saved; families also see the earlier text."))
            return redirect("tracker_parent_notes", tracker_id=tracker_id)
    return render(
        request, "portals/notes/note_edit.html", {"tracker": tracker, "note": note, "form": form}
    )


@login_required
def note_emails(request: HttpRequest) -> HttpResponse:
    """The guardian's choice: an email for each note, or none."""
    user = _user(request)
    if Role.GUARDIAN not in access.held_roles(user):
        raise Http404("No such page.")
    form = PreferenceForm(
        _posted(request),
        initial={"notify_notes": selectors.notify_notes(user)},
    )
    if request.method == "POST" and form.is_valid():
        services.note_preference_set(guardian=user, notify_notes=form.cleaned_data["notify_notes"])
        messages.success(request, _("Your choice is saved."))
        return redirect("family_note_emails")
    return render(request, "portals/notes/note_emails.html", {"form": form})
