"""No dashboard figure about fewer students than the minimum, nor one that gives one away.

A figure about fewer than ``minimum`` students is hidden. Where figures split the same
students (the sections of a school, its teachers, its grades, a district's schools, the
groups of one family such as sex), the total is shown elsewhere, so the hidden ones could be
worked out by subtraction: the smallest shown figures of the split are hidden too, until the
hidden ones together are about at least ``minimum`` students (complementary suppression).
"""

from __future__ import annotations

from masterly.trackers.selectors.dashboard_figures import Figure


def suppress(
    rows: list[Figure], minimum: int, partitions: dict[str, list[str]] | None
) -> list[Figure]:
    """``rows`` with every figure that must not be shown hidden (``Figure.hidden``)."""
    hidden = {row.key for row in rows if row.students < minimum}
    for keys in (partitions or {}).values():
        members = [row for row in rows if row.key in set(keys)]
        covered = sum(row.students for row in members if row.key in hidden)
        shown = sorted(
            (row for row in members if row.key not in hidden), key=lambda row: row.students
        )
        while 0 < covered < minimum and shown:
            extra = shown.pop(0)
            hidden.add(extra.key)
            covered += extra.students
    return [row.hidden() if row.key in hidden else row for row in rows]
