"""Benchmark: one evidence write with its incremental rollup update (goal: p95 < 5 ms, SQLite).

    .venv/bin/python bench/evidence_write.py             # on the 1,000,000-row district
    .venv/bin/python bench/evidence_write.py --quick     # on a 100,000-row one
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/masterly_bench_h5 \\
        .venv/bin/python bench/evidence_write.py

The district of ``bench/mastery_recompute.py`` (built the same way, not measured), with a
second tracker over the same students and half the standards (method: highest), so most
writes update two trackers. Its rollups are computed first. Then, one at a time, each in its
own transaction as a web request would, ``--writes`` scores are recorded through
``masterly.trackers.services.evidence_record`` for random students and standards, then as
many edits and deletions. Each call is timed from the call to the commit.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import mastery_recompute as district

GOAL_MS = 5.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed_calls(count: int, call: Callable[[int], object]) -> list[float]:
    times = []
    for number in range(count):
        start = time.perf_counter()
        call(number)
        times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float]) -> float:
    p95 = percentile(times, 0.95)
    print(
        f"{name:28}{statistics.mean(times):>7.2f}{percentile(times, 0.5):>7.2f}"
        f"{p95:>7.2f}{percentile(times, 0.99):>7.2f}{max(times):>8.2f}"
    )
    return p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 students instead of 20,000")
    parser.add_argument("--students", type=int, default=None)
    parser.add_argument("--writes", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    students = options.students or (2_000 if options.quick else 20_000)

    label = district.setup_django()
    from django.utils import timezone

    from masterly.accounts.models import User
    from masterly.assessments.models import Evidence
    from masterly.standards.models import Standard
    from masterly.trackers import services
    from masterly.trackers.models import Tracker, TrackerSection, TrackerStandard

    print(f"Database: {label}")
    setup = time.perf_counter()
    world = district.build_world(students, max(1, students // 500), 50)
    evidence = district.insert_evidence(
        district.evidence_rows(world["students"], world["standards"], 1 / 3, 2026)
    )
    first = Tracker.objects.get(pk=world["tracker"])
    second = Tracker.objects.create(name="Power standards", owner=first.owner, method="highest")
    TrackerSection.objects.bulk_create(
        TrackerSection(tracker=second, section_id=row.section_id)
        for row in TrackerSection.objects.filter(tracker=first)
    )
    TrackerStandard.objects.bulk_create(
        TrackerStandard(tracker=second, standard_id=standard, position=i)
        for i, standard in enumerate(world["standards"][::2])
    )
    for tracker in (first, second):
        district.masterly_recompute(tracker.pk)
    print(
        f"Setup (not measured): {students:,} students × 50 standards, {evidence:,} evidence "
        f"rows, 2 trackers, rollups computed, in {time.perf_counter() - setup:.1f} s"
    )

    rng = random.Random(options.seed)
    teacher = User.objects.get(pk=world["teacher"])
    people = {user.pk: user for user in User.objects.filter(pk__in=world["students"])}
    standards = {standard.pk: standard for standard in Standard.objects.all()}
    student_ids, standard_ids = list(people), list(standards)
    today = timezone.localdate()
    recorded: list[Evidence] = []

    def record(_: int) -> None:
        possible = rng.choice((4, 10, 100))
        recorded.append(
            services.evidence_record(
                actor=teacher,
                student=people[rng.choice(student_ids)],
                standard=standards[rng.choice(standard_ids)],
                points_earned=rng.randint(0, possible),
                points_possible=possible,
                assessed_on=today,
                source="manual",
            )
        )

    def edit(number: int) -> None:
        services.evidence_edit(
            actor=teacher, evidence=recorded[number], reason="regrade", points_earned=0
        )

    def delete(number: int) -> None:
        services.evidence_delete(actor=teacher, evidence=recorded[number], reason="duplicate")

    timed_calls(20, lambda _: None)  # warm the interpreter's caches
    record_times = timed_calls(options.writes, record)
    edit_times = timed_calls(options.writes, edit)
    delete_times = timed_calls(options.writes, delete)
    per_write = Tracker.objects.filter(pk__in=[first.pk, second.pk]).count()

    print(f"{options.writes:,} calls each, times in ms (cells in up to {per_write} trackers)")
    print(f"{'':28}{'mean':>7}{'p50':>7}{'p95':>7}{'p99':>7}{'max':>8}")
    p95 = report("evidence_record", record_times)
    report("evidence_edit", edit_times)
    report("evidence_delete", delete_times)
    verdict = "met" if p95 < GOAL_MS else "MISSED"
    print(f"Goal p95 < {GOAL_MS:.0f} ms for a write with its rollup update: {verdict}")


if __name__ == "__main__":
    main()
