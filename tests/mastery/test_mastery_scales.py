"""Scales: levels, cut scores, colours; validated with clear errors."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masterly.mastery import (
    FOUR_LEVEL_SCALE,
    NOT_ASSESSED,
    THREE_LEVEL_SCALE,
    ColourMode,
    Level,
    LevelColours,
    Scale,
    ScaleError,
    readable_text_colour,
    scale_from_cuts,
)
from masterly.mastery.scales import MASTERY, NEAR_MASTERY, REMEDIATION

D = Decimal
GREY = LevelColours("#888888", "#888888", "#888888")


def abbreviations(scale: Scale) -> list[str]:
    return [level.abbreviation for level in scale.levels]


def test_the_default_three_level_scale() -> None:
    assert abbreviations(THREE_LEVEL_SCALE) == ["M", "NM", "R"]
    assert [level.cut for level in THREE_LEVEL_SCALE.levels] == [D(80), D(50), D(0)]
    assert [level.name for level in THREE_LEVEL_SCALE.levels] == [
        "Mastery",
        "Near Mastery",
        "Remediation",
    ]
    assert THREE_LEVEL_SCALE.not_assessed.abbreviation == "NS"
    assert THREE_LEVEL_SCALE.not_assessed.name == "Not assessed"


def test_the_four_level_scale_adds_advanced() -> None:
    assert abbreviations(FOUR_LEVEL_SCALE) == ["A", "M", "NM", "R"]
    assert FOUR_LEVEL_SCALE.levels[0].cut == D(90)
    assert FOUR_LEVEL_SCALE.mastery_level.cut == D(80)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("80", "M"), ("79.99", "NM"), ("50", "NM"), ("49.99", "R"), ("0", "R"), ("100", "M")],
)
def test_cut_scores_on_percentages(value: str, expected: str) -> None:
    assert THREE_LEVEL_SCALE.level_for(D(value)).abbreviation == expected


def test_cut_scores_on_another_maximum() -> None:
    assert THREE_LEVEL_SCALE.level_for(D("3.2"), D(4)).abbreviation == "M"
    assert THREE_LEVEL_SCALE.level_for(D("3.19"), D(4)).abbreviation == "NM"
    assert FOUR_LEVEL_SCALE.level_for(D("3.6"), D(4)).abbreviation == "A"
    assert THREE_LEVEL_SCALE.level_for(None).abbreviation == "NS"


def test_a_negative_value_lands_on_the_bottom_level() -> None:
    # Evidence cannot be negative; the scale still answers rather than fail.
    assert THREE_LEVEL_SCALE.level_for(D(-1)).abbreviation == "R"


def test_traffic_light_colours() -> None:
    three = [level.colour(ColourMode.TRAFFIC_LIGHT) for level in THREE_LEVEL_SCALE.levels]
    assert three == ["#2E7D32", "#F9A825", "#C62828"]  # green, yellow, red
    assert FOUR_LEVEL_SCALE.levels[0].colour("traffic_light") == "#1565C0"  # blue on top


@pytest.mark.parametrize("mode", list(ColourMode))
def test_every_mode_gives_each_level_a_distinct_colour(mode: ColourMode) -> None:
    levels = (*FOUR_LEVEL_SCALE.levels, NOT_ASSESSED)
    colours = [level.colour(mode) for level in levels]
    assert len(set(colours)) == len(colours)


def test_an_unknown_colour_mode_is_refused() -> None:
    with pytest.raises(ScaleError, match="colour mode must be one of traffic_light, skittles"):
        MASTERY.colour("rainbow")


def test_a_colour_must_be_hex() -> None:
    with pytest.raises(ScaleError, match="skittles colour must look like #1A2B3C"):
        LevelColours("#000000", "pink", "#000000")


@pytest.mark.parametrize(
    ("background", "text"),
    [
        ("#F9A825", "#000000"),
        ("#F0E442", "#000000"),
        ("#1565C0", "#FFFFFF"),
        ("#000000", "#FFFFFF"),
    ],
)
def test_readable_text_colour(background: str, text: str) -> None:
    assert readable_text_colour(background) == text


def _luminance(colour: str) -> float:
    def channel(pair: str) -> float:
        c = int(pair, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


@given(st.integers(min_value=0, max_value=0xFFFFFF))
def test_any_colour_gets_text_readable_at_aa(value: int) -> None:
    """Why a level's colour needs no contrast check: its text always reaches 4.5:1."""
    background = f"#{value:06X}"
    text = readable_text_colour(background)
    lighter, darker = sorted((_luminance(background), _luminance(text)), reverse=True)
    assert (lighter + 0.05) / (darker + 0.05) >= 4.5


def test_readable_text_colour_needs_a_hex_colour() -> None:
    with pytest.raises(ScaleError, match="must look like"):
        readable_text_colour("red")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"name": " "}, "every level needs a name"),
        ({"abbreviation": ""}, "needs an abbreviation"),
        ({"cut": D(101)}, "must be between 0 and 100 percent"),
        ({"cut": D(-1)}, "must be between 0 and 100 percent"),
        ({"cut": "x"}, "the cut score of Mastery must be a number"),
    ],
)
def test_bad_levels_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ScaleError, match=message):
        replace(MASTERY, **kwargs)  # type: ignore[arg-type]


def test_cuts_must_go_strictly_down() -> None:
    with pytest.raises(ScaleError, match="strictly down"):
        Scale((MASTERY, replace(NEAR_MASTERY, cut=D(80)), REMEDIATION))


def test_the_bottom_level_starts_at_zero() -> None:
    with pytest.raises(ScaleError, match="must start at 0"):
        Scale((MASTERY, NEAR_MASTERY))


def test_a_scale_needs_two_levels() -> None:
    with pytest.raises(ScaleError, match="at least two levels"):
        Scale((REMEDIATION,))


def test_abbreviations_must_be_unique() -> None:
    with pytest.raises(ScaleError, match="repeated: M"):
        Scale((MASTERY, replace(NEAR_MASTERY, abbreviation="M"), REMEDIATION))
    with pytest.raises(ScaleError, match="repeated: NS"):
        Scale((MASTERY, replace(REMEDIATION, abbreviation="NS")))


def test_the_mastery_level_must_be_in_the_scale() -> None:
    with pytest.raises(ScaleError, match="the mastery level 'X' must be one of"):
        Scale((MASTERY, REMEDIATION), mastery="X")


def test_a_custom_scale() -> None:
    scale = Scale(
        (
            Level("Exceeds", "E", D(85), GREY),
            Level("Meets", "ME", D(70), GREY),
            Level("Not yet", "NY", D(0), GREY),
        ),
        mastery="ME",
    )
    assert scale.level_for(D(70)).abbreviation == "ME"
    assert scale.mastery_level.name == "Meets"
    assert scale.level_by_abbreviation("NS") is scale.not_assessed
    with pytest.raises(
        ScaleError, match="no level 'M' in this scale; the levels are E, ME, NY, NS"
    ):
        scale.level_by_abbreviation("M")


def test_rank_and_level_above() -> None:
    assert THREE_LEVEL_SCALE.rank(MASTERY) == 0
    assert THREE_LEVEL_SCALE.rank(NOT_ASSESSED) == 3
    assert THREE_LEVEL_SCALE.level_above(REMEDIATION) == NEAR_MASTERY
    assert THREE_LEVEL_SCALE.level_above(MASTERY) is None
    assert THREE_LEVEL_SCALE.level_above(NOT_ASSESSED) is None


@pytest.mark.parametrize(
    ("cuts", "expected"),
    [
        (["80"], ["M", "R"]),
        ([80, 50], ["M", "NM", "R"]),
        (["90", "80", "50"], ["A", "M", "NM", "R"]),
    ],
)
def test_scale_from_cuts(cuts: list[object], expected: list[str]) -> None:
    scale = scale_from_cuts(cuts)  # type: ignore[arg-type]
    assert abbreviations(scale) == expected
    assert [level.cut for level in scale.levels[:-1]] == [D(str(c)) for c in cuts]


def test_scale_from_cuts_with_other_values() -> None:
    scale = scale_from_cuts(["75", "40"])
    assert scale.level_for(D(75)).abbreviation == "M"
    assert scale.level_for(D("39.9")).abbreviation == "R"


@pytest.mark.parametrize(
    ("cuts", "message"),
    [
        ([], "give 1 to 3 cut scores"),
        (["95", "90", "80", "50"], "give 1 to 3 cut scores"),
        (["0"], "above 0 and at most 100"),
        (["120", "50"], "above 0 and at most 100"),
        (["50", "80"], "strictly down"),
        (["abc"], "a cut score must be a number"),
    ],
)
def test_bad_cuts_are_refused(cuts: list[str], message: str) -> None:
    with pytest.raises(ScaleError, match=message):
        scale_from_cuts(cuts)
