"""Forms of the standards browser and the curriculum map pages (input only; rules live in
the services)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from masterly.roster.models import Course
from masterly.standards import permissions
from masterly.standards.models import CurriculumMap, Framework, Standard
from masterly.standards.selectors import domain_choices, grade_choices


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


class StandardSearchForm(forms.Form):
    q = forms.CharField(
        label="Code or words",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "6.RP.A.3 or ratio"}),
    )
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.order_by("title"), required=False, empty_label="All"
    )
    grade = forms.ChoiceField(required=False)
    domain = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        framework = self._chosen_framework()
        grade = self.data.get("grade", "") if self.is_bound else ""
        _choice_field(self, "grade").choices = [("", "All"), *grade_choices(framework)]
        domains = domain_choices(framework, grade) if framework else []
        _choice_field(self, "domain").choices = [
            ("", "All"),
            *domains,
        ]

    def _chosen_framework(self) -> Framework | None:
        value = self.data.get("framework") if self.is_bound else None
        if not value or not str(value).isdigit():
            return None
        return Framework.objects.filter(pk=int(value)).first()

    def domain_standard(self) -> Standard | None:
        domain_id = self.cleaned_data.get("domain")
        if not domain_id:
            return None
        return Standard.objects.filter(pk=domain_id).first()


class CurriculumMapForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="For example: Math 6 — 2026–27")
    course: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=Course.objects.none())
    scope = forms.ChoiceField(label="Kind of map", choices=CurriculumMap.Scope.choices)
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.order_by("title"),
        required=False,
        help_text="Codes you type are looked up in this framework.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        course_field = cast(forms.ModelChoiceField, self.fields["course"])
        course_field.queryset = permissions.courses_for_maps(user).order_by("title")
        scopes = permissions.map_scopes_for(user)
        _choice_field(self, "scope").choices = [
            (value, label) for value, label in CurriculumMap.Scope.choices if value in scopes
        ]
        if len(scopes) == 1:
            self.fields["scope"].initial = scopes[0]
        frameworks = list(Framework.objects.order_by("title")[:2])
        if len(frameworks) == 1:
            self.fields["framework"].initial = frameworks[0].pk


class CurriculumMapEditForm(forms.Form):
    title = forms.CharField(max_length=200)
    framework = forms.ModelChoiceField(
        queryset=Framework.objects.order_by("title"),
        required=False,
        help_text="Codes you type are looked up in this framework.",
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CopyForm(forms.Form):
    title = forms.CharField(max_length=200)
    scope = forms.ChoiceField(label="Kind of map", choices=CurriculumMap.Scope.choices)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        scopes = permissions.map_scopes_for(user)
        _choice_field(self, "scope").choices = [
            (value, label) for value, label in CurriculumMap.Scope.choices if value in scopes
        ]


class UnitForm(forms.Form):
    title = forms.CharField(label="Unit title", max_length=200)


class AddStandardForm(forms.Form):
    code = forms.CharField(label="Add a standard by its code", max_length=255)


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError shown on the form: on its field when the form has it."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)
