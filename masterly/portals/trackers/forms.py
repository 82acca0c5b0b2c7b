"""Forms of the tracker pages: they collect input; the services decide and write."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from masterly.mastery import Scale
from masterly.roster.models import Section
from masterly.standards.models import CurriculumMap


class SectionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        section: Section = obj
        return f"{section.title} ({section.course.title})" if section.course_id else section.title


class CurriculumMapChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        curriculum_map: CurriculumMap = obj
        course = curriculum_map.course.title if curriculum_map.course_id else ""
        return f"{curriculum_map.title} — {course}" if course else curriculum_map.title


class TrackerCreateForm(forms.Form):
    name = forms.CharField(
        max_length=200,
        error_messages={"required": "Give the tracker a name."},
        help_text="For example “Math 6 – Periods 1 and 2”.",
    )
    sections = SectionChoiceField(
        label="Classes",
        queryset=Section.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one of your classes.",
            "invalid_choice": "Choose only classes you teach this term.",
            "invalid_pk_value": "Choose only classes you teach this term.",
        },
        help_text="Its students are the students of these classes.",
    )
    curriculum_map = CurriculumMapChoiceField(
        queryset=CurriculumMap.objects.none(),
        empty_label="Choose a curriculum map",
        error_messages={
            "required": "Choose a curriculum map: its units and standards become the columns.",
            "invalid_choice": "That curriculum map no longer exists; choose another.",
        },
        help_text="Its units and standards become the tracker's columns.",
    )

    def __init__(
        self,
        *args: Any,
        sections: QuerySet[Section],
        maps: QuerySet[CurriculumMap],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelMultipleChoiceField, self.fields["sections"]).queryset = sections
        cast(forms.ModelChoiceField, self.fields["curriculum_map"]).queryset = maps


class OverrideForm(forms.Form):
    level = forms.ChoiceField(
        error_messages={"required": "Choose the level to set.", "invalid_choice": "Choose a level."}
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why: the student and their parents will read it."},
        help_text="Students and parents see this reason.",
    )

    def __init__(self, *args: Any, scale: Scale, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["level"]).choices = [("", "Choose a level")] + [
            (level.abbreviation, f"{level.name} ({level.abbreviation})") for level in scale.levels
        ]


class OverrideClearForm(forms.Form):
    clear_reason = forms.CharField(
        label="Reason for removing it (optional)", required=False, max_length=2000
    )
