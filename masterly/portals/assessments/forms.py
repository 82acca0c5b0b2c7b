"""Forms of the assessment pages: an assessment's settings, and assigning it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from masterly.assessments.items.models import Scope
from masterly.assessments.models import Assessment
from masterly.trackers.assignments import ATTEMPTS_MAX, Visibility


class AssessmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    kind = forms.ChoiceField(label=_("Kind"), choices=Assessment.Kind.choices)
    instructions = forms.CharField(
        label=_("Instructions (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    scope = forms.ChoiceField(label=_("Who may find it"), choices=Scope.choices, initial=Scope.OWN)


class AssessmentSettingsForm(AssessmentForm):
    shuffle_items = forms.BooleanField(label=_("Shuffle items within each section"), required=False)
    shuffle_options = forms.BooleanField(
        label=_("Shuffle the options of choice items"), required=False
    )


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


VISIBILITY_CHOICES = [("", _("As the tracker's portal settings say")), *Visibility.choices]


class AssignmentForm(forms.Form):
    """The window is read in the server's time zone (TIME_ZONE), made aware by Django."""

    opens_at = forms.DateTimeField(label=_("Opens"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes"), widget=DateTimeInput())
    attempts_allowed = forms.IntegerField(
        label=_("Attempts allowed"), min_value=1, max_value=ATTEMPTS_MAX, initial=1
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit in minutes (empty: none)"), required=False, min_value=1, max_value=1440
    )
    one_item_per_screen = forms.TypedChoiceField(
        label=_("Taken online"),
        choices=[("1", _("One item per screen")), ("0", _("All items on one page"))],
        coerce=lambda value: value == "1",
        initial="1",
        required=False,  # a form posted without it (older pages): one per screen
    )
    show_assessment = forms.ChoiceField(
        label=_("Students and parents see the assessment"),
        choices=VISIBILITY_CHOICES,
        required=False,
    )
    show_answer_key = forms.ChoiceField(
        label=_("… the answer key"), choices=VISIBILITY_CHOICES, required=False
    )
    show_item_analysis = forms.ChoiceField(
        label=_("… the item analysis"), choices=VISIBILITY_CHOICES, required=False
    )


class AssignForm(AssignmentForm):
    sections = forms.MultipleChoiceField(
        label=_("Classes"), widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args: Any, section_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sections"].choices = section_choices  # type: ignore[attr-defined]


def add_refusal(form: forms.Form, refused: ValidationError) -> None:
    """A service's refusal shown on the form: under the field it names, else above it."""
    for field, problems in refused.message_dict.items():
        for problem in problems:
            form.add_error(field if field in form.fields else None, problem)
