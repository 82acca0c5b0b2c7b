"""The district → school → tracker rule, over every combination of values and locks."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from masterly.trackers.policy import BUILT_IN, GROUPS, SCALE, Level, resolve, resolve_all

DISTRICT, SCHOOL, TRACKER = "the district", "Adams Middle", "this tracker"


def levels(district: tuple[bool, bool], school: tuple[bool, bool], own: bool) -> list[Level]:
    """Each org: (sets a value, locks); the tracker: sets a value. Values name their level."""

    def level(name: str, sets: bool, locks: bool) -> Level:
        return Level(name, {SCALE: name} if sets else {}, frozenset({SCALE} if locks else set()))

    return [level(DISTRICT, *district), level(SCHOOL, *school), level(TRACKER, own, False)]


def expected(district: tuple[bool, bool], school: tuple[bool, bool], own: bool) -> str | None:
    """The rule written out as PRODUCT.md says it, level by level."""
    if district[1]:  # the district locked it: its value (or the built-in one)
        return DISTRICT if district[0] else None
    if school[1]:
        return SCHOOL if school[0] else (DISTRICT if district[0] else None)
    if own:
        return TRACKER
    if school[0]:
        return SCHOOL
    return DISTRICT if district[0] else None


def test_every_combination_of_values_and_locks() -> None:
    flags = [False, True]
    for d_sets, d_locks, s_sets, s_locks, own in itertools.product(flags, repeat=5):
        case = ((d_sets, d_locks), (s_sets, s_locks), own)
        resolved = resolve(SCALE, levels(*case))
        source = expected(*case)
        assert resolved.source == source, case
        assert resolved.value == (BUILT_IN[SCALE] if source is None else source), case
        locker = DISTRICT if d_locks else SCHOOL if s_locks else None
        assert resolved.locked_by == locker, case


@st.composite
def chains(draw: st.DrawFn) -> list[Level]:
    count = draw(st.integers(min_value=0, max_value=4))
    return [
        Level(
            f"level {n}",
            draw(st.dictionaries(st.sampled_from(GROUPS), st.integers(), max_size=3)),
            frozenset(draw(st.sets(st.sampled_from(GROUPS)))),
        )
        for n in range(count)
    ]


@given(chains())
def test_a_lock_freezes_the_value_in_force_where_it_was_set(chain: list[Level]) -> None:
    for group, resolved in resolve_all(chain).items():
        lockers = [n for n, level in enumerate(chain) if group in level.locked]
        if lockers:
            first = lockers[0]
            assert resolved.locked_by == chain[first].name
            # Nothing below the lock changes the value: it is the value in force there.
            assert resolved == resolve(group, chain[: first + 1])
        else:
            setters = [level for level in chain if group in level.values]
            assert resolved.value == (setters[-1].values[group] if setters else BUILT_IN[group])
            assert not resolved.is_locked
