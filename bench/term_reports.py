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
- **Batch**: the school's term reports made by ``run_batch`` (what the worker's task runs)
  into a zip on disk, timed, with the process's peak resident memory sampled before, half way
  and at the end (flat: one PDF in memory at a time). Goal: 600 reports under 5 minutes on
  this 2-core machine; a smaller batch is extrapolated linearly and says so.
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
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SECTION_SIZE = 25
STANDARDS = 20
GOAL_SECONDS = 300.0
GOAL_REPORTS = 600
UNUSABLE = "!"


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


def rss_mb() -> float:
    """The process's peak resident memory so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
    from masterly.reports.term_batches import batch_request, run_batch
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

    batch = batch_request(
        actor=data["leader"],
        school_id=data["school"].pk,
        term_id=term.pk,
    )
    samples: list[tuple[int, float]] = []
    stop = threading.Event()

    def sample() -> None:
        from masterly.reports.models import TermReportBatch

        while not stop.wait(1.0):
            done = TermReportBatch.objects.filter(pk=batch.pk).values_list("done", flat=True)[0]
            samples.append((done, rss_mb()))

    watcher = threading.Thread(target=sample, daemon=True)
    before = rss_mb()
    begun = time.perf_counter()
    watcher.start()
    finished = run_batch(batch.pk)
    seconds = time.perf_counter() - begun
    stop.set()
    watcher.join()
    if finished.status != "done":
        raise SystemExit(f"the batch failed: {finished.error}")
    size = (folder / "term-reports" / finished.file_name).stat().st_size / 1024 / 1024
    print(f"Batch of {finished.done} reports into one zip ({size:.1f} MB): {seconds:.1f} s")
    print(f"  peak RSS before {before:.0f} MB; while running (reports done → peak MB):")
    step = max(1, len(samples) // 6)
    print("   ", ", ".join(f"{done}→{mb:.0f}" for done, mb in samples[::step]))
    print(f"  peak RSS at the end {rss_mb():.0f} MB")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"  peak RSS of the largest PDF process ({DEFAULT_PROCESSES} of them): {children:.0f} MB")
    per_report = seconds / max(1, finished.done)
    projected = per_report * GOAL_REPORTS
    label = "measured" if finished.done >= GOAL_REPORTS else "extrapolated linearly"
    verdict = "meets" if projected < GOAL_SECONDS else "misses"
    print(
        f"  {GOAL_REPORTS} reports ({label} from {finished.done}): {projected:.0f} s; "
        f"{verdict} the goal of {GOAL_SECONDS:.0f} s ({DEFAULT_PROCESSES} PDF processes; "
        "the machine's load from other work weighs on it)"
    )


if __name__ == "__main__":
    main()
