"""Benchmark: the bulk recompute of every rollup against a raw NumPy baseline, same run.

    .venv/bin/python bench/mastery_recompute.py            # 20,000 students × 50 standards
    .venv/bin/python bench/mastery_recompute.py --quick    # 2,000 students × 50 standards
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/masterly_bench_h5 \\
        .venv/bin/python bench/mastery_recompute.py

The data: 20,000 students (40 sections of 500) × 50 standards; a third of the cells are
assessed, each with 1 to 5 pieces of evidence (≈ 1,000,000 evidence rows, ≈ 333,000 cells).
Building it is setup (bulk inserts), not measured. Without DATABASE_URL the database is
SQLite in a temporary folder; with a PostgreSQL URL that database is dropped and re-created.

Measured, on the same rows in the same run:

- **Masterly**: ``run_recompute`` — the body of the queued task — recomputing every rollup of
  the tracker with the decaying average (exact Decimal arithmetic, batched transactions,
  progress updates, multi-row upserts), into an empty rollup table.
- **Baseline**: one raw cursor reading the same evidence in the same order, NumPy computing
  the same scores vectorised per evidence position (float64), and one bulk insert of the
  same columns into a scratch table with the same indexes (``executemany`` on SQLite,
  ``COPY`` on PostgreSQL: each database's fastest).

Both are shown with and without the write. The two results are compared on every cell
(score, level, evidence count, last assessed date). Goal: Masterly ≤ 3 × the baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DECAY = 0.65
GOAL = 3.0


# ------------------------------------------------------------------ environment


def setup_django(*, production: bool = False) -> str:
    """Settings from the environment (SQLite in a temp folder by default); returns a label.

    ``production`` serves as a deployment does: DEBUG off (no query log, no per-query
    quoting of parameters for it) and static files collected with their manifest.
    """
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0" if production else "1"
    if production:
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("TASK_BACKEND", "database")
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        folder = tempfile.mkdtemp(prefix="masterly-bench-")
        os.environ["MASTERLY_DATA_DIR"] = folder
        label = f"SQLite in {folder}"
    else:
        os.environ.setdefault("MASTERLY_DATA_DIR", tempfile.mkdtemp(prefix="masterly-bench-"))
        _recreate_postgres(url)
        label = "PostgreSQL " + url.rsplit("/", 1)[-1]
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if production:
        call_command("collectstatic", interactive=False, verbosity=0)
    return label


def _recreate_postgres(url: str) -> None:
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    admin = psycopg.connect(
        dbname="postgres",
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        autocommit=True,
    )
    with admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@contextmanager
def timed(results: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    results[name] = time.perf_counter() - start


# ------------------------------------------------------------------ data (setup)


def build_world(students: int, sections: int, standards: int) -> dict[str, Any]:
    """A school, ``sections`` sections sharing ``students`` students, ``standards`` standards,
    and one tracker (decaying average) over all of them. Returns ids."""
    from masterly.accounts.models import User
    from masterly.roster.models import Course, Enrollment, Org, Section
    from masterly.standards.models import Framework, Standard
    from masterly.trackers.models import Tracker, TrackerSection, TrackerStandard

    school = Org.objects.create(sourced_id="bench-school", name="Bench Middle", type="school")
    course = Course.objects.create(sourced_id="bench-course", title="Math 6", org=school)
    teacher = User.objects.create(username="bench-teacher")
    section_rows = Section.objects.bulk_create(
        Section(sourced_id=f"bench-section-{i}", title=f"P{i}", course=course, school=school)
        for i in range(sections)
    )
    unusable = "!"  # an unusable password: these students never sign in
    users = User.objects.bulk_create(
        (User(username=f"s{i:06d}", password=unusable) for i in range(students)), batch_size=2000
    )
    per_section = max(1, students // sections)
    Enrollment.objects.bulk_create(
        (
            Enrollment(
                sourced_id=f"bench-enr-{i}",
                user=user,
                section=section_rows[min(i // per_section, sections - 1)],
                role="student",
            )
            for i, user in enumerate(users)
        ),
        batch_size=2000,
    )
    framework = Framework.objects.create(identifier="bench-framework", title="Bench")
    standard_rows = Standard.objects.bulk_create(
        Standard(
            framework=framework,
            identifier=f"bench-std-{i}",
            human_coding_scheme=f"B.{i}",
            full_statement=f"Standard {i}",
        )
        for i in range(standards)
    )
    tracker = Tracker.objects.create(name="Bench tracker", owner=teacher)
    TrackerSection.objects.bulk_create(
        TrackerSection(tracker=tracker, section=section) for section in section_rows
    )
    TrackerStandard.objects.bulk_create(
        TrackerStandard(tracker=tracker, standard=standard, position=i)
        for i, standard in enumerate(standard_rows)
    )
    return {
        "tracker": tracker.pk,
        "students": [user.pk for user in users],
        "standards": [standard.pk for standard in standard_rows],
        "teacher": teacher.pk,
    }


EVIDENCE_COLUMNS = (
    "student_id",
    "standard_id",
    "points_earned",
    "points_possible",
    "assessed_on",
    "source",
    "entered_at",
    "is_deleted",
    "version",
)


def evidence_rows(
    student_ids: list[int], standard_ids: list[int], share: float, seed: int
) -> Iterator[tuple[Any, ...]]:
    """1–5 pieces of evidence on ``share`` of the cells; points out of 4, 10, 20 or 100."""
    rng = random.Random(seed)
    start = dt.date(2026, 9, 1)
    entered = dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC)
    second = 0
    for student in student_ids:
        for standard in standard_ids:
            if rng.random() >= share:
                continue
            for _ in range(rng.randint(1, 5)):
                possible = rng.choice((4, 10, 20, 100))
                earned = (
                    rng.randint(0, possible * 2) / 2 if possible == 4 else rng.randint(0, possible)
                )
                second += 1
                yield (
                    student,
                    standard,
                    earned,
                    possible,
                    start + dt.timedelta(days=rng.randint(0, 90)),
                    "import",
                    entered + dt.timedelta(seconds=second),
                    False,
                    1,
                )


def insert_evidence(rows: Iterator[tuple[Any, ...]]) -> int:
    """Bulk-insert evidence: COPY on PostgreSQL, executemany on SQLite (setup only)."""
    from django.db import connection, transaction

    from masterly.assessments.models import Evidence

    table = Evidence._meta.db_table
    columns = ", ".join(EVIDENCE_COLUMNS)
    count = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if is_postgres():
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        else:
            marks = ", ".join(["%s"] * len(EVIDENCE_COLUMNS))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(row)
                if len(batch) == 50_000:
                    cursor.executemany(sql, batch)
                    count += len(batch)
                    batch = []
            cursor.executemany(sql, batch)
            count += len(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return count


# ------------------------------------------------------------------ Masterly's path


def masterly_recompute(tracker_id: int) -> Any:
    """The queued task's body: every rollup of the tracker, batch by batch."""
    from masterly.trackers.models import RecomputeRun, Tracker
    from masterly.trackers.rollups import run_recompute

    tracker = Tracker.objects.get(pk=tracker_id)
    run = RecomputeRun.objects.create(
        tracker=tracker, reason="benchmark", settings_version=tracker.settings_version
    )
    return run_recompute(run.pk)


def masterly_compute_only(tracker_id: int) -> int:
    """The same reads and Decimal computation as the recompute, without writing anything."""
    from django.db import connection

    from masterly.trackers import rollups
    from masterly.trackers.membership import tracker_students
    from masterly.trackers.models import Tracker

    tracker = Tracker.objects.get(pk=tracker_id)
    student_ids = sorted(set(tracker_students(tracker_id).values_list("user", flat=True)))
    standard_ids = frozenset(
        rollups.tracker_standard_ids(tracker_id).values_list("standard", flat=True)
    )
    scorer = rollups.Scorer(tracker.policy())
    per_batch = max(1, rollups.BATCH_CELLS // len(standard_ids))
    cells = 0

    def emit(student_id: int, standard_id: int, value: Any) -> None:
        nonlocal cells
        cells += 1

    for start in range(0, len(student_ids), per_batch):
        batch = student_ids[start : start + per_batch]
        sql, params = rollups._evidence_sql(tracker_id, batch)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rollups.compute_cells(rollups._fetch(cursor), scorer, {}, standard_ids, emit)
    return cells


# ------------------------------------------------------------------ the NumPy baseline

SCRATCH = "bench_scratch_rollup"


def create_scratch_table() -> None:
    """A table with the rollup table's columns and indexes, for the baseline's write."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        cursor.execute(
            f"CREATE TABLE {SCRATCH} (id {'BIGSERIAL' if is_postgres() else 'INTEGER'} "
            "PRIMARY KEY, tracker_id bigint NOT NULL, student_id bigint NOT NULL, "
            "standard_id bigint NOT NULL, score numeric(5, 2), computed_level varchar(8) NOT "
            "NULL, level varchar(8) NOT NULL, is_overridden boolean NOT NULL, evidence_count "
            "integer NOT NULL, last_assessed_on date, generation integer NOT NULL)"
        )
        cursor.execute(
            f"CREATE UNIQUE INDEX {SCRATCH}_cell ON {SCRATCH} (tracker_id, student_id, standard_id)"
        )
        cursor.execute(f"CREATE INDEX {SCRATCH}_student ON {SCRATCH} (student_id, standard_id)")
        cursor.execute(f"CREATE INDEX {SCRATCH}_standard ON {SCRATCH} (standard_id)")


def baseline_sql(tracker_id: int) -> str:
    from masterly.assessments.models import Evidence
    from masterly.roster.models import Enrollment
    from masterly.trackers.models import TrackerSection, TrackerStandard

    return (
        "SELECT e.student_id, e.standard_id, CAST(e.points_earned AS DOUBLE PRECISION), "
        "CAST(e.points_possible AS DOUBLE PRECISION), CAST(e.assessed_on AS TEXT) "
        f"FROM {Evidence._meta.db_table} e "
        "WHERE e.is_deleted = false "
        f"AND e.standard_id IN (SELECT standard_id FROM {TrackerStandard._meta.db_table} "
        f"WHERE tracker_id = {tracker_id}) "
        f"AND e.student_id IN (SELECT user_id FROM {Enrollment._meta.db_table} "
        "WHERE role = 'student' AND is_active = true AND section_id IN "
        f"(SELECT section_id FROM {TrackerSection._meta.db_table} "
        f"WHERE tracker_id = {tracker_id})) "
        "ORDER BY e.student_id, e.standard_id, e.assessed_on, e.entered_at, e.id"
    )


def baseline_compute(tracker_id: int) -> dict[str, Any]:
    """Read with a raw cursor; decaying average, rounding and levels vectorised in NumPy."""
    import numpy as np
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(baseline_sql(tracker_id))
        rows = cursor.fetchall()
    student, standard, earned, possible, dates = zip(*rows, strict=True)
    student_a = np.fromiter(student, dtype=np.int64, count=len(rows))
    standard_a = np.fromiter(standard, dtype=np.int64, count=len(rows))
    x = (
        np.fromiter(earned, dtype=np.float64, count=len(rows))
        * 100
        / np.fromiter(possible, dtype=np.float64, count=len(rows))
    )
    new_cell = np.empty(len(rows), dtype=bool)
    new_cell[0] = True
    new_cell[1:] = (student_a[1:] != student_a[:-1]) | (standard_a[1:] != standard_a[:-1])
    starts = np.flatnonzero(new_cell)
    counts = np.diff(np.append(starts, len(rows)))
    score = x[starts].copy()
    for position in range(1, int(counts.max())):
        has = counts > position
        score[has] = (1 - DECAY) * score[has] + DECAY * x[starts[has] + position]
    # Half-up to two decimals; the nudge puts exact ties (x.xx5) on the upper side.
    rounded = np.floor(score * 100 + 0.5 + 1e-7) / 100
    level = np.where(score >= 80 - 1e-9, "M", np.where(score >= 50 - 1e-9, "NM", "R"))
    last = np.asarray(dates, dtype=object)[starts + counts - 1]
    return {
        "student": student_a[starts],
        "standard": standard_a[starts],
        "score": rounded,
        "level": level,
        "count": counts,
        "last": last,
    }


def baseline_write(tracker_id: int, result: dict[str, Any]) -> None:
    from django.db import connection, transaction

    rows = list(
        zip(
            [tracker_id] * len(result["count"]),
            result["student"].tolist(),
            result["standard"].tolist(),
            result["score"].tolist(),
            result["level"].tolist(),
            result["level"].tolist(),
            [False] * len(result["count"]),
            result["count"].tolist(),
            result["last"].tolist(),
            [1] * len(result["count"]),
            strict=True,
        )
    )
    columns = (
        "tracker_id, student_id, standard_id, score, computed_level, level, is_overridden, "
        "evidence_count, last_assessed_on, generation"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        if is_postgres():  # the fastest bulk insert PostgreSQL has
            with cursor.cursor.copy(f"COPY {SCRATCH} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:  # SQLite's: one prepared statement, executemany
            marks = ", ".join(["%s"] * 10)
            cursor.executemany(f"INSERT INTO {SCRATCH} ({columns}) VALUES ({marks})", rows)


# ------------------------------------------------------------------ agreement


def compare(tracker_id: int, baseline: dict[str, Any]) -> int:
    """Cells where Masterly's stored rollup and the baseline disagree (should be 0)."""
    import numpy as np

    from masterly.trackers.models import Rollup

    stored = list(
        Rollup.objects.filter(tracker_id=tracker_id)
        .order_by("student_id", "standard_id")
        .values_list(
            "student_id", "standard_id", "score", "level", "evidence_count", "last_assessed_on"
        )
    )
    if len(stored) != len(baseline["count"]):
        return abs(len(stored) - len(baseline["count"])) or 1
    student, standard, score, level, count, last = zip(*stored, strict=True)
    differ = (
        (np.asarray(student) != baseline["student"])
        | (np.asarray(standard) != baseline["standard"])
        | (np.abs(np.asarray([float(s) for s in score]) - baseline["score"]) > 0.001)
        | (np.asarray(level) != baseline["level"])
        | (np.asarray(count) != baseline["count"])
        | (np.asarray([d.isoformat() for d in last]) != baseline["last"].astype(str))
    )
    return int(differ.sum())


# ------------------------------------------------------------------ main


def best_of(repeat: int, prepare: Callable[[], None], work: Callable[[], Any]) -> float:
    times = []
    for _ in range(repeat):
        prepare()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2,000 students instead of 20,000")
    parser.add_argument("--students", type=int, default=None)
    parser.add_argument("--standards", type=int, default=50)
    parser.add_argument("--share", type=float, default=1 / 3, help="share of cells assessed")
    parser.add_argument("--repeat", type=int, default=2, help="best of N timings")
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()
    students = options.students or (2_000 if options.quick else 20_000)

    label = setup_django()
    from django.db import connection

    from masterly.trackers.models import Rollup

    print(f"Database: {label}")
    setup = time.perf_counter()
    world = build_world(students, max(1, students // 500), options.standards)
    evidence = insert_evidence(
        evidence_rows(world["students"], world["standards"], options.share, options.seed)
    )
    create_scratch_table()
    print(
        f"Setup (not measured): {students:,} students × {options.standards} standards, "
        f"{evidence:,} evidence rows in {time.perf_counter() - setup:.1f} s"
    )
    tracker = world["tracker"]

    def empty_rollups() -> None:
        Rollup.objects.filter(tracker_id=tracker).delete()
        if is_postgres():
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM {Rollup._meta.db_table}")

    def empty_scratch() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {SCRATCH}")
            if is_postgres():
                cursor.execute(f"VACUUM {SCRATCH}")

    results: dict[str, Any] = {}
    masterly_total = best_of(options.repeat, empty_rollups, lambda: masterly_recompute(tracker))
    masterly_read_compute = best_of(
        options.repeat, lambda: None, lambda: masterly_compute_only(tracker)
    )

    def baseline_total_work() -> None:
        results["baseline"] = baseline_compute(tracker)
        baseline_write(tracker, results["baseline"])

    baseline_read_compute = best_of(
        options.repeat, lambda: None, lambda: results.update(baseline=baseline_compute(tracker))
    )
    baseline_total = best_of(options.repeat, empty_scratch, baseline_total_work)
    # Masterly's rollups were left by the last timed run: compare them with the baseline's.
    empty_rollups()
    final = masterly_recompute(tracker)
    disagreements = compare(tracker, results["baseline"])
    cells = len(results["baseline"]["count"])

    print(
        f"Cells with evidence: {cells:,} (run: {final.status}, {final.rollups_written:,} written)"
    )
    print(f"{'':34}{'Masterly':>10}{'NumPy':>10}{'ratio':>8}")
    for name, ours, theirs in (
        ("read + compute + write", masterly_total, baseline_total),
        ("read + compute (no write)", masterly_read_compute, baseline_read_compute),
    ):
        print(f"{name:34}{ours:>9.2f}s{theirs:>9.2f}s{ours / theirs:>7.2f}×")
    ratio = masterly_total / baseline_total
    print(f"Cells where the two disagree: {disagreements}")
    print(f"Goal ≤ {GOAL:.0f}× the baseline: {'met' if ratio <= GOAL else 'MISSED'} ({ratio:.2f}×)")
    if disagreements:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
