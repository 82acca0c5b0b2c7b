"""An import held running while teachers save scores: the scenario of
``test_oneroster_import_beside_saves.py``, run in the test's own database (PostgreSQL) or, as
``python -m tests.oneroster.held_import FOLDER``, in a fresh SQLite file (the in-memory test
database of SQLite is not shared safely between threads), printing its outcome as JSON.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

STUDENTS = 1500  # enough to keep the import running for seconds while the scores are saved
SAVERS = 2
HOLD = 0.3  # seconds the import pauses after each chunk it has staged


def hold(progress: Any) -> None:
    time.sleep(HOLD)


PAUSE = 0.02  # between one thread's saves


def roster_with(students: int, *, broken: bool) -> Any:
    from tests.oneroster.builders import district, with_students

    roster = with_students(district(), students)
    if broken:  # its very last line: found only once nearly everything has been read
        roster.add(
            "enrollments.csv",
            sourcedId="late",
            classSourcedId="nowhere",
            schoolSourcedId="s1",
            userSourcedId="st1",
            role="student",
        )
    return roster


def save_scores_during(run_import: Any) -> dict[str, Any]:
    """Run ``run_import`` while SAVERS threads save scores for class k1 through the tracker
    services; return what happened (each save's time, every failure)."""
    from django.db import connection

    from masterly.accounts.models import User
    from masterly.integrations.oneroster.errors import RosterImportRejected
    from masterly.standards.models import Standard
    from masterly.trackers.services import evidence_record

    teacher = User.objects.get(sourced_id="t1")
    student = User.objects.get(sourced_id="st1")
    standards = list(Standard.objects.order_by("pk"))
    stop = threading.Event()
    during: list[float] = []
    failures: list[str] = []
    importing = threading.Event()

    def save() -> None:
        try:
            n = 0
            while not stop.is_set():
                started = time.perf_counter()
                try:
                    evidence_record(
                        actor=teacher,
                        student=student,
                        standard=standards[n % len(standards)],
                        points_earned=n % 5,
                        points_possible=4,
                        assessed_on=datetime.date(2026, 9, 1),
                        source="manual",
                    )
                except Exception as error:  # every failure is the finding
                    failures.append(repr(error))
                if importing.is_set():
                    during.append(time.perf_counter() - started)
                n += 1
                time.sleep(PAUSE)
        finally:
            connection.close()

    threads = [threading.Thread(target=save) for _ in range(SAVERS)]
    for thread in threads:
        thread.start()
    outcome: dict[str, Any] = {}
    started = time.perf_counter()
    importing.set()
    try:
        summary = run_import()
        outcome["created"] = summary.totals().created
    except RosterImportRejected as rejected:
        outcome["rejected"] = [str(error) for error in rejected.errors]
    finally:
        importing.clear()
        outcome["import_seconds"] = round(time.perf_counter() - started, 2)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    ordered = sorted(during) or [0.0]
    outcome.update(
        saves_during=len(during),
        save_p95_ms=round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
        save_max_ms=round(1000 * ordered[-1], 1),
        failures=failures,
    )
    return outcome


def scenario(folder: Path) -> dict[str, Any]:
    """A small district imported and tracked; then a broken big import and a good one, each
    beside the saves. Returns both outcomes and what the database held after each."""
    from masterly.accounts.models import User
    from masterly.assessments.models import Evidence
    from masterly.integrations.oneroster.importer import roster_import
    from masterly.integrations.oneroster.source import open_source
    from masterly.roster.models import Enrollment, Section
    from masterly.trackers.services import tracker_create
    from tests.assessment_factories import FrameworkFactory, StandardFactory
    from tests.oneroster.builders import district, snapshot

    def importer(roster: Any, name: str) -> Any:
        path = roster.write_zip(folder / f"{name}.zip")

        def run() -> Any:
            with open_source(path) as source:
                # A pause after each chunk (outside its transaction) holds the import running
                # for seconds however fast the machine is.
                return roster_import(source=source, actor=None, progress=hold)

        return run

    importer(district(), "small")()
    teacher = User.objects.get(sourced_id="t1")
    framework = FrameworkFactory()
    standards = [StandardFactory(framework=framework) for _ in range(3)]
    tracker_create(
        actor=teacher,
        name="Math 6",
        owner=teacher,
        sections=[Section.objects.get(sourced_id="k1")],
        standards=standards,
    )

    def roster_rows() -> dict[str, Any]:
        rows = snapshot()
        del rows["core.AuditEvent"]  # each save writes its audit rows
        return rows

    before = roster_rows()
    broken = save_scores_during(importer(roster_with(STUDENTS, broken=True), "broken"))
    broken["roster_unchanged"] = roster_rows() == before
    broken["evidence"] = Evidence.objects.count()
    good = save_scores_during(importer(roster_with(STUDENTS, broken=False), "good"))
    good["evidence"] = Evidence.objects.count()
    good["enrolled"] = Enrollment.objects.filter(section__sourced_id="k1", is_active=True).count()
    return {"broken": broken, "good": good}


def main() -> None:
    folder = Path(sys.argv[1])
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'held.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    print(json.dumps(scenario(folder)))


if __name__ == "__main__":
    main()
