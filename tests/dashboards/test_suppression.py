"""Suppression: no figure about fewer students than the minimum, none worked out from others."""

from __future__ import annotations

from masterly.trackers.selectors.dashboard_figures import Figure
from masterly.trackers.selectors.suppression import suppress


def _figures(**sizes: int) -> list[Figure]:
    return [Figure(key, key, n, {"M": n}) for key, n in sizes.items()]


def _hidden(rows: list[Figure]) -> set[str]:
    return {row.key for row in rows if row.suppressed}


def test_a_small_figure_and_the_smallest_other_of_its_split_are_hidden() -> None:
    rows = suppress(_figures(a=25, b=3, c=12, d=30), 10, [["a", "b", "c", "d"]])
    assert _hidden(rows) == {"b", "c"}
    assert all(row.raw == {} for row in rows if row.suppressed)  # nothing kept to leak


def test_hiding_goes_on_until_the_hidden_ones_cover_the_minimum() -> None:
    rows = suppress(_figures(a=2, b=3, c=4, d=30, e=40), 10, [["a", "b", "c", "d", "e"]])
    assert _hidden(rows) == {"a", "b", "c", "d"}


def test_a_teachers_sections_are_protected_from_the_teachers_own_figure() -> None:
    # Teacher T teaches a (25) and b (3); U teaches c (12) and d (30). The school split alone
    # would hide b and c, leaving T's total − a = b: T's own split hides a too.
    rows = suppress(
        _figures(a=25, b=3, c=12, d=30), 10, [["a", "b", "c", "d"], ["a", "b"], ["c", "d"]]
    )
    assert {"a", "b"} <= _hidden(rows)


def test_a_group_almost_everyone_is_in_is_hidden_too() -> None:
    rows = suppress(_figures(iep=12, el=295), 10, [], total=300, alone={"iep", "el"})
    assert _hidden(rows) == {"el"}  # 300 − 295: the 5 students outside it


def test_figures_with_enough_students_are_shown_whole() -> None:
    rows = suppress(_figures(a=10, b=11), 10, [["a", "b"]])
    assert _hidden(rows) == set()
    assert rows[0].raw == {"M": 10}
