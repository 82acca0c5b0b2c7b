"""District → school → tracker policy: which value of each setting group a tracker uses.

A setting *group* is set (or not) and locked (or not) as one: the scale (levels, names,
abbreviations, colours, cut scores), the calculation (method and its parameters) and the
portal defaults (what students and parents see). Each level (the district, a school, the
tracker) may give its own value of a group; the district and a school may also lock a group,
so the levels under them use the value in force at theirs.

:func:`resolve` is the one rule, on plain data (no database): walk down from the district;
a level's own value wins until a level above has locked the group, and a lock freezes the
value in force where it was set (its own, or what it inherited). With no value anywhere the
built-in default applies. Callers read the policies (``selectors.policy``) and store the
result in the tracker's setting columns (``services.policy``), so the grid, the rollups and
the portals read one tracker row as before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from masterly.mastery import DEFAULT_DECAY, DEFAULT_METHOD, DEFAULT_N, DEFAULT_WEIGHT

SCALE = "scale"
CALCULATION = "calculation"
PORTAL = "portal"
GROUPS = (SCALE, CALCULATION, PORTAL)
GROUP_NAMES = {
    SCALE: "mastery scale",
    CALCULATION: "calculation method",
    PORTAL: "what students and parents see",
}
CALCULATION_FIELDS = ("method", "decay", "weight", "n_mastery")
PORTAL_DEFAULT_VALUES = {
    "portal_scores": "always",
    "portal_assessments": "after_all",
    "portal_answer_key": "never",
    "portal_item_analysis": "never",
}
# The built-in values, in the stored shape (a scale of ``None`` is the three-level default).
BUILT_IN: dict[str, Any] = {
    SCALE: None,
    CALCULATION: {
        "method": DEFAULT_METHOD,
        "decay": str(Decimal(str(DEFAULT_DECAY))),
        "weight": str(Decimal(str(DEFAULT_WEIGHT))),
        "n_mastery": DEFAULT_N,
    },
    PORTAL: dict(PORTAL_DEFAULT_VALUES),
}


@dataclass(frozen=True)
class Level:
    """One level's part: its name for people (``"the district"``, ``"Lincoln Middle"``), its
    own values (group → value; a group left out is inherited) and the groups it locks."""

    name: str
    values: Mapping[str, Any]
    locked: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Resolved:
    """A group's value in force, the level it comes from (``None``: built in) and the level
    that locked it (``None``: not locked above the last level resolved)."""

    value: Any
    source: str | None
    locked_by: str | None

    @property
    def is_locked(self) -> bool:
        return self.locked_by is not None


def resolve(group: str, levels: Sequence[Level]) -> Resolved:
    """The value of ``group`` in force at the last of ``levels`` (given top down)."""
    value, source, locked_by = BUILT_IN[group], None, None
    for level in levels:
        if locked_by is not None:
            break
        if group in level.values:
            value, source = level.values[group], level.name
        if group in level.locked:
            locked_by = level.name
    return Resolved(value, source, locked_by)


def resolve_all(levels: Sequence[Level]) -> dict[str, Resolved]:
    """Every group resolved at the last of ``levels``."""
    return {group: resolve(group, levels) for group in GROUPS}


def inherited(levels: Sequence[Level]) -> dict[str, Resolved]:
    """What the last of ``levels`` would inherit: every group resolved at the level above it
    (its own values ignored; a lock above still says who locked it)."""
    return resolve_all(levels[:-1])
