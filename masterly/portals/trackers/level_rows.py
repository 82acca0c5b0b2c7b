"""A mastery scale's levels as rows of a form: each level's name, abbreviation and colour in
each colour mode (and, on the policy page, the score it starts at).

The district's and a school's policy page and a tracker's Settings page enter and check a
level the same way through these, so a level refused on one is refused, in the same words,
on the other. Any colour is readable: cells write their abbreviation in black or white,
whichever contrasts more (``readable_text_colour``, at least 4.5:1), so colours are checked
for their form only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

from masterly.mastery import NOT_ASSESSED, Scale

COLOUR_PATTERN = r"^#[0-9A-Fa-f]{6}$"
COLOUR_MESSAGES = {"invalid": "Give a colour as # and six hex digits, like #2E7D32."}
COLOUR_MODES = (
    ("traffic_light", "traffic light"),
    ("skittles", "skittles"),
    ("colour_blind_safe", "colour-blind safe"),
)


def level_fields(row: int, title: str, *, with_cut: bool) -> dict[str, forms.Field]:
    """The fields of one row (``level<row>_name``…), labelled "<title> name"…."""
    fields: dict[str, forms.Field] = {
        f"level{row}_name": forms.CharField(label=f"{title} name", max_length=40, required=False),
        f"level{row}_abbreviation": forms.CharField(
            label=f"{title} abbreviation", max_length=8, required=False
        ),
    }
    if with_cut:
        fields[f"level{row}_cut"] = forms.DecimalField(
            label=f"{title} from (%)", min_value=0, max_value=100, decimal_places=2, required=False
        )
    for mode, label in COLOUR_MODES:
        fields[f"level{row}_{mode}"] = forms.RegexField(
            regex=COLOUR_PATTERN,
            label=f"{title} colour ({label})",
            required=False,
            error_messages=COLOUR_MESSAGES,
            widget=forms.TextInput(attrs={"size": 8, "spellcheck": "false"}),
        )
    return fields


def level_initial(row: int, level: Mapping[str, Any], *, with_cut: bool) -> dict[str, Any]:
    """A row's initial values from a level in the stored shape (``scales.scale_to_data``)."""
    data = {
        f"level{row}_name": level["name"],
        f"level{row}_abbreviation": level["abbreviation"],
        **{f"level{row}_{mode}": colour for mode, colour in level["colours"].items()},
    }
    if with_cut:
        data[f"level{row}_cut"] = level["cut"]
    return data


def check_rows(
    form: forms.Form, rows: Sequence[int], titles: Sequence[str], *, with_cut: bool
) -> None:
    """Add an error to ``form`` for each row of ``rows`` missing a part, and for each
    abbreviation another row (or "not assessed") already has: the grid tells levels apart by it."""
    data = form.cleaned_data
    parts = ("name", "abbreviation", *(("cut",) if with_cut else ()), "traffic_light")
    for row in rows:
        for part in parts:
            name = f"level{row}_{part}"
            if data.get(name) in (None, "") and name not in form.errors:  # not already refused
                form.add_error(name, f"{titles[row]} needs its {part.replace('_', ' ')}.")
    seen = {NOT_ASSESSED.abbreviation}
    for row in rows:
        abbreviation = (data.get(f"level{row}_abbreviation") or "").strip()
        if abbreviation and abbreviation in seen:
            form.add_error(
                f"level{row}_abbreviation",
                f"Level abbreviations must be unique; repeated: {abbreviation}.",
            )
        seen.add(abbreviation)


def row_level(data: Mapping[str, Any], row: int) -> dict[str, Any]:
    """A checked row's name, abbreviation and colours (skittles and colour-blind safe, left
    empty, take the traffic-light colour)."""
    light = data[f"level{row}_traffic_light"]
    return {
        "name": data[f"level{row}_name"].strip(),
        "abbreviation": data[f"level{row}_abbreviation"].strip(),
        "colours": {
            "traffic_light": light,
            "skittles": data[f"level{row}_skittles"] or light,
            "colour_blind_safe": data[f"level{row}_colour_blind_safe"] or light,
        },
    }


def scale_summary(scale: Scale) -> str:
    """The scale in words: "Mastery (M) from 80 %, Near Mastery (NM) from 50 %, …"."""
    return ", ".join(
        f"{level.name} ({level.abbreviation}) from {level.cut:g} %" for level in scale.levels
    )
