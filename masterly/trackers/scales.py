"""A tracker's own mastery scale as JSON, and back to the engine's :class:`Scale`.

The stored shape is a list of levels from the top down::

    [{"name": "Mastery", "abbreviation": "M", "cut": "80", "is_mastery": true,
      "colours": {"traffic_light": "#2E7D32", "skittles": "#00897B",
                  "colour_blind_safe": "#009E73"}},
     {"name": "Near Mastery", "abbreviation": "NM", "cut": "50"},
     {"name": "Remediation", "abbreviation": "R", "cut": "0"}]

``colours`` may be left out (the default colours of a level with that abbreviation, else
grey); ``is_mastery`` marks the level n-times-at-mastery counts (default: the level "M").
``None`` means the district default, the three-level scale.
"""

from __future__ import annotations

from typing import Any

from masterly.mastery import (
    FOUR_LEVEL_SCALE,
    THREE_LEVEL_SCALE,
    Level,
    LevelColours,
    Scale,
    ScaleError,
)

DEFAULT_SCALE = THREE_LEVEL_SCALE
_DEFAULT_COLOURS = {level.abbreviation: level.colours for level in FOUR_LEVEL_SCALE.levels}
_GREY = LevelColours("#757575", "#757575", "#757575")


def scale_from_data(data: Any) -> Scale:
    """The engine's scale from the stored JSON (``None`` → the three-level default).

    Raises :class:`~masterly.mastery.ScaleError` with a message naming what is wrong.
    """
    if data is None:
        return DEFAULT_SCALE
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ScaleError("a scale must be a list of levels, each with a name, abbreviation and cut")
    levels: list[Level] = []
    mastery = ""
    for item in data:
        missing = [key for key in ("name", "abbreviation", "cut") if key not in item]
        if missing:
            raise ScaleError(f"each level needs {', '.join(missing)} (level {item!r})")
        abbreviation = item["abbreviation"]
        colours = item.get("colours")
        if colours is None:
            palette = _DEFAULT_COLOURS.get(abbreviation, _GREY)
        elif isinstance(colours, dict):
            try:
                palette = LevelColours(**colours)
            except TypeError:
                raise ScaleError(
                    "colours must give traffic_light, skittles and colour_blind_safe"
                ) from None
        else:
            raise ScaleError(f"colours must be an object (got {colours!r})")
        levels.append(Level(item["name"], abbreviation, item["cut"], palette))
        if item.get("is_mastery"):
            mastery = abbreviation
    return Scale(tuple(levels), mastery=mastery or "M")


def scale_to_data(scale: Scale) -> list[dict[str, Any]]:
    """The stored JSON of ``scale`` (the inverse of :func:`scale_from_data`)."""
    return [
        {
            "name": level.name,
            "abbreviation": level.abbreviation,
            "cut": str(level.cut),
            "is_mastery": level.abbreviation == scale.mastery,
            "colours": {
                "traffic_light": level.colours.traffic_light,
                "skittles": level.colours.skittles,
                "colour_blind_safe": level.colours.colour_blind_safe,
            },
        }
        for level in scale.levels
    ]
