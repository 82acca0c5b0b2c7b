"""Forms of the five settings buttons and of quick score entry. They collect input; the
services decide and write."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any, cast

from django import forms

from masterly.mastery import (
    DECAY_RANGE,
    DEFAULT_DECAY,
    DEFAULT_METHOD,
    DEFAULT_N,
    DEFAULT_WEIGHT,
    WEIGHT_RANGE,
    MasteryError,
    Scale,
    scale_from_cuts,
)
from masterly.trackers import policy
from masterly.trackers.models import PORTAL_DEFAULTS, PortalShow, Tracker
from masterly.trackers.policy import Resolved
from masterly.trackers.scales import DEFAULT_SCALE, scale_to_data


def range_messages(name: str, bounds: tuple[object, object]) -> dict[str, str]:
    message = f"{name} must be between {bounds[0]} and {bounds[1]}."
    return {"min_value": message, "max_value": message}


def percent_field(label: str, **options: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal(0), max_value=Decimal(100), decimal_places=2, **options
    )


class TrackerSettingsForm(forms.Form):
    """The Settings button: the scale, the calculation and what the portals show."""

    levels = forms.TypedChoiceField(
        label="Levels",
        coerce=int,
        choices=[
            (3, "3 levels: Mastery, Near Mastery, Remediation"),
            (4, "4 levels: adds Advanced"),
        ],
    )
    cut_advanced = percent_field(
        "Advanced from (%)", required=False, help_text="Only with 4 levels."
    )
    cut_mastery = percent_field("Mastery from (%)")
    cut_near = percent_field("Near Mastery from (%)")
    method = forms.ChoiceField(label="Calculation method", choices=Tracker.Method.choices)
    decay = forms.DecimalField(
        label="Decay (decaying average)",
        min_value=Decimal(DECAY_RANGE[0]),
        max_value=Decimal(DECAY_RANGE[1]),
        decimal_places=2,
        help_text=f"How much the newest score counts, {DECAY_RANGE[0]}–{DECAY_RANGE[1]}.",
        error_messages=range_messages("Decay", DECAY_RANGE),
    )
    weight = forms.DecimalField(
        label="Weight of the newest score (weighted average)",
        min_value=Decimal(WEIGHT_RANGE[0]),
        max_value=Decimal(WEIGHT_RANGE[1]),
        decimal_places=2,
        help_text=f"{WEIGHT_RANGE[0]}–{WEIGHT_RANGE[1]}.",
        error_messages=range_messages("The weight", WEIGHT_RANGE),
    )
    n_mastery = forms.IntegerField(
        label="n (times at mastery)",
        min_value=1,
        max_value=20,
        help_text="How many scores at mastery before a score shows.",
    )
    portal_scores = forms.ChoiceField(label="Scores", choices=PortalShow.choices)
    portal_assessments = forms.ChoiceField(label="Assessments", choices=PortalShow.choices)
    portal_answer_key = forms.ChoiceField(label="Answer key", choices=PortalShow.choices)
    portal_item_analysis = forms.ChoiceField(label="Item analysis", choices=PortalShow.choices)

    follow_scale = forms.BooleanField(required=False)
    follow_calculation = forms.BooleanField(required=False)
    follow_portal = forms.BooleanField(required=False)

    CALCULATION = ("levels", "cut_advanced", "cut_mastery", "cut_near", "method")
    PARAMETERS = ("decay", "weight", "n_mastery")
    PORTAL = tuple(PORTAL_DEFAULTS)
    # The fields of each setting group (``trackers.policy``), set or followed as one.
    GROUP_FIELDS = {
        policy.SCALE: ("levels", "cut_advanced", "cut_mastery", "cut_near"),
        policy.CALCULATION: ("method", "decay", "weight", "n_mastery"),
        policy.PORTAL: tuple(PORTAL_DEFAULTS),
    }

    def apply_policy(
        self, inherited: Mapping[str, Resolved], own: Collection[str], sources: Mapping[str, str]
    ) -> None:
        """Label each group's "follow" box with where the value comes from (``sources``:
        group → a phrase); a group locked above is shown, disabled, as it is in force."""
        for group, fields in self.GROUP_FIELDS.items():
            box = self.fields[f"follow_{group}"]
            box.label = f"Use {sources[group]}"
            box.initial = group not in own
            if inherited[group].is_locked:
                box.disabled, box.initial = True, True
                for name in fields:
                    self.fields[name].disabled = True

    def followed(self) -> set[str]:
        """The groups to follow: locked above, or ticked with their values left as shown (a
        teacher who changes a value and forgets the box means the value)."""
        return {
            group
            for group, fields in self.GROUP_FIELDS.items()
            if self.cleaned_data.get(f"follow_{group}")
            and (
                self.fields[f"follow_{group}"].disabled
                or not any(name in self.changed_data for name in fields)
            )
        }

    @classmethod
    def initial_for(cls, tracker: Tracker) -> dict[str, Any]:
        return {
            **scale_initial(tracker.mastery_scale()),
            "method": tracker.method,
            "decay": tracker.decay,
            "weight": tracker.weight,
            "n_mastery": tracker.n_mastery,
            **{field: getattr(tracker, field) for field in PORTAL_DEFAULTS},
        }

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {
            **scale_initial(DEFAULT_SCALE),
            "method": DEFAULT_METHOD,
            "decay": Decimal(str(DEFAULT_DECAY)),
            "weight": Decimal(str(DEFAULT_WEIGHT)),
            "n_mastery": DEFAULT_N,
            **{field: str(value) for field, value in PORTAL_DEFAULTS.items()},
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        names = ["cut_mastery", "cut_near"]
        if data.get("levels") == 4:
            if data.get("cut_advanced") is None:
                self.add_error("cut_advanced", "With 4 levels, give the score Advanced starts at.")
            names.insert(0, "cut_advanced")
        cuts: list[Decimal] = [data[name] for name in names if data.get(name) is not None]
        if len(cuts) == len(names):
            try:
                self.scale: Scale = scale_from_cuts(cuts)
            except MasteryError as error:
                text = str(error)
                self.add_error("cut_mastery", f"{text[:1].upper()}{text[1:]}.")
        return data

    def scale_data(self) -> list[dict[str, Any]]:
        """The scale to store as the tracker's own."""
        return scale_to_data(self.scale)


def scale_initial(scale: Scale) -> dict[str, Any]:
    cuts = [level.cut for level in scale.levels]
    four = len(cuts) >= 4
    return {
        "levels": 4 if four else 3,
        "cut_advanced": cuts[0] if four else None,
        "cut_mastery": cuts[-3] if len(cuts) >= 3 else cuts[0],
        "cut_near": cuts[-2],
    }


class AddStandardForm(forms.Form):
    code = forms.CharField(
        label="Add a standard by its code",
        max_length=100,
        help_text="For example 6.RP.A.3 (see the standards browser).",
        error_messages={"required": "Type the code of the standard to add."},
    )


class CollaboratorSearchForm(forms.Form):
    q = forms.CharField(label="Find a teacher by name or email", max_length=100, required=False)


class QuickCheckForm(forms.Form):
    title = forms.CharField(
        max_length=300, error_messages={"required": "Give the quick check a title."}
    )
    assessed_on = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Give the date it was given.", "invalid": "Use a date."},
    )
    points_possible = forms.DecimalField(
        label="Points possible (per standard)",
        min_value=Decimal("0.01"),
        max_value=Decimal("99999.99"),
        decimal_places=2,
        error_messages={"required": "Say how many points each standard is scored out of."},
    )
    standards = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one standard it assesses."},
    )

    def __init__(self, *args: Any, standards: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["standards"]).choices = standards
