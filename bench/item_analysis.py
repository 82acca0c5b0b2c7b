"""Benchmark: the item analysis of a district common assessment (goal: under 1 s).

    .venv/bin/python bench/item_analysis.py                  # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/masterly \\
        .venv/bin/python bench/item_analysis.py
    .venv/bin/python bench/item_analysis.py --students 1000  # quicker

The data: ``--students`` students (5,000) who each took a 40-item assessment (30 multiple
choice, 5 multiple select, 5 numeric) aligned to 8 standards, answering by an ability of their
own, and their evidence per standard. Written with the one bulk writer
(``masterly.core.bulk``); building is setup, not measured.

Measured, taking turns (median and worst of the runs):

- **Analysis**: ``analyse`` as the page calls it, over every student who took it: the items
  and keys, the six sums per item (per-attempt totals as a common table expression), the
  options chosen, the percent of points per standard.
- **Raw SQL**: one aggregate query, each item's count and mean points over the same first
  attempts: the least any item analysis must read.
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import time
from typing import Any

from case_import import bench_database

GOAL_S = 1.0
RUNS = 7
ITEMS = 40
STANDARDS = 8


def build(students: int) -> int:
    from django.db import connection

    from masterly.accounts.models import User
    from masterly.assessments.items.models import (
        AssessmentItem,
        Choice,
        Item,
        ItemStandard,
        ItemVersion,
    )
    from masterly.assessments.models import Assessment, AssessmentStandard, Attempt, Evidence
    from masterly.assessments.responses.models import Response
    from masterly.core.bulk import insert_rows, insert_rows_returning_ids
    from masterly.standards.models import Framework, Standard

    rng = random.Random(2026)
    author = User.objects.create(username="author")
    framework = Framework.objects.create(identifier="bench", title="Bench math")
    standards = Standard.objects.bulk_create(
        Standard(
            framework=framework,
            identifier=f"s{n}",
            human_coding_scheme=f"6.X.{n}",
            full_statement="Standard",
            item_type="Standard",
            tree_path=f"{n:05d}",
        )
        for n in range(STANDARDS)
    )
    assessment = Assessment.objects.create(
        title="District common", kind="common", created_by=author
    )
    AssessmentStandard.objects.bulk_create(
        AssessmentStandard(assessment=assessment, standard=s, points_possible=5) for s in standards
    )
    kinds = ["multiple_choice"] * 30 + ["multiple_select"] * 5 + ["numeric"] * 5
    item_ids = insert_rows_returning_ids(Item, ({"owner": author.pk} for _ in kinds))
    version_ids = insert_rows_returning_ids(
        ItemVersion,
        (
            {
                "item": item,
                "number": 1,
                "interaction": kind,
                "stem_source": "s",
                "stem_html": "s",
                "dok": 1,
                "numeric_answer": 12,
                "created_by": author.pk,
            }
            for item, kind in zip(item_ids, kinds, strict=True)
        ),
    )
    insert_rows(
        Choice,
        (
            {
                "version": v,
                "position": p,
                "content_source": "c",
                "content_html": "c",
                "is_correct": p == 0 or (kind == "multiple_select" and p == 1),
            }
            for v, kind in zip(version_ids, kinds, strict=True)
            if kind != "numeric"
            for p in range(4)
        ),
    )
    insert_rows(
        ItemStandard,
        (
            {"version": v, "standard": standards[n % STANDARDS].pk, "points": 1, "dok": 1}
            for n, v in enumerate(version_ids)
        ),
    )
    placements = insert_rows_returning_ids(
        AssessmentItem,
        (
            {"assessment": assessment.pk, "item_version": v, "section": 1, "position": n + 1}
            for n, v in enumerate(version_ids)
        ),
    )
    user_ids = insert_rows_returning_ids(
        User, ({"username": f"s{n}", "password": "!"} for n in range(students))
    )
    attempt_ids = insert_rows_returning_ids(
        Attempt, ({"assessment": assessment.pk, "student": u, "number": 1} for u in user_ids)
    )
    easiness = [rng.uniform(-1.5, 1.5) for _ in kinds]
    responses, evidence = [], []
    for attempt, user in zip(attempt_ids, user_ids, strict=True):
        ability = rng.gauss(0, 1)
        earned = [0] * STANDARDS
        for n, (placement, kind) in enumerate(zip(placements, kinds, strict=True)):
            right = rng.random() < 1 / (1 + math.exp(-(ability + easiness[n])))
            earned[n % STANDARDS] += right
            row: dict[str, Any] = {
                "attempt": attempt,
                "assessment_item": placement,
                "points": int(right),
                "points_possible": 1,
            }
            if kind == "numeric":
                row["number"] = 12 if right else 13
            elif kind == "multiple_select":
                row["choices"] = 3 if right else rng.choice([1, 2, 7])
            else:
                row["choices"] = 1 if right else 1 << rng.randint(1, 3)
            responses.append(row)
        evidence.extend(
            {
                "student": user,
                "standard": s.pk,
                "assessment": assessment.pk,
                "attempt": attempt,
                "points_earned": earned[k],
                "points_possible": 5,
                "assessed_on": assessment.assessed_on,
                "source": "manual",
            }
            for k, s in enumerate(standards)
        )
    insert_rows(Response, responses)
    insert_rows(Evidence, evidence)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return assessment.pk


def raw(assessment_id: int) -> Any:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT r.assessment_item_id, COUNT(*), AVG(r.points)
               FROM assessments_response r
               JOIN assessments_attempt a ON a.id = r.attempt_id
               WHERE a.assessment_id = %s AND a.number = 1 AND r.points IS NOT NULL
               GROUP BY r.assessment_item_id""",
            [assessment_id],
        )
        return cursor.fetchall()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=5_000)
    args = parser.parse_args()
    with bench_database("item_analysis") as vendor:
        from masterly.assessments.responses.analysis import analyse

        started = time.monotonic()
        assessment = build(args.students)
        print(
            f"{vendor}: {args.students:,} students × {ITEMS} items built in "
            f"{time.monotonic() - started:.1f} s"
        )
        result = analyse(assessment)
        if result.students != args.students:
            print(f"FAILED: {result.students} students analysed, not {args.students}")
            return 1
        timings: dict[str, list[float]] = {"analysis": [], "raw": []}
        for _ in range(RUNS):
            for label, action in (
                ("analysis", lambda: analyse(assessment)),
                ("raw", lambda: raw(assessment)),
            ):
                start = time.perf_counter()
                action()
                timings[label].append(time.perf_counter() - start)
        a50, a_max = statistics.median(timings["analysis"]), max(timings["analysis"])
        r50 = statistics.median(timings["raw"])
        print(
            f"analysis: median {a50 * 1000:.0f} ms, worst {a_max * 1000:.0f} ms; "
            f"raw aggregate: median {r50 * 1000:.0f} ms; ratio {a50 / r50:.1f}×"
        )
        flagged = sum(1 for item in result.items if item.flags)
        print(f"{len(result.items)} items, {flagged} flagged, {len(result.standards)} standards")
        if a_max > GOAL_S:
            print(f"FAILED: the analysis took more than {GOAL_S:.0f} s")
            return 1
        print(f"OK: under {GOAL_S:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
