"""What to work on next, from the learning progressions (``precedes`` associations).

Within the tracker: a standard not yet mastered is *ready* when every prerequisite of it in
the tracker is mastered (or it has none there), and a standard not yet mastered *holds back*
the standards of the tracker it precedes. Prerequisites outside the tracker are background
to review, never blockers: the student may not have been assessed on them here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from masterly.mastery import Scale
from masterly.standards.models import Association
from masterly.standards.packages import PRECEDES

if TYPE_CHECKING:
    from masterly.trackers.selectors.student_mastery import StandardMastery


@dataclass
class Prerequisite:
    code: str
    statement: str


@dataclass
class NextSteps:
    """Standards ready to learn, those holding others back, prerequisites to review."""

    ready: list[StandardMastery]
    holding_back: list[tuple[StandardMastery, list[StandardMastery]]]
    background: list[tuple[StandardMastery, list[Prerequisite]]]


def _is_mastered(standard: StandardMastery, scale: Scale) -> bool:
    """At the mastery level or above (a four-level scale's Advanced counts)."""
    level = standard.swatch.level
    return level in scale.levels and scale.rank(level) <= scale.rank(scale.mastery_level)


def next_steps(standards: list[StandardMastery], scale: Scale) -> NextSteps:
    """The tracker's next steps for one student (one query: the progressions)."""
    by_id = {s.standard_id: s for s in standards}
    edges = Association.objects.filter(
        association_type=PRECEDES,
        retired_at__isnull=True,
        destination__in=list(by_id),
        origin__isnull=False,
        origin__retired_at__isnull=True,
    ).values_list(
        "origin_id", "destination_id", "origin__human_coding_scheme", "origin__full_statement"
    )
    inside: dict[int, set[int]] = defaultdict(set)  # standard → its prerequisites in the tracker
    outside: dict[int, dict[int, Prerequisite]] = defaultdict(dict)
    for origin, destination, code, statement in edges:
        if origin in by_id:
            if origin != destination:
                inside[destination].add(origin)
        else:
            outside[destination][origin] = Prerequisite(code or "", statement)
    open_ = [s for s in standards if not _is_mastered(s, scale)]
    ready = [s for s in open_ if all(_is_mastered(by_id[p], scale) for p in inside[s.standard_id])]
    holding_back = []
    for s in open_:
        held = [by_id[d] for d, prereqs in inside.items() if s.standard_id in prereqs]
        held = [d for d in held if not _is_mastered(d, scale)]
        if held:
            holding_back.append((s, sorted(held, key=standards.index)))
    background = [
        (s, sorted(outside[s.standard_id].values(), key=lambda p: p.code))
        for s in open_
        if outside.get(s.standard_id)
    ]
    return NextSteps(ready=ready, holding_back=holding_back, background=background)
