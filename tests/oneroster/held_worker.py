"""Issue 11's combined “done when”, with the real ``masterly worker`` process running two
tasks at once (``WORKER_CONCURRENCY`` 2): while ONE import runs in it (held running), scores
saved from other threads all succeed, and a tracker recompute queued behind the import runs
to completion before the import ends; the import then imports everything.

Runs in the test's own database (PostgreSQL) or, as ``python -m tests.oneroster.held_worker
FOLDER``, in a fresh SQLite file shared with the worker, printing its outcome as JSON.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

from tests.oneroster.held_import import STUDENTS, roster_with, save_scores_during
from tests.worker_process import development_environment, start_worker, wait_for


def scenario(folder: Path, database_url: str) -> dict[str, Any]:
    from masterly.accounts.models import User
    from masterly.integrations.oneroster.importer import roster_import
    from masterly.integrations.oneroster.models import ImportRun
    from masterly.integrations.oneroster.services import import_run_start
    from masterly.integrations.oneroster.source import open_source
    from masterly.integrations.oneroster.summary import ImportSummary
    from masterly.roster.models import Enrollment, Section
    from masterly.trackers.models import RecomputeRun
    from masterly.trackers.services import tracker_create
    from masterly.trackers.services.recompute import queue_recompute
    from tests.assessment_factories import FrameworkFactory, StandardFactory
    from tests.oneroster.builders import district
    from tests.oneroster.held_worker_task import held_oneroster_import

    with open_source(district().write_zip(folder / "small.zip")) as source:
        roster_import(source=source, actor=None)
    teacher = User.objects.get(sourced_id="t1")
    standards = [StandardFactory(framework=FrameworkFactory()) for _ in range(3)]
    tracker = tracker_create(
        actor=teacher,
        name="Math 6",
        owner=teacher,
        sections=[Section.objects.get(sourced_id="k1")],
        standards=standards,
    )
    zip_path = roster_with(STUDENTS, broken=False).write_zip(folder / "big.zip")
    hold = folder / "hold"
    hold.touch()
    env = development_environment(
        folder / "worker-data", DATABASE_URL=database_url, WORKER_CONCURRENCY="2"
    )
    worker = start_worker(env=env, log=folder / "worker.log")
    outcome: dict[str, Any] = {}
    try:
        run = import_run_start(actor=None, filename="big.zip", origin=ImportRun.Origin.WEB)
        held_oneroster_import.enqueue(run.pk, str(zip_path), str(hold))

        def status() -> str:
            return str(ImportRun.objects.values_list("status", flat=True).get(pk=run.pk))

        wait_for(lambda: status() == ImportRun.Status.RUNNING, 120, "the import to start")

        def while_the_import_runs() -> ImportSummary:
            recompute = queue_recompute(actor=None, tracker=tracker, reason="issue 11")
            done = (RecomputeRun.Status.DONE, RecomputeRun.Status.FAILED)
            wait_for(
                lambda: RecomputeRun.objects.get(pk=recompute.pk).status in done,
                120,
                "the recompute to finish",
            )
            outcome["recompute"] = str(RecomputeRun.objects.get(pk=recompute.pk).status)
            outcome["import_when_recompute_done"] = status()
            hold.unlink()  # let the import go on to its end, saves still running
            wait_for(lambda: status() != ImportRun.Status.RUNNING, 300, "the import to end")
            finished = ImportRun.objects.get(pk=run.pk)
            outcome["import"] = str(finished.status)
            return ImportSummary.from_dict(finished.summary or {"source": ""})

        outcome.update(save_scores_during(while_the_import_runs))
    finally:
        os.killpg(worker.pid, signal.SIGINT)
        worker.wait(timeout=60)
    outcome["enrolled"] = Enrollment.objects.filter(
        section__sourced_id="k1", is_active=True
    ).count()
    outcome["worker_log"] = (folder / "worker.log").read_text()[-2000:]
    return outcome


def main() -> None:
    folder = Path(sys.argv[1])
    url = f"sqlite:///{folder / 'held.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings_test"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    outcome = scenario(folder, url)
    outcome["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(outcome))


if __name__ == "__main__":
    main()
