"""Forms of the tracker pages: they collect input; the services decide and write."""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from masterly.mastery import Scale
from masterly.roster.models import Section
from masterly.standards.models import CurriculumMap
from masterly.standards.selectors import find_standards_by_codes


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
        required=False,
        empty_label="Choose a curriculum map",
        error_messages={
            "invalid_choice": "That curriculum map no longer exists; choose another.",
        },
        help_text="Its units and standards become the tracker's columns.",
    )
    standard_codes = forms.CharField(
        label="Or list the standards",
        required=False,
        max_length=2000,
        help_text="Codes separated by commas or spaces, for example 6.RP.A.1, 6.RP.A.2.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        codes = [code for code in re.split(r"[\s,;]+", data.get("standard_codes") or "") if code]
        data["standards"] = None
        if data.get("curriculum_map") is not None:
            if codes:
                self.add_error(
                    "standard_codes", "Choose a curriculum map or list standards, not both."
                )
            return data
        if not codes:
            if "curriculum_map" not in self.errors:
                self.add_error(
                    "curriculum_map",
                    "Choose a curriculum map, or list the standards the tracker follows.",
                )
            return data
        try:
            data["standards"] = find_standards_by_codes(codes)
        except ValidationError as error:
            self.add_error("standard_codes", error.message_dict["codes"])
        return data

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
