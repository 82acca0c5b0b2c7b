"""No dashboard figure about fewer students than the minimum, nor one that gives one away.

A figure about fewer than ``minimum`` students is hidden. Where figures split the same
students and their total is shown elsewhere (the sections of a school, of one teacher, of one
grade; its teachers, its grades; a district's schools; the groups of one family such as sex),
hidden ones could be worked out by subtraction: the smallest shown figures of the split are
hidden too, until the hidden ones together are about at least ``minimum`` students
(complementary suppression), repeated until every split is safe. A group on its own (a
program) is hidden too when the students outside it are fewer than ``minimum``: the total less
the group would be about them.
"""

from __future__ import annotations

from collections.abc import Iterable

from masterly.trackers.selectors.dashboard_figures import Figure


def suppress(
    rows: list[Figure],
    minimum: int,
    partitions: Iterable[list[str]] | None,
    *,
    total: int | None = None,
    alone: Iterable[str] = (),
) -> list[Figure]:
    """``rows`` with every figure that must not be shown hidden (``Figure.hidden``).

    ``partitions``: lists of keys whose figures add up to a shown figure; ``alone``: keys of
    groups whose complement (``total`` less the group) is shown implicitly.
    """
    hidden = {row.key for row in rows if row.students < minimum}
    if total is not None:
        hidden |= {
            row.key for row in rows if row.key in set(alone) and total - row.students < minimum
        }
    by_key = {row.key: row for row in rows}
    # Each split's rows looked up by key: a district's sections are split by hundreds of
    # teachers, so no pass over every row per split.
    splits = [
        [by_key[key] for key in dict.fromkeys(keys) if key in by_key] for keys in partitions or ()
    ]
    changed = True
    while changed:
        changed = False
        for members in splits:
            covered = sum(row.students for row in members if row.key in hidden)
            shown = sorted(
                (row for row in members if row.key not in hidden), key=lambda row: row.students
            )
            while 0 < covered < minimum and shown:
                extra = shown.pop(0)
                hidden.add(extra.key)
                covered += extra.students
                changed = True
    return [row.hidden() if row.key in hidden else row for row in rows]
