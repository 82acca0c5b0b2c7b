"""Benchmark: the tracker grid page against rendering its template from memory, same run.

    .venv/bin/python bench/tracker_grid.py                 # 40 students × 80 standards
    .venv/bin/python bench/tracker_grid.py --requests 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/masterly_bench_grid \\
        .venv/bin/python bench/tracker_grid.py

The data: one class of 40 students, a tracker of 80 standards (in 8 units) with 10 pieces of
evidence in every cell (32,000 evidence rows), rollups computed by the real bulk recompute.
Building it is setup, not measured (the tables then analyzed, as a database in use would
be). Without DATABASE_URL the database is SQLite in a temporary folder; with a PostgreSQL URL
that database is dropped and re-created. Masterly runs as deployed: DEBUG off, static files
collected, the process prepared as ``config/wsgi.py`` prepares a server's.

Measured, in the same run, over repeated requests taking turns (median and p95):

- **Page**: ``GET /trackers/<id>/`` through Django's test client as the tracker's owner:
  session, access checks, the grid's queries, building the grid and rendering the template.
- **Baseline**: the same template rendered from the grid already in memory, with no database
  work at all (asserted: zero queries).

Goals: the page's median at most 2 × the baseline's, and its p95 under 150 ms.

``--reads`` also times each of the grid's compiled reads (``masterly.core.compiled``) against
the same queryset run through the plain ORM, taking turns: what keeping each compiled saves
a request. A read that saves little goes back to the ORM (ADR 0010).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mastery_recompute import build_world, insert_evidence, setup_django

os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
RATIO_GOAL = 2.0
P95_GOAL_MS = 150.0


def evidence_rows(
    student_ids: list[int], standard_ids: list[int], per_cell: int, seed: int
) -> Iterator[tuple[Any, ...]]:
    """``per_cell`` pieces of evidence in every cell, points out of 4, 10 or 100."""
    rng = random.Random(seed)
    start = dt.date(2026, 9, 1)
    entered = dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC)
    second = 0
    for student in student_ids:
        for standard in standard_ids:
            for index in range(per_cell):
                possible = rng.choice((4, 10, 100))
                second += 1
                yield (
                    student,
                    standard,
                    rng.randint(0, possible),
                    possible,
                    start + dt.timedelta(days=index * 7),
                    "import",
                    entered + dt.timedelta(seconds=second),
                    False,
                    1,
                )


def prepare(students: int, standards: int, per_cell: int) -> dict[str, Any]:
    from masterly.roster.models import Enrollment, Org, Role, RoleAssignment, Section
    from masterly.trackers.models import RecomputeRun, Tracker, TrackerStandard
    from masterly.trackers.rollups import run_recompute

    ids = build_world(students, 1, standards)
    section = Section.objects.get()
    school = Org.objects.get(sourced_id="bench-school")
    # The owner teaches the class (the grid shows only students its viewer may see).
    RoleAssignment.objects.create(user_id=ids["teacher"], role=Role.TEACHER, org=school)
    Enrollment.objects.create(
        sourced_id="bench-teacher-enr", user_id=ids["teacher"], section=section, role="teacher"
    )
    for position, placement in enumerate(TrackerStandard.objects.filter(tracker=ids["tracker"])):
        placement.unit_title = f"Unit {position // 10 + 1}"
        placement.is_power = position % 7 == 0
        placement.save(update_fields=["unit_title", "is_power"])
    count = insert_evidence(evidence_rows(ids["students"], ids["standards"], per_cell, seed=7))
    tracker = Tracker.objects.get(pk=ids["tracker"])
    run = RecomputeRun.objects.create(tracker=tracker, settings_version=tracker.settings_version)
    run_recompute(run.pk)
    settle()
    return {**ids, "evidence": count}


def settle() -> None:
    """Bring the freshly loaded tables to the steady state of a database in use: statistics
    gathered and (PostgreSQL) vacuumed, as autovacuum would have done; otherwise it does so
    in the middle of the measured requests, and plans are made without statistics."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"benchmark broken: {message}")


def summary(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def measure(ids: dict[str, Any], requests: int) -> dict[str, tuple[float, float]]:
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test import Client, RequestFactory
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from masterly.accounts.models import User
    from masterly.portals.trackers.views import grid_context
    from masterly.roster.models import Role
    from masterly.trackers.models import Tracker
    from masterly.trackers.selectors import grid as grids

    teacher = User.objects.get(pk=ids["teacher"])
    url = reverse("tracker_grid", args=[ids["tracker"]])
    client = Client()
    client.force_login(teacher)
    first = client.get(url)
    check(first.status_code == 200, f"the page answered {first.status_code}")
    page_html = first.content.decode()
    check(page_html.count('class="grid-student"') == len(ids["students"]), "students missing")

    # The baseline: the same template and context, the grid already in memory.
    tracker = Tracker.objects.select_related("curriculum_map", "owner").get(pk=ids["tracker"])
    grid = grids.build_grid(teacher, tracker)
    request = RequestFactory().get(url)
    request.user = teacher
    request._masterly_roles = [Role.TEACHER]  # type: ignore[attr-defined]
    request.session = {}  # type: ignore[assignment]

    def baseline() -> str:
        context = grid_context(tracker, grid, is_owner=True, can_score=True)
        return render_to_string("portals/trackers/grid.html", context, request=request)

    with CaptureQueriesContext(connection) as queries:
        html = baseline()
    check(not queries.captured_queries, "the baseline must not touch the database")
    check(html.count('class="grid-student"') == len(ids["students"]), "baseline rows missing")

    # Page and baseline take turns, so a change in the machine's speed during the run (a
    # shared machine's speed can swing by half within a minute) weighs on both alike.
    page_times: list[float] = []
    base_times: list[float] = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        page_times.append(time.perf_counter() - start)
        check(response.status_code == 200, f"the page answered {response.status_code}")
        start = time.perf_counter()
        baseline()
        base_times.append(time.perf_counter() - start)
    return {"page": summary(page_times), "baseline": summary(base_times)}


def compare_reads(ids: dict[str, Any], repeats: int) -> None:
    """Each compiled read of the grid, compiled and through the ORM (median ms per call)."""
    from masterly.accounts.models import User
    from masterly.core import compiled
    from masterly.roster import access
    from masterly.roster.models import Role, Section
    from masterly.trackers.selectors import grid as grids
    from masterly.trackers.selectors import students

    teacher = User.objects.get(pk=ids["teacher"])
    section_ids = list(Section.objects.values_list("pk", flat=True))
    student_fixed = {"as_role": Role.TEACHER, "superuser": False, "rules": access.rules_key()}
    reads: list[tuple[str, Any, Any, dict[str, Any], dict[str, Any]]] = [
        ("students (access rules)", students.STUDENTS, User, student_fixed,
         {"user_id": teacher.pk, "tracker_id": ids["tracker"], "section_ids": section_ids}),
        ("cells", grids.CELLS, None, {},
         {"tracker_id": ids["tracker"], "student_ids": ids["students"]}),
        ("columns", grids.COLUMNS, None, {"include_hidden": False},
         {"tracker_id": ids["tracker"]}),
        ("assessment counts", grids.ASSESSMENT_COUNTS, None, {},
         {"standard_ids": ids["standards"], "student_ids": ids["students"]}),
    ]  # fmt: skip
    print(f"Each compiled read against the plain ORM ({repeats} calls each, median):")
    for name, query, model, fixed, values in reads:
        fast: list[float] = []
        plain: list[float] = []
        for _ in range(repeats):
            start = time.perf_counter()
            if model is None:
                compiled.fetch(query, fixed, **values)
            else:
                compiled.instances(query, model, fixed, **values)
            fast.append(time.perf_counter() - start)
            start = time.perf_counter()
            list(query.queryset(fixed, **values))
            plain.append(time.perf_counter() - start)
        fast_ms, plain_ms = statistics.median(fast) * 1000, statistics.median(plain) * 1000
        print(
            f"  {name:24s} compiled {fast_ms:6.2f} ms   ORM {plain_ms:6.2f} ms   "
            f"saves {plain_ms - fast_ms:5.2f} ms"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--standards", type=int, default=80)
    parser.add_argument("--per-cell", type=int, default=10)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument(
        "--reads", action="store_true", help="also time each compiled read against the ORM"
    )
    args = parser.parse_args()
    label = setup_django(production=True)
    print(f"Database: {label}")
    start = time.perf_counter()
    ids = prepare(args.students, args.standards, args.per_cell)
    print(
        f"Setup: {args.students} students × {args.standards} standards, "
        f"{ids['evidence']:,} evidence rows ({time.perf_counter() - start:.1f} s, not measured)"
    )
    # What config/wsgi.py does once a server process has loaded Masterly.
    from config.serving import prepare_for_requests

    prepare_for_requests()
    results = measure(ids, args.requests)
    page_median, page_p95 = results["page"]
    base_median, base_p95 = results["baseline"]
    ratio = page_median / base_median
    print(
        f"Page (GET, {args.requests} requests):  "
        f"median {page_median:7.1f} ms  p95 {page_p95:7.1f} ms"
    )
    print(
        f"Baseline (render from memory):      median {base_median:7.1f} ms  p95 {base_p95:7.1f} ms"
    )
    print(f"Ratio page / baseline (median): {ratio:.2f} (goal ≤ {RATIO_GOAL})")
    ok = ratio <= RATIO_GOAL and page_p95 < P95_GOAL_MS
    print("GOALS MET" if ok else f"GOALS MISSED (ratio ≤ {RATIO_GOAL}, p95 < {P95_GOAL_MS:.0f} ms)")
    if args.reads:
        compare_reads(ids, args.requests * 5)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
