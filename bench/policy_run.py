"""Benchmark: a district's cut score changed, every affected tracker recomputed.

    .venv/bin/python bench/policy_run.py                       # 200 trackers
    .venv/bin/python bench/policy_run.py --trackers 50
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/masterly_bench_policy \\
        .venv/bin/python bench/policy_run.py

The data (built once per size and database by raw bulk inserts, then kept: SQLite under
``$BENCH_DIR`` (default ``/tmp/masterly-bench``), a PostgreSQL database named after the
size): one district, schools of 40 trackers, each tracker one section of 25 students and 20
standards with 3 scores a cell (1,500 evidence rows a tracker), the rollups computed once.

Measured: ``settings_policy_change`` (the district's Mastery cut from 80 to 85, then back,
alternately on each run) and ``run_policy`` as the worker runs it (every tracker resolved,
its settings stored, its rollups recomputed, one after another), then the dashboards' counts
rebuilt for the trackers it marked stale. Printed: the totals, per tracker, and how many
trackers changed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kept_database import open_kept
from mastery_recompute import insert_evidence

UNUSABLE = "!"
PER_SCHOOL = 40
STUDENTS = 25
STANDARDS = 20


def build(trackers: int, seed: int = 11) -> dict[str, float]:
    from django.db import transaction

    from masterly.accounts.models import User
    from masterly.core.bulk import insert_rows
    from masterly.roster.models import Course, Enrollment, Org, Role, RoleAssignment, Section
    from masterly.standards.models import Framework, Standard
    from masterly.trackers.models import RecomputeRun, Tracker, TrackerSection, TrackerStandard
    from masterly.trackers.rollups import run_recompute

    rng = random.Random(seed)
    timings: dict[str, float] = {}
    with transaction.atomic():
        district = Org.objects.create(sourced_id="d", name="Bench District", type="district")
        admin = User.objects.create(username="bench-admin", password=UNUSABLE)
        RoleAssignment.objects.create(user=admin, role=Role.DISTRICT_ADMIN, org=district)
        framework = Framework.objects.create(identifier="bench-framework", title="Bench")
        standards = Standard.objects.bulk_create(
            Standard(framework=framework, identifier=f"p-{i}", human_coding_scheme=f"P.{i:02d}")
            for i in range(STANDARDS)
        )
        teacher = User.objects.create(username="bench-teacher", password=UNUSABLE)
        students = User.objects.bulk_create(
            User(username=f"s{i:06d}", password=UNUSABLE) for i in range(trackers * STUDENTS)
        )
        made: list[Tracker] = []
        for index in range(trackers):
            if index % PER_SCHOOL == 0:
                school = Org.objects.create(
                    sourced_id=f"s-{index}", name=f"School {index}", type="school", parent=district
                )
                course = Course.objects.create(sourced_id=f"c-{index}", title="Math", org=school)
            section = Section.objects.create(
                sourced_id=f"sec-{index}", title=f"P{index}", course=course, school=school
            )
            insert_rows(
                Enrollment,
                (
                    {
                        "sourced_id": f"e-{index}-{i}",
                        "user_id": student.pk,
                        "section_id": section.pk,
                        "role": "student",
                    }
                    for i, student in enumerate(students[index * STUDENTS : (index + 1) * STUDENTS])
                ),
            )
            tracker = Tracker.objects.create(name=f"T{index}", owner=teacher)
            TrackerSection.objects.create(tracker=tracker, section=section)
            made.append(tracker)
        TrackerStandard.objects.bulk_create(
            TrackerStandard(tracker=tracker, standard=standard, position=i)
            for tracker in made
            for i, standard in enumerate(standards)
        )
    start = time.perf_counter()
    timings["evidence rows"] = insert_evidence(
        _evidence(rng, [s.pk for s in students], [s.pk for s in standards])
    )
    timings["insert evidence (s)"] = time.perf_counter() - start
    start = time.perf_counter()
    for tracker in made:
        run_recompute(RecomputeRun.objects.create(tracker=tracker, settings_version=1).pk)
    timings["first recompute of every tracker (s)"] = time.perf_counter() - start
    return timings


def _evidence(
    rng: random.Random, student_ids: list[int], standard_ids: list[int]
) -> Iterator[tuple[Any, ...]]:
    start = dt.date(2026, 9, 1)
    entered = dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC)
    second = 0
    for student in student_ids:
        for standard in standard_ids:
            for _ in range(3):
                second += 1
                yield (
                    student,
                    standard,
                    rng.randint(0, 10),
                    10,
                    start + dt.timedelta(days=rng.randint(0, 80)),
                    "import",
                    entered + dt.timedelta(seconds=second),
                    False,
                    1,
                )


def scale(cut: int) -> list[dict[str, Any]]:
    return [
        {"name": "Mastery", "abbreviation": "M", "cut": str(cut), "is_mastery": True},
        {"name": "Near Mastery", "abbreviation": "NM", "cut": "50"},
        {"name": "Remediation", "abbreviation": "R", "cut": "0"},
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--trackers", type=int, default=200)
    args = parser.parse_args()
    kept = open_kept("policy", args.trackers)
    print(f"{kept.label}: {args.trackers} trackers")
    if not kept.built:
        for name, value in build(args.trackers).items():
            print(f"  setup: {name}: {value:,.1f}")
        kept.mark_built()
    from django.db import transaction

    from masterly.roster.models import Org
    from masterly.trackers.dashboard_counts import rebuild_stale
    from masterly.trackers.models import PolicyRun, SettingsPolicy
    from masterly.trackers.services.policy import run_policy, settings_policy_change

    district = Org.objects.get(type="district")
    current = SettingsPolicy.objects.filter(org=district).first()
    was = (current.values.get("scale") or [{}])[0].get("cut") if current else None
    cut = 80 if was == "85" else 85
    start = time.perf_counter()
    with transaction.atomic():
        run = settings_policy_change(
            actor=None, org=district, values={"scale": scale(cut)}, locked=[]
        )
    changed_at = time.perf_counter() - start
    if run is None:
        raise SystemExit("the policy did not change")
    PolicyRun.objects.filter(pk=run.pk).update(task_id="bench")  # run here, not on a worker
    start = time.perf_counter()
    done = run_policy(run.pk)
    spent = time.perf_counter() - start
    start = time.perf_counter()
    rebuilt = rebuild_stale()
    counted = time.perf_counter() - start
    print(f"  policy change (cut {was or '80'} → {cut}): {changed_at * 1000:.0f} ms")
    print(
        f"  run_policy: {spent:.1f} s for {done.total_trackers} trackers "
        f"({done.changed_trackers} changed), {spent * 1000 / max(1, done.total_trackers):.0f} ms "
        f"a tracker"
    )
    print(f"  dashboard counts of {rebuilt} trackers rebuilt: {counted:.1f} s")


if __name__ == "__main__":
    main()
