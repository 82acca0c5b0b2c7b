"""Benchmark: term progress reports, one and a school's batch.

    .venv/bin/python bench/term_reports.py                 # a batch of 60, extrapolated to 600
    .venv/bin/python bench/term_reports.py --batch 600     # the whole goal, on a quiet machine

The data (built afresh each run, SQLite under ``var/bench/term-reports/``): one school with
sections of 25 students, one tracker per section on 20 standards, each student scored on
every standard on 3 to 6 days of the autumn term through the evidence service (so rollups
are current), in a term of the school's classes.

Measured, taking turns so the shared machine's speed weighs on both alike:

- **Masterly**: one student's term report as a PDF (the selector, the template and
  WeasyPrint), median of ``--repeat`` runs.
- **Baseline**: the same report rendered as HTML only (the selector and the template: the
  print view), in the same run. The ratio says what WeasyPrint adds.
- **Batch**: the school's term reports asked for as the leaders' page does (queued on the
  database task queue) and made by ``masterly worker --batch`` in its own process (with its
  PDF processes) into a zip on disk: wall time, CPU time of all those processes, and their
  resident memory sampled every second, which must stay flat (the bench fails otherwise).
  Goal: 600 reports under 5 minutes on this 2-core machine; a smaller batch is extrapolated
  linearly and says so. The CPU time over the cores says what an idle machine would take,
  which matters on a shared machine whose load stretches the wall time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECTION_SIZE = 25
STANDARDS = 20
GOAL_SECONDS = 300.0
GOAL_REPORTS = 600
UNUSABLE = "!"
FLAT_MB = 40


def setup_django() -> Path:
    sys.path.insert(0, str(ROOT))
    folder = ROOT / "var" / "bench" / "term-reports"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ["MASTERLY_DATA_DIR"] = str(folder)
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    return folder


def build(students: int, seed: int = 7) -> dict[str, Any]:
    from masterly.accounts.models import User
    from masterly.roster.models import (
        AcademicSession,
        Course,
        Enrollment,
        Org,
        Role,
        RoleAssignment,
        Section,
        SectionTerm,
    )
    from masterly.standards.models import Framework, Standard
    from masterly.trackers import services
    from masterly.trackers.services.evidence import NewEvidence

    rng = random.Random(seed)
    district = Org.objects.create(sourced_id="d", name="Bench District", type="district")
    school = Org.objects.create(sourced_id="s", name="Bench Middle", type="school", parent=district)
    leader = User.objects.create(username="bench-leader", password=UNUSABLE)
    RoleAssignment.objects.create(user=leader, role=Role.SCHOOL_LEADER, org=school)
    year = AcademicSession.objects.create(
        sourced_id="y",
        title="2026-2027",
        type="schoolYear",
        school_year=2027,
        start_date=dt.date(2026, 8, 1),
        end_date=dt.date(2027, 6, 30),
    )
    term = AcademicSession.objects.create(
        sourced_id="t",
        title="Fall 2026",
        type="term",
        school_year=2027,
        parent=year,
        start_date=dt.date(2026, 8, 1),
        end_date=dt.date(2026, 12, 31),
    )
    framework = Framework.objects.create(identifier="bench", title="Bench standards")
    standards = [
        Standard.objects.create(
            framework=framework,
            identifier=f"b-{i}",
            human_coding_scheme=f"B.{i:02d}",
            full_statement=f"Bench standard number {i}, a sentence as long as a real one.",
        )
        for i in range(STANDARDS)
    ]
    course = Course.objects.create(sourced_id="c", title="Math 6", org=school)
    for index in range((students + SECTION_SIZE - 1) // SECTION_SIZE):
        teacher = User.objects.create(username=f"t{index}", password=UNUSABLE)
        RoleAssignment.objects.create(user=teacher, role=Role.TEACHER, org=school)
        section = Section.objects.create(
            sourced_id=f"sec{index}", title=f"Math 6 - P{index + 1}", course=course, school=school
        )
        SectionTerm.objects.create(section=section, term=term)
        Enrollment.objects.create(
            sourced_id=f"e-t{index}", user=teacher, section=section, role="teacher"
        )
        size = min(SECTION_SIZE, students - index * SECTION_SIZE)
        kids = [
            User.objects.create(
                username=f"s{index}-{n}",
                first_name=f"Student{n}",
                last_name=f"P{index}",
                password=UNUSABLE,
            )
            for n in range(size)
        ]
        for kid in kids:
            Enrollment.objects.create(
                sourced_id=f"e-{kid.username}", user=kid, section=section, role="student"
            )
        tracker = services.tracker_create(
            actor=teacher,
            name=f"Tracker P{index + 1}",
            owner=teacher,
            sections=[section],
            standards=standards,
        )
        rows = [
            NewEvidence(
                student=kid,
                standard=standard,
                points_earned=rng.randint(30, 100),
                points_possible=100,
                assessed_on=dt.date(2026, 9, 1) + dt.timedelta(days=rng.randint(0, 80)),
            )
            for kid in kids
            for standard in standards
            for _ in range(rng.randint(3, 6))
        ]
        services.evidence_record_many(actor=teacher, rows=rows)
        print(f"  {tracker.name}: {len(kids)} students, {len(rows)} scores")
    return {"school": school, "term": term, "leader": leader}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--batch", type=int, default=60, help="reports in the batch (60)")
    parser.add_argument("--repeat", type=int, default=7, help="runs of one report (7)")
    parser.add_argument("--quick", action="store_true", help="a batch of 25, 3 runs")
    options = parser.parse_args()
    if options.quick:
        options.batch, options.repeat = 25, 3
    folder = setup_django()
    started = time.perf_counter()
    data = build(options.batch)
    print(f"Built {options.batch} students in {time.perf_counter() - started:.1f} s ({folder})")

    from django.utils import timezone

    from masterly.reports.pdf_pool import DEFAULT_PROCESSES
    from masterly.reports.progress.documents import term_report_html, term_report_pdf
    from masterly.reports.term_batches import batch_request
    from masterly.trackers.models import TrackerSection
    from masterly.trackers.selectors.progress_report import ReportSubject, term_report

    placement = TrackerSection.objects.select_related("tracker", "section__school").first()
    if placement is None:
        raise SystemExit("no tracker was built")
    enrollment = placement.section.enrollments.filter(role="student").first()
    if enrollment is None:
        raise SystemExit("no student was built")
    student = enrollment.user
    subject = ReportSubject(
        student=student,
        tracker=placement.tracker,
        section=placement.section,
        school=placement.section.school,
        for_family=True,
    )
    today = timezone.localdate()
    term = data["term"]

    def pdf() -> int:
        return len(term_report_pdf(term_report(subject, term, today)))

    def html() -> int:
        return len(term_report_html(term_report(subject, term, today), for_pdf=True, links={}))

    pdf()  # warm: WeasyPrint's import, fonts
    pdf_times: list[float] = []
    html_times: list[float] = []
    for _ in range(options.repeat):
        for work, times in ((pdf, pdf_times), (html, html_times)):
            begun = time.perf_counter()
            work()
            times.append(time.perf_counter() - begun)
    pdf_ms = statistics.median(pdf_times) * 1000
    html_ms = statistics.median(html_times) * 1000
    print(f"One term report, median of {options.repeat}:")
    print(f"  PDF (Masterly)      {pdf_ms:8.1f} ms")
    print(f"  HTML only (baseline){html_ms:8.1f} ms")
    print(f"  ratio PDF / HTML    {pdf_ms / html_ms:8.1f} x")

    worker = [str(Path(sys.executable).with_name("masterly")), "worker"]
    worker += ["--batch", "--no-startup-delay", "--concurrency", "1"]
    subprocess.run(worker, cwd=ROOT, check=True)  # noqa: S603 - the data's own queued recomputes, untimed
    batch = batch_request(
        actor=data["leader"],
        school_id=data["school"].pk,
        term_id=term.pk,
    )  # queued on the database task queue, as the leaders' page does
    cpu_before = cpu_seconds_of_children()
    begun = time.perf_counter()
    process = subprocess.Popen(worker, cwd=ROOT)  # noqa: S603 - our own command
    samples: list[tuple[int, float]] = []
    while process.poll() is None:
        time.sleep(1.0)
        from masterly.reports.models import TermReportBatch

        done = TermReportBatch.objects.filter(pk=batch.pk).values_list("done", flat=True)[0]
        samples.append((done, tree_rss_mb(process.pid)))
    seconds = time.perf_counter() - begun
    cpu = cpu_seconds_of_children() - cpu_before
    finished = type(batch).objects.get(pk=batch.pk)
    if finished.status != "done":
        raise SystemExit(f"the batch did not finish: {finished.status} {finished.error}")
    size = (folder / "term-reports" / finished.file_name).stat().st_size / 1024 / 1024
    print(
        f"Batch of {finished.done} reports, queued and run by `masterly worker` "
        f"({DEFAULT_PROCESSES} PDF processes), into one zip ({size:.1f} MB): {seconds:.1f} s"
    )
    per_report = seconds / max(1, finished.done)
    print(
        f"  per report {per_report * 1000:.0f} ms wall; CPU of all its processes "
        f"{cpu / max(1, finished.done) * 1000:.0f} ms per report ({cpu:.1f} s in all)"
    )
    print("  resident memory of the worker and its PDF processes (reports done → MB):")
    step = max(1, len(samples) // 8)
    print("   ", ", ".join(f"{done}→{mb:.0f}" for done, mb in samples[::step]))
    flat = memory_is_flat(samples)
    print(f"  memory flat (the second half's peak within {FLAT_MB} MB of the first half's): {flat}")
    projected = per_report * GOAL_REPORTS
    label = "measured" if finished.done >= GOAL_REPORTS else "extrapolated linearly"
    verdict = "meets" if projected < GOAL_SECONDS else "misses"
    idle = cpu / max(1, finished.done) * GOAL_REPORTS / (os.cpu_count() or 1)
    print(
        f"  {GOAL_REPORTS} reports ({label} from {finished.done}): {projected:.0f} s; "
        f"{verdict} the goal of {GOAL_SECONDS:.0f} s. Their CPU time over this machine's "
        f"{os.cpu_count()} cores (what an idle machine would take): {idle:.0f} s"
    )
    if not flat:
        raise SystemExit("memory grew while the batch ran")


def cpu_seconds_of_children() -> float:
    """User and system time of this process's finished children and theirs."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def tree_rss_mb(pid: int) -> float:
    """Resident memory (MB) of a process and its children now (Linux /proc), 0 if gone."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) / 1024
    return total


def memory_is_flat(samples: list[tuple[int, float]]) -> bool:
    """The peak of the run's second half is within FLAT_MB of its first half's (the PDF
    processes start in the first)."""
    sizes = [mb for _done, mb in samples if mb > 0]
    if len(sizes) < 4:
        return True  # too short to tell
    half = len(sizes) // 2
    return max(sizes[half:]) <= max(sizes[:half]) + FLAT_MB


if __name__ == "__main__":
    main()
