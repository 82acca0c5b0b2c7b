"""Benchmark: a school's activation letters made in the background, memory kept flat.

    .venv/bin/python bench/activation_letters.py [--guardians 400]

A school of N guardians (each with one child) gets its letters through the task
(``activation_letters_make``: codes issued, letters rendered and written into the zip 50 at a
time). The raw baseline, in the same run, is WeasyPrint rendering one batch of 50 letters'
HTML with nothing else: the ratios say what the task adds per letter (codes, queries, zip)
and whether its memory grows with the school (resident memory after the whole run over
resident memory after one raw batch; near 1 means flat).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from case_import import bench_database

UNUSABLE = "!"  # an unusable password, as the roster import gives


def resident_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--guardians", type=int, default=400)
    args = parser.parse_args()

    with bench_database("activation_letters") as vendor:
        from masterly.accounts.models import User
        from masterly.reports import activation_letters
        from masterly.reports.pdf import render_pdf
        from masterly.roster.models import GuardianLink, Org, Role, RoleAssignment

        school = Org.objects.create(sourced_id="s1", name="Cedar Ridge Middle", type="school")
        owner = User.objects.create(username="leader")
        students = User.objects.bulk_create(
            User(username=f"st{n}", first_name="Child", last_name=f"{n:04d}", password=UNUSABLE)
            for n in range(args.guardians)
        )
        guardians = User.objects.bulk_create(
            User(username=f"g{n}", first_name="Guardian", last_name=f"{n:04d}", password=UNUSABLE)
            for n in range(args.guardians)
        )
        RoleAssignment.objects.bulk_create(
            [RoleAssignment(user=s, role=Role.STUDENT, org=school) for s in students]
            + [RoleAssignment(user=g, role=Role.GUARDIAN, org=school) for g in guardians]
        )
        GuardianLink.objects.bulk_create(
            GuardianLink(guardian=g, student=s) for g, s in zip(guardians, students, strict=True)
        )

        batch = guardians[: activation_letters.LETTERS_PER_PDF]
        codes = {g.pk: "AAAA-CCCC-EEEE" for g in batch}
        html = activation_letters.letters_html(school, batch, codes, activate_url="https://x/")
        render_pdf(html)  # warm WeasyPrint's fonts before timing
        started = time.perf_counter()
        render_pdf(html)
        raw_per_letter = (time.perf_counter() - started) / len(batch)
        raw_mb = resident_mb()

        run = activation_letters.LetterRun(
            id="bench", owner_id=owner.pk, school_id=school.pk, school_name=school.name
        )
        activation_letters.run_save(run)
        started = time.perf_counter()
        status = activation_letters.activation_letters_make.call("bench", False, "https://x/")
        seconds = time.perf_counter() - started
        task_mb = resident_mb()
        size = activation_letters.run_path("bench").stat().st_size
        per_letter = seconds / args.guardians
        print(f"database: {vendor}; {args.guardians} guardians; status {status}")
        print(f"raw WeasyPrint: {raw_per_letter * 1000:.0f} ms a letter; {raw_mb:.0f} MB resident")
        print(
            f"task: {seconds:.1f} s, {per_letter * 1000:.0f} ms a letter "
            f"(ratio {per_letter / raw_per_letter:.2f}); {task_mb:.0f} MB resident "
            f"(ratio {task_mb / raw_mb:.2f}); zip {size / 2**20:.1f} MB"
        )


if __name__ == "__main__":
    main()
