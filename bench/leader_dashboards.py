"""Benchmark: the school and district dashboards and their "as of" view, at district scale.

    .venv/bin/python bench/leader_dashboards.py --students 3000     # one school
    .venv/bin/python bench/leader_dashboards.py                     # 30,000 students, 10 schools
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/masterly_bench_dash \\
        .venv/bin/python bench/leader_dashboards.py --students 3000

The data (built once per size and database, then kept: SQLite under ``var/bench/``, a
PostgreSQL database named after the size): schools of 3,000 students in sections of 25 (one
tracker each, 40 standards, grades 6–8), each standard assessed on 6 to 10 days of the
autumn for the whole section (≈ 8,000 evidence rows a section: 10 million for 30,000
students), the rollups recomputed in bulk and the dashboards' counts rebuilt (both timed
and printed: they are the background work, not a request). Students carry random groups.

Measured, taking turns so the shared machine's speed weighs on both alike:

- **Masterly**: the school dashboard page (the largest school), the district dashboard page,
  and the school page as of a month ago, each a whole request through Django's test client
  as a signed-in district admin (DEBUG off).
- **Baseline**: one raw ``GROUP BY`` over the rollups giving the school's levels per
  standard (the figures of the dashboard's first table, today), and the same over the
  district.

Goal: p95 under 300 ms; the time should not grow in proportion from 3,000 to 30,000.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from mastery_recompute import _recreate_postgres, insert_evidence, is_postgres  # noqa: E402

UNUSABLE = "!"  # an unusable password: nobody signs in as these people
SECTION_SIZE = 25
SCHOOL_SIZE = 3000
STANDARDS = 40
GOAL_MS = 300.0


def setup_django(students: int) -> tuple[str, bool]:
    """Settings for a kept database of this size; returns (label, whether it is built)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("TASK_BACKEND", "database")
    folder = ROOT / "var" / "bench" / f"dashboards-{students}"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["MASTERLY_DATA_DIR"] = str(folder)
    url = os.environ.get("DATABASE_URL", "")
    marker = folder / ("built-postgres" if url else "built-sqlite")
    if url:
        url = f"{url}_{students}"
        os.environ["DATABASE_URL"] = url
        if not marker.exists():
            _recreate_postgres(url)
        label = "PostgreSQL " + url.rsplit("/", 1)[-1]
    else:
        label = f"SQLite in {folder}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return label, marker.exists()


def build(students: int, seed: int = 7) -> dict[str, float]:
    """The district (setup): roster, groups, evidence; then the background work, timed."""
    from django.db import transaction

    from masterly.accounts.models import User
    from masterly.core.bulk import insert_rows
    from masterly.roster.models import (
        Course,
        Enrollment,
        Org,
        Role,
        RoleAssignment,
        Section,
        StudentGroupMembership,
    )
    from masterly.standards.models import Framework, Standard
    from masterly.trackers.models import RecomputeRun, Tracker, TrackerSection, TrackerStandard

    rng = random.Random(seed)
    timings: dict[str, float] = {}
    with transaction.atomic():
        district = Org.objects.create(sourced_id="d", name="Bench District", type="district")
        admin = User.objects.create(username="bench-admin", password=UNUSABLE)
        RoleAssignment.objects.create(user=admin, role=Role.DISTRICT_ADMIN, org=district)
        framework = Framework.objects.create(identifier="bench-framework", title="Bench")
        standards = Standard.objects.bulk_create(
            Standard(
                framework=framework,
                identifier=f"bench-std-{i}",
                human_coding_scheme=f"B.{i:02d}",
                full_statement=f"Standard {i}",
            )
            for i in range(STANDARDS)
        )
        users = User.objects.bulk_create(
            (User(username=f"s{i:06d}", password=UNUSABLE) for i in range(students)),
            batch_size=5000,
        )
        sections: list[Section] = []
        schools = max(1, students // SCHOOL_SIZE)
        for school_index in range(schools):
            school = Org.objects.create(
                sourced_id=f"school-{school_index}",
                name=f"School {school_index:02d}",
                type="school",
                parent=district,
            )
            course = Course.objects.create(sourced_id=f"c-{school_index}", title="Math", org=school)
            count = min(SCHOOL_SIZE, students - school_index * SCHOOL_SIZE) // SECTION_SIZE
            sections += Section.objects.bulk_create(
                Section(
                    sourced_id=f"sec-{school_index}-{i}",
                    title=f"Math {6 + i % 3} - P{i}",
                    grades=f"0{6 + i % 3}",
                    course=course,
                    school=school,
                )
                for i in range(count)
            )
        teachers = User.objects.bulk_create(
            User(username=f"t{i:05d}", first_name="Teacher", last_name=f"{i}", password=UNUSABLE)
            for i in range(len(sections) // 5 + 1)
        )
        insert_rows(
            Enrollment,
            (
                {
                    "sourced_id": f"e-{i}",
                    "user_id": user.pk,
                    "section_id": sections[min(i // SECTION_SIZE, len(sections) - 1)].pk,
                    "role": "student",
                }
                for i, user in enumerate(users)
            ),
        )
        groups = []
        for user in users:
            sex = rng.choices(["sex:female", "sex:male", "sex:other"], [49, 49, 2])[0]
            groups.append({"student_id": user.pk, "group": sex, "source": "oneroster"})
            for key, share in (("program:iep", 0.12), ("program:english_learner", 0.1)):
                if rng.random() < share:
                    groups.append({"student_id": user.pk, "group": key, "source": "programs"})
        insert_rows(StudentGroupMembership, groups)
        trackers = []
        for index, section in enumerate(sections):
            tracker = Tracker.objects.create(
                name=f"Tracker {index}", owner=teachers[index // 5], counts_stale=False
            )
            trackers.append(tracker)
            TrackerSection.objects.create(tracker=tracker, section=section)
        TrackerStandard.objects.bulk_create(
            TrackerStandard(tracker=tracker, standard=standard, position=i)
            for tracker in trackers
            for i, standard in enumerate(standards)
        )
    by_section: dict[int, list[int]] = {}
    for user_id, section_id in Enrollment.objects.values_list("user_id", "section_id"):
        by_section.setdefault(section_id, []).append(user_id)
    start = time.perf_counter()
    count = insert_evidence(_evidence(rng, by_section, [s.pk for s in standards]))
    timings["evidence rows"] = count
    timings["insert evidence (s)"] = time.perf_counter() - start
    from masterly.trackers.rollups import run_recompute

    start = time.perf_counter()
    for tracker in trackers:
        run = RecomputeRun.objects.create(tracker=tracker, settings_version=1)
        run_recompute(run.pk)
    timings["recompute every rollup (s)"] = time.perf_counter() - start
    from masterly.trackers.dashboard_counts import rebuild_stale

    start = time.perf_counter()
    rebuild_stale()
    timings["rebuild every dashboard count (s)"] = time.perf_counter() - start
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return timings


def _evidence(
    rng: random.Random, by_section: dict[int, list[int]], standard_ids: list[int]
) -> Iterator[tuple[Any, ...]]:
    start = dt.date(2026, 8, 20)
    entered = dt.datetime(2026, 8, 20, 12, 0, tzinfo=dt.UTC)
    second = 0
    for students in by_section.values():
        for standard in standard_ids:
            days = sorted(rng.sample(range(100), rng.randint(6, 10)))
            for day in days:
                for student in students:
                    second += 1
                    yield (
                        student,
                        standard,
                        rng.randint(0, 10),
                        10,
                        start + dt.timedelta(days=day),
                        "import",
                        entered + dt.timedelta(seconds=second),
                        False,
                        1,
                    )


def baseline(school_ids: list[int]) -> Callable[[], Any]:
    """One raw GROUP BY over the rollups: the scope's levels per standard, today."""
    from django.db import connection

    from masterly.roster.models import Section
    from masterly.trackers.models import Rollup, TrackerSection

    marks = ", ".join(["%s"] * len(school_ids))
    sql = (
        f"SELECT r.standard_id, r.level, COUNT(*) FROM {Rollup._meta.db_table} r "
        f"JOIN {TrackerSection._meta.db_table} ts ON ts.tracker_id = r.tracker_id "
        f"JOIN {Section._meta.db_table} s ON s.id = ts.section_id "
        f"WHERE s.school_id IN ({marks}) GROUP BY r.standard_id, r.level"
    )

    def run() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, school_ids)
            return cursor.fetchall()

    return run


def page(client: Any, url: str) -> Callable[[], Any]:
    def run() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--students", type=int, default=30_000)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    label, built = setup_django(args.students)
    print(f"{label}: {args.students:,} students")
    if not built:
        for name, value in build(args.students).items():
            print(f"  setup: {name}: {value:,.1f}")
        folder = Path(os.environ["MASTERLY_DATA_DIR"])
        (folder / ("built-postgres" if is_postgres() else "built-sqlite")).touch()
    from django.test import Client
    from django.urls import reverse

    from masterly.accounts.models import User
    from masterly.roster.models import Org
    from masterly.trackers.models import Rollup, StandardLevelCount

    print(
        f"  rollups {Rollup.objects.count():,}, "
        f"dashboard count rows {StandardLevelCount.objects.count():,}"
    )
    client = Client()
    client.force_login(User.objects.get(username="bench-admin"))
    schools = list(Org.objects.filter(type="school").order_by("pk").values_list("pk", flat=True))
    month_ago = (dt.date.today() - dt.timedelta(days=30)).isoformat()  # noqa: DTZ011
    school_url = reverse("school_dashboard", kwargs={"school_id": schools[0]})
    work = {
        "school dashboard": page(client, school_url),
        "school, as of a month ago": page(client, f"{school_url}?as_of={month_ago}"),
        "district dashboard": page(client, reverse("district_dashboard")),
        "baseline: school GROUP BY": baseline(schools[:1]),
        "baseline: district GROUP BY": baseline(schools),
    }
    times: dict[str, list[float]] = {name: [] for name in work}
    for run in work.values():
        run()  # warm: compiled templates, caches, prepared statements
    for _ in range(args.requests):
        for name, run in work.items():
            start = time.perf_counter()
            run()
            times[name].append((time.perf_counter() - start) * 1000)
    base = {
        "school": statistics.median(times["baseline: school GROUP BY"]),
        "district": statistics.median(times["baseline: district GROUP BY"]),
    }
    for name, values in times.items():
        values.sort()
        p50 = statistics.median(values)
        p95 = values[int(len(values) * 0.95) - 1]
        scope = "district" if "district" in name else "school"
        ratio = "" if name.startswith("baseline") else f"  ×{p50 / base[scope]:.2f} baseline"
        flag = "" if name.startswith("baseline") or p95 < GOAL_MS else "  OVER GOAL"
        print(f"  {name:30} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms{ratio}{flag}")


if __name__ == "__main__":
    main()
