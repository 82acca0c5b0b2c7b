"""Benchmark: a OneRoster 1.2 bulk set of N users and M enrollments, imported and re-imported.

    .venv/bin/python bench/oneroster_import.py                  # 100,000 users, 500,000 enrollments
    .venv/bin/python bench/oneroster_import.py --quick          # 5,000 users, 25,000 enrollments
    .venv/bin/python bench/oneroster_import.py --users 20000 --enrollments 100000
    .venv/bin/python bench/oneroster_import.py --with-saves     # and teachers saving meanwhile
    .venv/bin/python bench/oneroster_import.py --reimport   # a later export: alone, with saves

It generates the files into a temporary folder, imports them into a fresh database (timing it
and noting the peak memory), imports them again (which must change nothing), then loads the
same rows into a second fresh database with one bulk insert per table and no validation at
all: the raw baseline the import is compared with, in the same run on the same machine.

With DATABASE_URL unset it uses SQLite files in a temporary MASTERLY_DATA_DIR; with a
PostgreSQL DATABASE_URL it creates (and afterwards drops) two databases beside the named one.

Each import prints its apply time too: the one transaction that makes the import live, the
longest the write lock is held (ADR 17); the new records inserted ahead of it in short
batches are timed apart. ``--with-saves`` adds a small tracker (50 students, 10 standards)
before the import, then imports the same files again into a fresh database while a second
process saves a score through ``masterly.trackers.services.evidence_record`` every 100 ms; it
prints the saves' p50/p95, how many failed, and the import's time against the import alone
(goal: no save fails, at most 25 % slower); then it imports a changed copy of the files (a
later export: enrollments moved, people renamed) with the saves still running, and prints the
same for it. It skips the re-import and the baseline.

``--reimport`` measures that second import with changes on its own terms: the database as
the first import left it is kept (a copy of the SQLite file; on PostgreSQL the first import
is run again), the changed files are imported alone, then into the kept copy again while the
saves run, and it prints both times, the apply (the write lock's longest hold) and the saves.
With ``--with-saves`` too it runs the first import beside saves as well.

The generated files are kept between runs in ``$TMPDIR/masterly-bench-oneroster/`` (one
folder per size; generating a district takes a while); ``--fresh-files`` makes them again.
``--profile`` prints the statements that took longest, and whether a transaction was open.
"""

from __future__ import annotations

import argparse
import csv
import os
import resource
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

STUDENTS_PER_CLASS = 25
COURSES_PER_SCHOOL = 10


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--enrollments", type=int, default=500_000)
    parser.add_argument("--quick", action="store_true", help="5,000 users, 25,000 enrollments")
    parser.add_argument(
        "--with-saves",
        action="store_true",
        help="import again while a second process saves a score every 100 ms",
    )
    parser.add_argument(
        "--reimport",
        action="store_true",
        help="a later export with changes imported alone and beside saves",
    )
    parser.add_argument("--fresh-files", action="store_true", help="generate the files again")
    parser.add_argument("--profile", action="store_true", help="print the slowest statements")
    args = parser.parse_args()
    if args.quick:
        args.users, args.enrollments = 5_000, 25_000
    return args


def setup_django(data_dir: Path) -> None:
    # The environment must be set before Django reads its settings.
    os.environ["MASTERLY_DATA_DIR"] = str(data_dir)
    os.environ["DEBUG"] = "0"  # DEBUG on would keep every query in memory
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-deployment")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    from django.conf import settings

    default = settings.DATABASES["default"]
    baseline = dict(default)
    if default["ENGINE"].endswith("sqlite3"):
        default["TEST"] = {"NAME": str(data_dir / "import.sqlite3")}
        baseline["TEST"] = {"NAME": str(data_dir / "baseline.sqlite3")}
    else:
        default["TEST"] = {"NAME": f"{default['NAME']}_bench_import"}
        baseline["TEST"] = {"NAME": f"{default['NAME']}_bench_baseline"}
    settings.DATABASES["baseline"] = baseline
    django.setup()


# ---------------------------------------------------------------------------- the district


class Shape:
    def __init__(self, users: int, enrollments: int) -> None:
        self.schools = max(2, users // 2000)
        self.teachers = max(1, users // 20)
        self.guardians = users * 3 // 10
        self.students = users - self.teachers - self.guardians - self.schools - 1
        self.classes = max(1, enrollments // (STUDENTS_PER_CLASS + 1))
        self.student_enrollments = enrollments - self.classes

    def school_of_teacher(self, teacher: int) -> int:
        return teacher % self.schools


def generate(folder: Path, shape: Shape) -> dict[str, int]:
    from masterly.integrations.oneroster.writer import write_set

    def orgs() -> Iterator[dict[str, str]]:
        yield {"sourcedId": "d", "name": "Bench District", "type": "district"}
        for s in range(shape.schools):
            yield {
                "sourcedId": f"s{s}",
                "name": f"School {s}",
                "type": "school",
                "parentSourcedId": "d",
                "identifier": f"{1000 + s}",
            }

    def sessions() -> Iterator[dict[str, str]]:
        yield {
            "sourcedId": "y",
            "title": "2026-2027",
            "type": "schoolYear",
            "startDate": "2026-08-01",
            "endDate": "2027-06-30",
            "schoolYear": "2027",
        }
        yield {
            "sourcedId": "fall",
            "title": "Fall",
            "type": "term",
            "startDate": "2026-08-01",
            "endDate": "2027-01-15",
            "parentSourcedId": "y",
            "schoolYear": "2027",
        }
        yield {
            "sourcedId": "spring",
            "title": "Spring",
            "type": "term",
            "startDate": "2027-01-16",
            "endDate": "2027-06-30",
            "parentSourcedId": "y",
            "schoolYear": "2027",
        }

    def courses() -> Iterator[dict[str, str]]:
        for s in range(shape.schools):
            for c in range(COURSES_PER_SCHOOL):
                yield {
                    "sourcedId": f"c{s}-{c}",
                    "title": f"Course {c}",
                    "courseCode": f"C{c}",
                    "grades": "06,07,08",
                    "orgSourcedId": f"s{s}",
                    "schoolYearSourcedId": "y",
                    "subjects": "Math",
                }

    def classes() -> Iterator[dict[str, str]]:
        for k in range(shape.classes):
            school = shape.school_of_teacher(k % shape.teachers)
            yield {
                "sourcedId": f"k{k}",
                "title": f"Class {k}",
                "grades": "06",
                "courseSourcedId": f"c{school}-{k % COURSES_PER_SCHOOL}",
                "classCode": f"K{k}",
                "classType": "scheduled",
                "schoolSourcedId": f"s{school}",
                "termSourcedIds": "fall,spring" if k % 2 else "fall",
                "periods": str(k % 8 + 1),
            }

    def people() -> Iterator[tuple[str, str, str, dict[str, str]]]:
        """(sourcedId, OneRoster role, org, users.csv row)."""
        yield "admin", "districtAdministrator", "d", {}
        for s in range(shape.schools):
            yield f"p{s}", "principal", f"s{s}", {}
        for t in range(shape.teachers):
            yield f"t{t}", "teacher", f"s{shape.school_of_teacher(t)}", {"grades": ""}
        for n in range(shape.students):
            yield f"u{n}", "student", f"s{n % shape.schools}", {"grades": "06"}
        for g in range(shape.guardians):
            child = g % shape.students
            yield f"g{g}", "parent", f"s{child % shape.schools}", {"agentSourcedIds": f"u{child}"}

    def users() -> Iterator[dict[str, str]]:
        for sid, _, _, extra in people():
            yield {
                "sourcedId": sid,
                "enabledUser": "true",
                "username": f"user-{sid}",
                "givenName": "Given",
                "familyName": f"Family {sid}",
                "identifier": sid,
                "email": f"{sid}@example.org",
                **extra,
            }

    def roles() -> Iterator[dict[str, str]]:
        for sid, role, org, _ in people():
            yield {
                "sourcedId": f"r-{sid}",
                "userSourcedId": sid,
                "roleType": "primary",
                "role": role,
                "orgSourcedId": org,
            }

    def enrollments() -> Iterator[dict[str, str]]:
        for k in range(shape.classes):
            yield {
                "sourcedId": f"et{k}",
                "classSourcedId": f"k{k}",
                "schoolSourcedId": f"s{shape.school_of_teacher(k % shape.teachers)}",
                "userSourcedId": f"t{k % shape.teachers}",
                "role": "teacher",
                "primary": "true",
            }
        for e in range(shape.student_enrollments):
            k = e // STUDENTS_PER_CLASS % shape.classes
            yield {
                "sourcedId": f"es{e}",
                "classSourcedId": f"k{k}",
                "schoolSourcedId": f"s{shape.school_of_teacher(k % shape.teachers)}",
                "userSourcedId": f"u{e % shape.students}",
                "role": "student",
                "beginDate": "2026-08-01",
                "endDate": "2027-06-30",
            }

    return write_set(
        folder,
        {
            "orgs.csv": orgs(),
            "academicSessions.csv": sessions(),
            "courses.csv": courses(),
            "classes.csv": classes(),
            "users.csv": users(),
            "roles.csv": roles(),
            "enrollments.csv": enrollments(),
        },
    )


# ---------------------------------------------------------------------------- the baseline


def baseline_load(folder: Path) -> None:
    """The same rows, one bulk insert per table, no validation, no comparison: the floor.

    The rows go straight to the bulk writer the import uses (``executemany`` of one INSERT on
    SQLite, ``COPY`` on PostgreSQL), built from the CSV with no parsing model, no hashing, no
    lookups of what exists: what is left of an import once it has nothing to check.
    """
    import datetime

    from masterly.accounts.models import User
    from masterly.core.bulk import insert_rows
    from masterly.integrations.oneroster.steps.roles import masterly_role
    from masterly.roster.models import (
        AcademicSession,
        Course,
        Enrollment,
        GuardianLink,
        Org,
        RoleAssignment,
        Section,
        SectionTerm,
    )

    db = "baseline"
    date = datetime.date.fromisoformat

    def load(model: Any, rows: list[dict[str, Any]]) -> None:
        insert_rows(model, rows, using=db)

    def read(name: str) -> Iterator[dict[str, str]]:
        with (folder / name).open(encoding="utf-8", newline="") as stream:
            yield from csv.DictReader(stream)

    orgs = list(read("orgs.csv"))
    load(Org, [{"sourced_id": r["sourcedId"], "name": r["name"], "type": r["type"]} for r in orgs])
    org = dict(Org.objects.using(db).values_list("sourced_id", "pk"))
    org_type = dict(Org.objects.using(db).values_list("pk", "type"))
    sessions = list(read("academicSessions.csv"))
    load(
        AcademicSession,
        [
            {
                "sourced_id": r["sourcedId"],
                "title": r["title"],
                "type": r["type"],
                "start_date": date(r["startDate"]),
                "end_date": date(r["endDate"]),
                "school_year": int(r["schoolYear"]),
            }
            for r in sessions
        ],
    )
    term = dict(AcademicSession.objects.using(db).values_list("sourced_id", "pk"))
    load(
        Course,
        [
            {"sourced_id": r["sourcedId"], "title": r["title"], "org_id": org[r["orgSourcedId"]]}
            for r in read("courses.csv")
        ],
    )
    course = dict(Course.objects.using(db).values_list("sourced_id", "pk"))
    class_rows = list(read("classes.csv"))
    load(
        Section,
        [
            {
                "sourced_id": r["sourcedId"],
                "title": r["title"],
                "course_id": course[r["courseSourcedId"]],
                "school_id": org[r["schoolSourcedId"]],
            }
            for r in class_rows
        ],
    )
    section = dict(Section.objects.using(db).values_list("sourced_id", "pk"))
    load(
        SectionTerm,
        [
            {"section_id": section[r["sourcedId"]], "term_id": term[t]}
            for r in class_rows
            for t in r["termSourcedIds"].split(",")
        ],
    )
    user_rows = list(read("users.csv"))
    load(
        User,
        [
            {
                "sourced_id": r["sourcedId"],
                "username": r["username"],
                "first_name": r["givenName"],
                "last_name": r["familyName"],
                "email": r["email"],
                "password": "!",
            }
            for r in user_rows
        ],
    )
    user = dict(User.objects.using(db).values_list("sourced_id", "pk"))
    load(
        RoleAssignment,
        [
            {
                "user_id": user[r["userSourcedId"]],
                "org_id": org[r["orgSourcedId"]],
                "role": masterly_role(r["role"], org_type[org[r["orgSourcedId"]]]),
            }
            for r in read("roles.csv")
        ],
    )
    load(
        GuardianLink,
        [
            {"guardian_id": user[r["sourcedId"]], "student_id": user[a]}
            for r in user_rows
            for a in r["agentSourcedIds"].split(",")
            if a
        ],
    )
    del user_rows
    load(
        Enrollment,
        [
            {
                "sourced_id": r["sourcedId"],
                "user_id": user[r["userSourcedId"]],
                "section_id": section[r["classSourcedId"]],
                "role": r["role"],
                "is_primary": r["primary"] == "true",
            }
            for r in read("enrollments.csv")
        ],
    )


# ---------------------------------------------------------------------------- saves meanwhile

SAVE_EVERY = 0.1  # seconds


def build_tracker() -> dict[str, Any]:
    """A teacher's tracker for the saves: 50 students, 10 standards (mastery_recompute's)."""
    import mastery_recompute

    return mastery_recompute.build_world(50, 2, 10)


def save_scores(world: dict[str, Any], stop: Any, results: Any) -> None:
    """In a second process: one score every SAVE_EVERY seconds until ``stop`` is set."""
    import random

    from django.utils import timezone

    from masterly.accounts.models import User
    from masterly.standards.models import Standard
    from masterly.trackers.services import evidence_record

    rng = random.Random(11)
    teacher = User.objects.get(pk=world["teacher"])
    students = list(User.objects.filter(pk__in=world["students"]))
    standards = list(Standard.objects.filter(pk__in=world["standards"]))
    times: list[float] = []
    failures: list[str] = []
    while not stop.is_set():
        started = time.perf_counter()
        try:
            evidence_record(
                actor=teacher,
                student=rng.choice(students),
                standard=rng.choice(standards),
                points_earned=rng.randint(0, 4),
                points_possible=4,
                assessed_on=timezone.localdate(),
                source="manual",
            )
        except Exception as error:  # counted and shown: the point of the bench
            failures.append(repr(error))
        took = time.perf_counter() - started
        times.append(took * 1000)
        time.sleep(max(0.0, SAVE_EVERY - took))
    results.put((times, failures))


def import_with_saves(
    folder: Path, world: dict[str, Any], label: str = "with saves"
) -> tuple[float, list[float], list[str]]:
    import multiprocessing

    from django.db import connections

    from masterly.integrations.oneroster.importer import roster_import
    from masterly.integrations.oneroster.source import FolderSource

    context = multiprocessing.get_context("fork")
    stop, results = context.Event(), context.Queue()
    connections.close_all()  # the child opens its own
    saver = context.Process(target=save_scores, args=(world, stop, results))
    saver.start()
    time.sleep(1)  # the saver is up and saving
    started = time.perf_counter()
    summary = roster_import(source=FolderSource(folder), actor=None, allow_mass_deactivation=True)
    imported = time.perf_counter() - started
    print_apply(summary, f"of the import {label}")
    stop.set()
    times, failures = results.get(timeout=120)
    saver.join(timeout=60)
    return imported, times, failures


def print_apply(summary: Any, what: str) -> None:
    print(
        f"  apply      {summary.apply_seconds:7.1f} s   ({what}; the longest write transaction; "
        f"new records inserted ahead in {summary.ahead_seconds:.1f} s, the difference planned "
        f"in {summary.plan_seconds:.1f} s, both in short transactions)"
    )
    totals = summary.totals()
    if summary.changes and totals.created < summary.changes:
        print(
            f"             {totals.created:,} created, {totals.updated:,} updated, "
            f"{totals.deactivated:,} deactivated"
        )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def fresh_default_database() -> None:
    from django.db import connections

    connection = connections["default"]
    connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)


def print_saves(times: list[float], failures: list[str]) -> None:
    print(
        f"  saves      {len(times):,} saved every {SAVE_EVERY * 1000:.0f} ms: p50 "
        f"{percentile(times, 0.5):.1f} ms, p95 {percentile(times, 0.95):.1f} ms, max "
        f"{max(times, default=0):.0f} ms; {len(failures)} failed"
    )
    for failure in failures[:5]:
        print(f"    {failure}")


GONE_EVERY = 50  # every 50th student is gone from the later export (2 %)


def rollover(folder: Path, into: Path) -> None:
    """The same district a while later: every 10th student enrollment replaced by a new one
    (its class changes hands), every 20th person renamed, every 50th student gone (with their
    role and enrollments; their guardians lose the link); the rest unchanged."""
    into.mkdir(parents=True, exist_ok=True)

    def gone(sid: str) -> bool:
        return sid.startswith("u") and int(sid[1:]) % GONE_EVERY == 0

    for path in folder.iterdir():
        with path.open(newline="", encoding="utf-8") as source:
            reader = csv.DictReader(source)
            rows = list(reader)
            fields = list(reader.fieldnames or [])
        if path.name == "enrollments.csv":
            rows = [row for row in rows if not gone(row["userSourcedId"])]
            for n, row in enumerate(rows):
                if row["role"] == "student" and n % 10 == 0:
                    row["sourcedId"] += "-moved"
        elif path.name == "roles.csv":
            rows = [row for row in rows if not gone(row["userSourcedId"])]
        elif path.name == "users.csv":
            rows = [row for row in rows if not gone(row["sourcedId"])]
            for n, row in enumerate(rows):
                if n % 20 == 0:
                    row["givenName"] = "Renamed"
                if gone(row.get("agentSourcedIds", "")):
                    row["agentSourcedIds"] = ""
        with (into / path.name).open("w", newline="", encoding="utf-8") as target:
            writer = csv.DictWriter(target, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)


def run_with_saves(folder: Path, alone: float, world: dict[str, Any]) -> None:
    imported, times, failures = import_with_saves(folder, world)
    print(
        f"  with saves {imported:7.1f} s   {100 * (imported / alone - 1):+.0f} % against the "
        f"import alone (goal: at most +25 %)"
    )
    print_saves(times, failures)


def run_reimport(changed: Path, world: dict[str, Any], restore: Any) -> None:
    """The later export imported alone, then (the database put back as the first import left
    it) beside the saves."""
    from masterly.integrations.oneroster.importer import roster_import
    from masterly.integrations.oneroster.source import FolderSource

    print(
        f"  a second import with changes (every 10th student enrollment moved, every 20th "
        f"person renamed, every {GONE_EVERY}th student gone):"
    )
    started = time.perf_counter()
    summary = roster_import(source=FolderSource(changed), actor=None, allow_mass_deactivation=True)
    alone = time.perf_counter() - started
    print(f"  re-import  {alone:7.1f} s   alone")
    print_apply(summary, "of the re-import alone")
    restore()
    again, times, failures = import_with_saves(changed, world, "beside saves")
    print(
        f"  with saves {again:7.1f} s   {100 * (again / alone - 1):+.0f} % against the "
        f"re-import alone (goal: at most +25 %)"
    )
    print_saves(times, failures)


def bench_files(shape: Shape, args: argparse.Namespace) -> tuple[Path, Path, float]:
    """The generated files and their later export, kept between runs (one folder per size)."""
    cache = Path(tempfile.gettempdir()) / "masterly-bench-oneroster"
    folder = cache / f"{args.users}-{args.enrollments}"
    if args.fresh_files:
        shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    if not (folder / "done").exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder / "first", shape)
        rollover(folder / "first", folder / "rollover")
        (folder / "done").write_text("")
    return folder / "first", folder / "rollover", time.perf_counter() - started


class Snapshot:
    """The default database as it is now, to be put back later: a copy of the SQLite file; on
    PostgreSQL (no cheap copy with connections open) the first import is run again."""

    def __init__(self, folder: Path) -> None:
        from django.db import connections

        self.folder = folder
        connection = connections["default"]
        self.sqlite = connection.vendor == "sqlite"
        self.name = Path(str(connection.settings_dict["NAME"]))
        if self.sqlite:
            connections.close_all()
            shutil.copyfile(self.name, self.name.with_suffix(".kept"))

    def restore(self) -> None:
        from django.db import connections

        connections.close_all()
        if self.sqlite:
            for suffix in ("-wal", "-shm"):
                Path(f"{self.name}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.name.with_suffix(".kept"), self.name)
            return
        from masterly.integrations.oneroster.importer import roster_import
        from masterly.integrations.oneroster.source import FolderSource

        fresh_default_database()
        build_tracker()  # the same rows, so the same ids, as before the first import
        roster_import(source=FolderSource(self.folder), actor=None, allow_mass_deactivation=True)


class Profile:
    """Every statement's time, to print the slowest (``--profile``)."""

    def __init__(self) -> None:
        self.slow: list[tuple[float, bool, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            took = time.perf_counter() - started
            if took > 0.2:
                in_transaction = context["connection"].in_atomic_block
                self.slow.append((took, in_transaction, " ".join(sql.split())[:220]))

    def print(self, title: str) -> None:
        print(f"  slowest statements ({title}; * = inside a transaction):")
        for took, in_transaction, sql in sorted(self.slow, reverse=True)[:20]:
            print(f"    {took:6.2f} s {'*' if in_transaction else ' '} {sql}")
        self.slow.clear()


# ---------------------------------------------------------------------------- the run


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    args = parse_args()
    # Stopped from outside, still drop the databases and files (the finally clause below).
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    data_dir = Path(tempfile.mkdtemp(prefix="masterly-bench-"))
    setup_django(data_dir)
    from django.db import connections
    from django.db.transaction import atomic

    from masterly.integrations.oneroster.importer import roster_import
    from masterly.integrations.oneroster.source import FolderSource

    vendor = connections["default"].vendor
    created = []
    profile = Profile()
    saves = args.with_saves or args.reimport
    try:
        for alias in ("default", "baseline"):
            connections[alias].creation.create_test_db(
                verbosity=0, autoclobber=True, serialize=False
            )
            created.append(alias)

        shape = Shape(args.users, args.enrollments)
        folder, changed, generated = bench_files(shape, args)
        size_mb = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
        with (folder / "users.csv").open(encoding="utf-8") as users_file:
            users = sum(1 for _ in users_file) - 1
        print(
            f"OneRoster 1.2 import benchmark on {vendor}: {users:,} users, "
            f"{args.enrollments:,} enrollments ({size_mb:.0f} MB of CSV)"
        )
        print(f"  generate   {generated:7.1f} s   (kept between runs)")
        rss_before = peak_rss_mb()
        world = build_tracker() if saves else {}  # the same database as with the saves

        started = time.perf_counter()
        with connections["default"].execute_wrapper(profile) if args.profile else nullcontext():
            summary = roster_import(
                source=FolderSource(folder), actor=None, allow_mass_deactivation=saves
            )
        imported = time.perf_counter() - started
        rss_import = peak_rss_mb()
        totals = summary.totals()
        print(
            f"  import     {imported:7.1f} s   {totals.created:,} records created; peak RSS "
            f"{rss_import:.0f} MB ({rss_before:.0f} MB before)"
        )
        print_apply(summary, "of the import alone")
        if args.profile:
            profile.print("the import alone")
        if args.reimport:
            snapshot = Snapshot(folder)
            with connections["default"].execute_wrapper(profile) if args.profile else nullcontext():
                run_reimport(changed, world, snapshot.restore)
            if args.profile:
                profile.print("the re-imports")
        if args.with_saves:
            fresh_default_database()
            run_with_saves(folder, imported, build_tracker())
        if saves:
            return

        started = time.perf_counter()
        again = roster_import(source=FolderSource(folder), actor=None)
        reimported = time.perf_counter() - started
        print(
            f"  re-import  {reimported:7.1f} s   {again.changes:,} changes; peak RSS "
            f"{peak_rss_mb():.0f} MB; apply {again.apply_seconds:.1f} s"
        )
        if again.changes:
            print(again.as_table())
            raise SystemExit("re-importing the same files changed something")

        started = time.perf_counter()
        with atomic(using="baseline"):
            baseline_load(folder)
        baseline = time.perf_counter() - started
        print(f"  baseline   {baseline:7.1f} s   one bulk insert per table, no validation")
        print(
            f"  ratio      {imported / baseline:7.2f} × baseline (import), "
            f"{reimported / baseline:.2f} × (re-import)"
        )
        print(summary.as_table())
    finally:
        for alias in created:
            connections[alias].creation.destroy_test_db(
                connections[alias].settings_dict["NAME"], verbosity=0
            )
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
