"""Benchmark: the school and district dashboards and their "as of" view, at district scale.

    .venv/bin/python bench/leader_dashboards.py --students 3000     # one school
    .venv/bin/python bench/leader_dashboards.py                     # 30,000 students, 10 schools
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/masterly_bench_dash \\
        .venv/bin/python bench/leader_dashboards.py --students 3000

The data (built once per size and database by raw bulk inserts, then kept: SQLite under
``$BENCH_DIR`` (default ``/tmp/masterly-bench``), a PostgreSQL database named after the
size): schools of 3,000 students in sections of 25 (one tracker each, 40 standards, grades
6–8), each standard assessed on 6 to 10 days of the autumn for the whole section (≈ 8,000
evidence rows a section: 10 million for 30,000 students) with each cell's rollup; then the
dashboards' counts rebuilt as the real task does it (timed and printed: background work,
not a request; ``--sample`` trackers from evidence, the others copied: see
:func:`rebuild_counts`). Students carry random groups.

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
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kept_database import open_kept
from mastery_recompute import insert_evidence

UNUSABLE = "!"  # an unusable password: nobody signs in as these people
SECTION_SIZE = 25
SCHOOL_SIZE = 3000
STANDARDS = 40
GOAL_MS = 300.0


def build(students: int, sample: int | None, seed: int = 7) -> dict[str, float]:
    """The district (setup): roster, groups, evidence and rollups by raw bulk inserts; then
    the background work, timed (:func:`rebuild_counts`)."""
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
    from masterly.trackers.models import Rollup, Tracker, TrackerSection, TrackerStandard

    rng = random.Random(seed)
    timings: dict[str, float] = {}
    begun = time.perf_counter()
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
    timings["roster, groups, trackers (s)"] = time.perf_counter() - begun
    by_section: dict[int, list[int]] = {}
    for user_id, section_id in Enrollment.objects.values_list("user_id", "section_id"):
        by_section.setdefault(section_id, []).append(user_id)
    tracker_of = {
        section: tracker
        for tracker, section in TrackerSection.objects.values_list("tracker_id", "section_id")
    }
    start = time.perf_counter()
    rollups: list[dict[str, Any]] = []
    count = insert_evidence(
        _evidence(rng, by_section, [s.pk for s in standards], tracker_of, rollups)
    )
    timings["evidence rows"] = count
    for chunk in range(0, len(rollups), 100_000):
        with transaction.atomic():
            insert_rows(Rollup, rollups[chunk : chunk + 100_000])
    timings["rollups"] = len(rollups)
    del rollups
    timings["insert evidence and rollups, raw (s)"] = time.perf_counter() - start
    timings.update(rebuild_counts(sample))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return timings


def rebuild_counts(sample: int | None) -> dict[str, float]:
    """The background work the dashboards read, as the real task does it: each tracker's
    counts rebuilt from its evidence (``dashboard_counts.rebuild_tracker``), then each
    school's sums (``school_counts.rebuild_schools``), both timed.

    With ``sample``, only the first school's first ``sample`` trackers are rebuilt from
    evidence (the time per tracker is printed); every other tracker gets a copy of the counts
    of the rebuilt tracker in the same position (same shape: 25 students, 40 standards), so
    a 30,000-student district is built in minutes. The schools' sums are always rebuilt whole.
    """
    from django.db import transaction
    from django.utils import timezone

    from masterly.core.bulk import insert_rows
    from masterly.roster.models import Org
    from masterly.trackers.dashboard_counts import rebuild_tracker
    from masterly.trackers.models import GroupLevelCount, StandardLevelCount, TrackerSection
    from masterly.trackers.school_counts import rebuild_schools

    timings: dict[str, float] = {}
    placed = list(
        TrackerSection.objects.order_by("tracker_id").values_list("tracker_id", "section_id")
    )
    real = placed if sample is None else placed[:sample]
    start = time.perf_counter()
    for tracker, _ in real:
        rebuild_tracker(tracker)
    spent = time.perf_counter() - start
    timings[f"rebuild {len(real)} trackers' counts from evidence (s)"] = spent
    timings["  per tracker (ms)"] = spent * 1000 / max(1, len(real))
    if len(real) < len(placed):
        start = time.perf_counter()
        models = (StandardLevelCount, GroupLevelCount)
        sources = {
            model: list(model.objects.filter(tracker_id__in=[t for t, _ in real]).values())
            for model in models
        }
        copied = [t for t, _ in placed[len(real) :]]
        for model in models:
            for chunk in range(0, len(copied), 500):
                model.objects.filter(tracker_id__in=copied[chunk : chunk + 500]).delete()
        copies = 0
        for offset in range(len(real), len(placed), len(real)):
            targets = dict(zip(real, placed[offset : offset + len(real)], strict=False))
            for model in models:
                rows = []
                for row in sources[model]:
                    source = (row["tracker_id"], row["section_id"])
                    if source not in targets:
                        continue
                    tracker, section = targets[source]
                    rows.append({**row, "id": None, "tracker_id": tracker, "section_id": section})
                for each in rows:
                    del each["id"]
                with transaction.atomic():
                    copies += insert_rows(model, rows)
        timings["copy counts to the other trackers (s)"] = time.perf_counter() - start
        timings["  count rows copied"] = copies
    start = time.perf_counter()
    schools = Org.objects.filter(type="school").values_list("pk", flat=True)
    rebuild_schools(schools, today=timezone.localdate())
    timings["rebuild every school's sums (s)"] = time.perf_counter() - start
    return timings


def _evidence(
    rng: random.Random,
    by_section: dict[int, list[int]],
    standard_ids: list[int],
    tracker_of: dict[int, int],
    rollups: list[dict[str, Any]],
) -> Iterator[tuple[Any, ...]]:
    """Each standard assessed on 6–10 days for a whole section; each cell's rollup (its
    level by the mean of its scores against the default cuts, 80 and 50) into ``rollups``."""
    start = dt.date(2026, 8, 20)
    entered = dt.datetime(2026, 8, 20, 12, 0, tzinfo=dt.UTC)
    second = 0
    for section, students in by_section.items():
        for standard in standard_ids:
            days = sorted(rng.sample(range(100), rng.randint(6, 10)))
            earned = dict.fromkeys(students, 0)
            for day in days:
                for student in students:
                    second += 1
                    points = rng.randint(0, 10)
                    earned[student] += points
                    yield (
                        student,
                        standard,
                        points,
                        10,
                        start + dt.timedelta(days=day),
                        "import",
                        entered + dt.timedelta(seconds=second),
                        False,
                        1,
                    )
            last = start + dt.timedelta(days=days[-1])
            for student, total in earned.items():
                score = round(total * 10 / len(days), 2)
                level = "M" if score >= 80 else "NM" if score >= 50 else "R"
                rollups.append(
                    {
                        "tracker_id": tracker_of[section],
                        "student_id": student,
                        "standard_id": standard,
                        "score": score,
                        "computed_level": level,
                        "level": level,
                        "evidence_count": len(days),
                        "last_assessed_on": last,
                    }
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


def profile(work: dict[str, Callable[[], Any]], folder: Path) -> None:
    """One run of each page under pyinstrument (not a project dependency: put it on
    ``PYTHONPATH``), its text report into ``folder``."""
    from pyinstrument import Profiler

    folder.mkdir(parents=True, exist_ok=True)
    for name, run in work.items():
        run()
        profiler = Profiler(interval=0.0005)
        with profiler:
            run()
        slug = name.replace(" ", "-").replace(",", "").replace(":", "")
        (folder / f"{slug}.txt").write_text(profiler.output_text(show_all=False))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--students", type=int, default=30_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument(
        "--sample",
        type=int,
        default=120,
        help="trackers whose counts are rebuilt from evidence when building (0: every one)",
    )
    parser.add_argument(
        "--recount", action="store_true", help="rebuild the kept data's dashboard counts again"
    )
    parser.add_argument("--profile", help="write a pyinstrument profile of each page here")
    args = parser.parse_args()
    kept = open_kept("dashboards", args.students, static=True)
    print(f"{kept.label}: {args.students:,} students")
    if not kept.built:
        for name, value in build(args.students, args.sample or None).items():
            print(f"  setup: {name}: {value:,.1f}")
        kept.mark_built()
    elif args.recount:
        for name, value in rebuild_counts(args.sample or None).items():
            print(f"  recount: {name}: {value:,.1f}")
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
    if args.profile:
        profile(work, Path(args.profile))
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
