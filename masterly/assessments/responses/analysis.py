"""Item analysis of an assessment, computed set-based (aggregate queries, whatever the
number of students): callers check who may see it and choose the students.

Per item: how many answered, the mean points as a percent of the item's points ("percent
correct"), how often each option was chosen (the key marked), and the discrimination: the
**point-biserial** correlation between the item's score ``x`` and the rest score ``y`` (the
student's total without this item), over the students who answered it::

    r = (n·Σxy − Σx·Σy) / √((n·Σx² − (Σx)²) · (n·Σy² − (Σy)²))

For an item scored right or wrong this Pearson correlation is the point-biserial; for a
rubric item it is the item–rest correlation, read the same way. Leaving the item out of the
total keeps an item from correlating with itself. It is computed from six sums per item (n,
Σx, Σx², ΣT, ΣT², ΣxT, with T the whole total: y = T − x) that one statement gives: the
attempts' totals grouped first (a common table expression), then the responses joined to them
and grouped by item, options chosen and points (so the same pass counts the options, and no
row's points are cast: each group's x is one value). No value when
either score does not vary. (A window sum per attempt gave the same sums but sorted every
response first: a third slower on SQLite; ``bench/item_analysis.py``.)

An item is flagged when its discrimination is negative (the stronger students did worse on
it: a wrong key, or a trick) or when a wrong option was chosen more often than the key.
Only first attempts count, and only responses with points (not those waiting for the teacher).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import FloatField, QuerySet, Sum
from django.db.models.functions import Cast

from masterly.assessments.models import Attempt, Evidence
from masterly.assessments.responses.keys import PlacedItem, placed_items
from masterly.assessments.responses.models import Response
from masterly.assessments.scoring import mask_positions

NEGATIVE = "Negative discrimination: students who did well overall did worse on it. Check its key."
DISTRACTOR = "A wrong option ({letter}) was chosen more often than the key."


@dataclass
class OptionCount:
    letter: str
    content_html: str
    count: int
    percent: float
    is_key: bool


@dataclass
class ItemResult:
    item: PlacedItem
    answered: int = 0
    percent_correct: float | None = None
    discrimination: float | None = None
    options: list[OptionCount] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass
class StandardResult:
    standard_id: int
    earned: Decimal
    possible: Decimal

    @property
    def percent(self) -> float:
        return float(self.earned * 100 / self.possible) if self.possible else 0.0


@dataclass
class Analysis:
    students: int
    items: list[ItemResult]
    standards: list[StandardResult]

    @property
    def flagged(self) -> list[ItemResult]:
        return [result for result in self.items if result.flags]


def analyse(assessment_id: int, students: QuerySet[Any, Any] | None = None) -> Analysis:
    """The analysis of ``assessment_id`` over ``students`` (a subquery of user ids; None:
    everyone who took it). A fixed number of queries: the items, one statement over the
    responses, one over the evidence."""
    items = placed_items(assessment_id)
    firsts = Attempt.objects.filter(assessment_id=assessment_id, number=1)
    evidence = Evidence.objects.filter(
        assessment_id=assessment_id, attempt__number=1, is_deleted=False
    )
    if students is not None:
        firsts = firsts.filter(student__in=students)
        evidence = evidence.filter(student__in=students)
    sums: dict[int, list[float]] = {}
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    groups = _groups(firsts, [item.placement_id for item in items])
    taken = int(groups[0][3]) if groups else 0
    for placement_id, mask, points, _taken, n, st, stt in groups:
        x = float(points)
        total = sums.setdefault(placement_id, [0.0] * 6)
        for index, value in enumerate((n, n * x, n * x * x, st, stt, x * st)):
            total[index] += float(value or 0)
        for position in mask_positions(mask or 0):
            counts[placement_id][position] += int(n)
    results = [
        _item_result(item, sums.get(item.placement_id), counts[item.placement_id]) for item in items
    ]
    standards = [
        StandardResult(row["standard_id"], row["earned"], row["possible"])
        for row in evidence.values("standard_id")
        .annotate(earned=Sum("points_earned"), possible=Sum("points_possible"))
        .order_by("standard_id")
    ]
    return Analysis(students=taken, items=results, standards=standards)


def _groups(firsts: QuerySet[Attempt], placements: list[int]) -> list[tuple[Any, ...]]:
    """Per (placement, options chosen, points): how many attempts have a scored response (the
    same on every row), then n, ΣT, ΣT² (T: the attempt's total over the placed items). The
    groups are few (items × distinct answers × distinct points); the caller makes each item's
    six sums of them (Σx = Σ n·x, Σx² = Σ n·x², ΣxT = Σ x·ΣT), so no row's points are turned
    into floating point: only each attempt's total, once."""
    if not placements:
        return []
    scored = Response.objects.filter(
        attempt__in=firsts.values("pk"), assessment_item__in=placements, points__isnull=False
    )
    totals, params = (
        scored.order_by()
        .values("attempt_id")
        .annotate(total=Cast(Sum("points"), FloatField()))
        .values_list("attempt_id", "total")
        .query.sql_with_params()
    )
    marks = ", ".join(["%s"] * len(placements))
    # Floating point, not PostgreSQL's exact (and slow) numeric: the sums feed a correlation.
    sql = f"""
        WITH totals (attempt_id, t) AS ({totals})
        SELECT r.assessment_item_id, r.choices, r.points, (SELECT COUNT(*) FROM totals),
               COUNT(*), SUM(totals.t), SUM(totals.t * totals.t)
        FROM totals JOIN {Response._meta.db_table} r ON r.attempt_id = totals.attempt_id
        WHERE r.assessment_item_id IN ({marks}) AND r.points IS NOT NULL
        GROUP BY r.assessment_item_id, r.choices, r.points
    """  # noqa: S608 - the inner query is Django's, compiled with its parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *placements])
        return cursor.fetchall()


def point_biserial(sums: Sequence[float]) -> float | None:
    """The item–rest correlation from (n, Σx, Σx², ΣT, ΣT², ΣxT); None if a score is constant."""
    n, sx, sxx, st, stt, sxt = sums
    sy = st - sx
    syy = stt - 2 * sxt + sxx
    sxy = sxt - sxx
    spread_x = n * sxx - sx * sx
    spread_y = n * syy - sy * sy
    if spread_x <= 1e-9 or spread_y <= 1e-9:
        return None
    return (n * sxy - sx * sy) / math.sqrt(spread_x * spread_y)


def _item_result(
    item: PlacedItem, sums: Sequence[float] | None, counts: dict[int, int]
) -> ItemResult:
    result = ItemResult(item=item)
    if not sums:
        return result
    n = int(sums[0])
    result.answered = n
    possible = float(item.key.points)
    result.percent_correct = 100 * sums[1] / (n * possible) if n and possible else None
    result.discrimination = point_biserial(sums)
    choices = list(item.key_version.choices.all())
    result.options = [
        OptionCount(
            letter=choice.letter,
            content_html=choice.content_html,
            count=counts.get(choice.position, 0),
            percent=100 * counts.get(choice.position, 0) / n if n else 0.0,
            is_key=choice.is_correct,
        )
        for choice in choices
    ]
    if result.discrimination is not None and result.discrimination < 0:
        result.flags.append(NEGATIVE)
    keyed = [option.count for option in result.options if option.is_key]
    if keyed:
        beaten = [o for o in result.options if not o.is_key and o.count > min(keyed)]
        if beaten:
            top = max(beaten, key=lambda option: option.count)
            result.flags.append(DISTRACTOR.format(letter=top.letter))
    return result
