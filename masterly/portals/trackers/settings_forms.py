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
    FOUR_LEVEL_SCALE,
    WEIGHT_RANGE,
    Level,
    LevelColours,
    MasteryError,
    Scale,
)
from masterly.portals.trackers.level_rows import check_rows, level_fields, level_initial, row_level
from masterly.trackers import policy
from masterly.trackers.models import PORTAL_DEFAULTS, PortalShow, Tracker
from masterly.trackers.policy import Resolved
from masterly.trackers.scales import DEFAULT_SCALE, scale_to_data
from masterly.trackers.services.calculation import KEEP, Keep

# The Settings page's level rows, top down: with 3 levels the first is left out. Named by
# their place, as the teacher may have renamed every level.
ROW_TITLES = ("Level above mastery", "Mastery level", "Level below mastery", "Lowest level")
ROW_CUTS = ("cut_advanced", "cut_mastery", "cut_near", None)  # the lowest starts at 0
ROW_CUT_FIELDS = {row: name for row, name in enumerate(ROW_CUTS) if name}
ROW_FIELDS = tuple(name for row in range(4) for name in level_fields(row, "", with_cut=False))


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
        policy.SCALE: ("levels", "cut_advanced", "cut_mastery", "cut_near", *ROW_FIELDS),
        policy.CALCULATION: ("method", "decay", "weight", "n_mastery"),
        policy.PORTAL: tuple(PORTAL_DEFAULTS),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for row, title in enumerate(ROW_TITLES):
            self.fields.update(level_fields(row, title, with_cut=False))
        self.locked_by: dict[str, str] = {}
        self.scale: Scale | None = None  # set by clean() unless the policy's is followed

    def apply_policy(
        self, inherited: Mapping[str, Resolved], own: Collection[str], sources: Mapping[str, str]
    ) -> None:
        """Label each group's "follow" box with where the value comes from (``sources``:
        group → a phrase); a group locked above is shown, disabled, as it is in force."""
        for group, fields in self.GROUP_FIELDS.items():
            box = self.fields[f"follow_{group}"]
            box.label = f"Use {sources[group]}"
            box.initial = group not in own
            locked_by = inherited[group].locked_by
            if locked_by is not None:
                self.locked_by[group] = locked_by
                box.disabled, box.initial = True, True
                for name in fields:
                    self.fields[name].disabled = True

    def scale_rows(self) -> list[dict[str, Any]]:
        """The level rows for the template: each one's title, its cut field (``None`` for
        the lowest, which starts at 0) and its other fields."""
        return [
            {
                "title": title,
                "cut": self[cut] if cut else None,
                "fields": [self[name] for name in self.fields if name.startswith(f"level{row}_")],
            }
            for row, (title, cut) in enumerate(zip(ROW_TITLES, ROW_CUTS, strict=True))
        ]

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
        if self._refuse_locked_changes():
            return data
        if policy.SCALE in self.followed():
            # The policy's scale is followed as it is, whatever its number of levels (a
            # district's two, which these rows cannot show): nothing to check or store here.
            self.scale = None
            return data
        rows = [1, 2, 3]
        if data.get("levels") == 4:
            if data.get("cut_advanced") is None:
                self.add_error("cut_advanced", "With 4 levels, give the score Advanced starts at.")
            rows.insert(0, 0)
        check_rows(self, rows, ROW_TITLES, with_cut=False)
        cuts: list[Decimal | None] = [data.get(ROW_CUT_FIELDS[row]) for row in rows[:-1]]
        if any(name.startswith("level") for name in self.errors):
            return data
        levels = []
        for row, cut in zip(rows, [*cuts, Decimal(0)], strict=True):
            if cut is None:
                return data  # its field says what is missing
            level = row_level(data, row)
            colours = LevelColours(**level["colours"])
            levels.append(Level(level["name"], level["abbreviation"], cut, colours))
        # The mastery level keeps the row the shown scale has it in (a policy may make any
        # level mastery), unless the number of levels changed: then the one above "below
        # mastery".
        mastery = levels[-3].abbreviation
        shown = self.initial.get("mastery_row")
        if shown in rows and data.get("levels") == self.initial.get("levels"):
            mastery = levels[rows.index(shown)].abbreviation
        try:
            self.scale = Scale(tuple(levels), mastery=mastery)
        except MasteryError as error:
            text = str(error)
            self.add_error("cut_mastery", f"{text[:1].upper()}{text[1:]}.")
        return data

    def _refuse_locked_changes(self) -> bool:
        """A group locked above keeps its value; a post changing it anyway (a page opened
        before the lock) is refused in words rather than quietly ignored."""
        refused = False
        for group, locked_by in self.locked_by.items():
            moved = [name for name in self.GROUP_FIELDS[group] if self._posted_change(name)]
            if moved:
                self.add_error(
                    moved[0],
                    f"The {policy.GROUP_NAMES[group]} is locked by {locked_by}; "
                    "ask them to change it.",
                )
                refused = True
        return refused

    def _posted_change(self, name: str) -> bool:
        """Whether the post gives the (disabled) field another value than it shows."""
        field = self.fields[name]
        posted = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        if posted is None:  # a disabled input is not posted at all
            return False
        try:
            shown = field.to_python(self.get_initial_for_field(field, name))
            return bool(field.to_python(posted) != shown)
        except forms.ValidationError:
            return True

    def scale_data(self) -> list[dict[str, Any]] | Keep:
        """The scale to store as the tracker's own (``KEEP`` while it follows the policy's)."""
        return KEEP if self.scale is None else scale_to_data(self.scale)


def scale_initial(scale: Scale) -> dict[str, Any]:
    """The scale's levels in the form's rows, counted from the bottom (with 3 levels the
    first row shows the built-in Advanced level, for a teacher who chooses 4)."""
    levels = scale_to_data(scale)
    four = len(levels) >= 4
    rows = [
        levels[0] if four else scale_to_data(FOUR_LEVEL_SCALE)[0],
        levels[-3] if len(levels) >= 3 else levels[0],
        levels[-2],
        levels[-1],
    ]
    data: dict[str, Any] = {
        "levels": 4 if four else 3,
        # Not a field: the row of the mastery level, which a rename keeps (``clean``).
        "mastery_row": next((row for row, level in enumerate(rows) if level["is_mastery"]), None),
        "cut_advanced": Decimal(rows[0]["cut"]) if four else None,
        "cut_mastery": Decimal(rows[1]["cut"]),
        "cut_near": Decimal(rows[2]["cut"]),
    }
    for row, level in enumerate(rows):
        data.update(level_initial(row, level, with_cut=False))
    return data


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
