"""The policy page's form: for each setting group, whether this org sets it, whether it
locks it, and its value. It collects input; ``trackers.services.policy`` decides and writes."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from django import forms

from masterly.portals.trackers.level_rows import check_rows, level_fields, level_initial, row_level
from masterly.portals.trackers.settings_forms import TrackerSettingsForm
from masterly.trackers import policy
from masterly.trackers.models import PORTAL_DEFAULTS
from masterly.trackers.policy import Level, Resolved
from masterly.trackers.scales import scale_from_data, scale_to_data

LEVEL_ROWS = 4
OWN_LABELS = {
    policy.SCALE: "Set the mastery scale here",
    policy.CALCULATION: "Set the calculation method here",
    policy.PORTAL: "Set what students and parents see here",
}
TITLES = tuple(f"Level {row + 1}" for row in range(LEVEL_ROWS))


def _level_fields(row: int) -> dict[str, forms.Field]:
    return level_fields(row, TITLES[row], with_cut=True)


class PolicyForm(forms.Form):
    """Each group: ``own_<group>`` (this org sets it), ``lock_<group>`` and its fields."""

    mastery = forms.CharField(
        label="Abbreviation of the level that counts as mastery",
        max_length=8,
        initial="M",
        help_text="n times at mastery counts scores at or above this level.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locked_above: set[str] = set()
        self.scale_levels: list[int] = []
        for group in policy.GROUPS:
            self.fields[f"own_{group}"] = forms.BooleanField(
                label=OWN_LABELS[group], required=False
            )
            self.fields[f"lock_{group}"] = forms.BooleanField(
                label="Lock it: schools and trackers below must use it", required=False
            )
        for row in range(LEVEL_ROWS):
            self.fields.update(_level_fields(row))
        # The calculation's and portal's fields are the tracker Settings form's.
        for name in (*policy.CALCULATION_FIELDS, *PORTAL_DEFAULTS):
            self.fields[name] = copy.deepcopy(TrackerSettingsForm.base_fields[name])

    @classmethod
    def initial_for(cls, own: Level, in_force: Mapping[str, Resolved]) -> dict[str, Any]:
        """The form showing the org's own values and locks, or (unset) what it inherits."""
        values = {group: resolved.value for group, resolved in in_force.items()}
        data: dict[str, Any] = {}
        for row, level in enumerate(scale_to_data(scale_from_data(values[policy.SCALE]))):
            data.update(level_initial(row, level, with_cut=True))
            if level["is_mastery"]:
                data["mastery"] = level["abbreviation"]
        data.update(values[policy.CALCULATION])
        data.update(values[policy.PORTAL])
        for group in policy.GROUPS:
            data[f"own_{group}"] = group in own.values
            data[f"lock_{group}"] = group in own.locked
        return data

    def lock_above(self, inherited: Mapping[str, Resolved]) -> None:
        """A group a level above locked is shown as it is there, and cannot be changed."""
        self.locked_above = {group for group, resolved in inherited.items() if resolved.is_locked}
        for group in self.locked_above:
            for name in self.group_fields(group):
                self.fields[name].disabled = True

    @staticmethod
    def group_fields(group: str) -> list[str]:
        names = [f"own_{group}", f"lock_{group}"]
        if group == policy.SCALE:
            names.append("mastery")
            for row in range(LEVEL_ROWS):
                names.extend(_level_fields(row))
        elif group == policy.CALCULATION:
            names.extend(policy.CALCULATION_FIELDS)
        else:
            names.extend(PORTAL_DEFAULTS)
        return names

    def scale_rows(self) -> list[list[forms.BoundField]]:
        """The level rows' fields, for the template."""
        return [[self[name] for name in _level_fields(row)] for row in range(LEVEL_ROWS)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("own_scale") and policy.SCALE not in self.locked_above:
            rows = [row for row in range(LEVEL_ROWS) if data.get(f"level{row}_name")]
            check_rows(self, rows, TITLES, with_cut=True)
            self.scale_levels = rows
        return data

    def values(self) -> dict[str, Any]:
        """The groups this org sets (group → value), as the service takes them."""
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if not any(name == f"own_{group}" for group in self.locked_above)
        }
        chosen: dict[str, Any] = {}
        if data.get("own_scale"):
            levels = []
            for row in self.scale_levels:
                level = row_level(data, row)
                level["cut"] = str(data[f"level{row}_cut"])
                level["is_mastery"] = level["abbreviation"] == data["mastery"]
                levels.append(level)
            chosen[policy.SCALE] = levels
        if data.get("own_calculation"):
            chosen[policy.CALCULATION] = {name: data[name] for name in policy.CALCULATION_FIELDS}
        if data.get("own_portal"):
            chosen[policy.PORTAL] = {name: data[name] for name in PORTAL_DEFAULTS}
        return chosen

    def locked(self) -> set[str]:
        return {
            group
            for group in policy.GROUPS
            if self.cleaned_data.get(f"lock_{group}") and group not in self.locked_above
        }
