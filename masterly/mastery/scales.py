"""Mastery scales: levels, their cut scores, names, abbreviations and colours.

A scale is listed from the top level down. Each level's ``cut`` is the lowest percentage of
the maximum that reaches it (Mastery ≥ 80 %), so the bottom level's cut is 0 and every score
lands on exactly one level. "Not assessed" (NS) sits outside the cuts: it is the level of
"no score".

Colour is never the only signal (every cell also shows its abbreviation or score), but the
colours live here so that the grid, reports and PDFs agree.
"""

from __future__ import annotations

import decimal
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

from .errors import ScaleError
from .rounding import CONTEXT, NumberLike, format_number, to_decimal


class ColourMode(StrEnum):
    """How levels are coloured: the tracker's toggle, plus a colour-blind-safe palette."""

    TRAFFIC_LIGHT = "traffic_light"
    SKITTLES = "skittles"
    COLOUR_BLIND_SAFE = "colour_blind_safe"


_HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


@dataclass(frozen=True, slots=True)
class LevelColours:
    """One level's colour in each :class:`ColourMode`, as ``#RRGGBB``."""

    traffic_light: str
    skittles: str
    colour_blind_safe: str

    def __post_init__(self) -> None:
        for mode in ColourMode:
            colour = getattr(self, mode.value)
            if not isinstance(colour, str) or not _HEX_COLOUR.fullmatch(colour):
                raise ScaleError(f"{mode.value} colour must look like #1A2B3C (got {colour!r})")

    def for_mode(self, mode: ColourMode | str) -> str:
        """The colour for ``mode`` (a :class:`ColourMode` or its string value)."""
        try:
            chosen = ColourMode(mode)
        except ValueError:
            allowed = ", ".join(m.value for m in ColourMode)
            raise ScaleError(f"colour mode must be one of {allowed} (got {mode!r})") from None
        colour: str = getattr(self, chosen.value)
        return colour


@dataclass(frozen=True, slots=True)
class Level:
    """A mastery level: "Mastery" (M), reached from ``cut`` percent of the maximum upwards."""

    name: str
    abbreviation: str
    cut: Decimal
    colours: LevelColours

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ScaleError("every level needs a name (for example 'Mastery')")
        if not isinstance(self.abbreviation, str) or not self.abbreviation.strip():
            raise ScaleError(f"level {self.name!r} needs an abbreviation (for example 'M')")
        cut = to_decimal(self.cut, f"the cut score of {self.name}", ScaleError)
        if not Decimal(0) <= cut <= Decimal(100):
            raise ScaleError(
                f"the cut score of {self.name} must be between 0 and 100 percent "
                f"(got {format_number(cut)})"
            )
        object.__setattr__(self, "cut", cut)

    def colour(self, mode: ColourMode | str) -> str:
        """This level's colour in ``mode``."""
        return self.colours.for_mode(mode)


NOT_ASSESSED = Level(
    "Not assessed", "NS", Decimal(0), LevelColours("#9E9E9E", "#9E9E9E", "#BBBBBB")
)
"""The level of "no score": no evidence yet (or, for n_mastery, not yet n times at mastery)."""


@dataclass(frozen=True, slots=True)
class Scale:
    """Levels from the top down, which one is "mastery", and the not-assessed level."""

    levels: tuple[Level, ...]
    mastery: str = "M"
    not_assessed: Level = field(default=NOT_ASSESSED)

    def __post_init__(self) -> None:
        levels = tuple(self.levels)
        object.__setattr__(self, "levels", levels)
        if len(levels) < 2:
            raise ScaleError("a scale needs at least two levels (for example Mastery and below)")
        for upper, lower in itertools.pairwise(levels):
            if not lower.cut < upper.cut:
                raise ScaleError(
                    "cut scores must go strictly down from the top level: "
                    f"{lower.name} ({format_number(lower.cut)}) is not below "
                    f"{upper.name} ({format_number(upper.cut)})"
                )
        if levels[-1].cut != 0:
            raise ScaleError(
                f"the lowest level ({levels[-1].name}) must start at 0 so every score has a level "
                f"(got {format_number(levels[-1].cut)})"
            )
        abbreviations = [level.abbreviation for level in (*levels, self.not_assessed)]
        repeated = sorted({a for a in abbreviations if abbreviations.count(a) > 1})
        if repeated:
            raise ScaleError(f"level abbreviations must be unique; repeated: {', '.join(repeated)}")
        if self.mastery not in abbreviations[:-1]:
            raise ScaleError(
                f"the mastery level {self.mastery!r} must be one of the scale's levels "
                f"({', '.join(abbreviations[:-1])})"
            )

    @property
    def mastery_level(self) -> Level:
        """The level whose cut counts as "at mastery" (used by ``n_mastery``)."""
        return self.level_by_abbreviation(self.mastery)

    def level_by_abbreviation(self, abbreviation: str) -> Level:
        """The level (or the not-assessed level) with this abbreviation."""
        for level in (*self.levels, self.not_assessed):
            if level.abbreviation == abbreviation:
                return level
        known = ", ".join(level.abbreviation for level in (*self.levels, self.not_assessed))
        raise ScaleError(f"no level {abbreviation!r} in this scale; the levels are {known}")

    def level_for(self, value: Decimal | None, maximum: Decimal = Decimal(100)) -> Level:
        """The level of ``value`` on a 0..``maximum`` scale; ``None`` → not assessed.

        Compares ``value × 100 ≥ cut × maximum`` rather than dividing, so a score exactly on
        a cut (3.2 of 4 = 80 %) is never pushed below it by a rounding error.
        """
        if value is None:
            return self.not_assessed
        with decimal.localcontext(CONTEXT):
            for level in self.levels:
                if value * 100 >= level.cut * maximum:
                    return level
        return self.levels[-1]  # only reached for a negative value, which evidence forbids

    def rank(self, level: Level) -> int:
        """0 for the top level, 1 for the next… (the not-assessed level ranks last)."""
        if level in self.levels:
            return self.levels.index(level)
        return len(self.levels)

    def level_above(self, level: Level) -> Level | None:
        """The next level up, or None for the top level."""
        position = self.rank(level)
        return self.levels[position - 1] if 0 < position < len(self.levels) else None


# Colours. Traffic light: red, yellow, green (+ blue on top of four). Skittles: one distinct
# hue per level. Colour-blind safe: Okabe–Ito, distinguishable with any colour-vision type.
_ADVANCED = LevelColours("#1565C0", "#7B1FA2", "#0072B2")
_MASTERY = LevelColours("#2E7D32", "#00897B", "#009E73")
_NEAR_MASTERY = LevelColours("#F9A825", "#F57C00", "#F0E442")
_REMEDIATION = LevelColours("#C62828", "#D81B60", "#D55E00")

ADVANCED = Level("Advanced", "A", Decimal(90), _ADVANCED)
MASTERY = Level("Mastery", "M", Decimal(80), _MASTERY)
NEAR_MASTERY = Level("Near Mastery", "NM", Decimal(50), _NEAR_MASTERY)
REMEDIATION = Level("Remediation", "R", Decimal(0), _REMEDIATION)

THREE_LEVEL_SCALE = Scale((MASTERY, NEAR_MASTERY, REMEDIATION))
"""The usual default: Mastery ≥ 80 %, Near Mastery 50–79.99 %, Remediation < 50 %."""

FOUR_LEVEL_SCALE = Scale((ADVANCED, MASTERY, NEAR_MASTERY, REMEDIATION))
"""Adds Advanced ≥ 90 % on top of the three-level scale."""

_LEVELS_BY_CUT_COUNT: dict[int, tuple[Level, ...]] = {
    1: (MASTERY, REMEDIATION),
    2: (MASTERY, NEAR_MASTERY, REMEDIATION),
    3: (ADVANCED, MASTERY, NEAR_MASTERY, REMEDIATION),
}


def scale_from_cuts(cuts: Sequence[NumberLike]) -> Scale:
    """A scale from its cut scores, top level first, as percentages.

    ``80,50`` → Mastery, Near Mastery, Remediation; ``90,80,50`` → Advanced, Mastery, Near
    Mastery, Remediation; ``80`` → Mastery, Remediation. Other counts have no agreed names, so
    they are refused rather than named arbitrarily.
    """
    values = [to_decimal(cut, "a cut score", ScaleError) for cut in cuts]
    template = _LEVELS_BY_CUT_COUNT.get(len(values))
    if template is None:
        raise ScaleError(
            f"give 1 to 3 cut scores, top level first, as percentages "
            f"(for example 80,50 or 90,80,50); got {len(values)}"
        )
    for value in values:
        if not Decimal(0) < value <= Decimal(100):
            raise ScaleError(f"cut scores must be above 0 and at most 100 (got {value})")
    levels = [replace(level, cut=cut) for level, cut in zip(template, values, strict=False)]
    return Scale((*levels, template[-1]))


def readable_text_colour(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` (WCAG relative luminance).

    Lets the grid write the abbreviation on a coloured cell and stay legible (WCAG 2.2 AA).
    """
    if not _HEX_COLOUR.fullmatch(background):
        raise ScaleError(f"a colour must look like #1A2B3C (got {background!r})")

    def channel(hex_pair: str) -> float:
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(background[i : i + 2]) for i in (1, 3, 5))
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"
