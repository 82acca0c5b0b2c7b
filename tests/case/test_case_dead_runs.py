"""A CASE import whose worker was killed is failed and its package dropped; a live one is not.

A killed worker is simulated as the sweeper sees one: a run of another worker id whose
heartbeat stopped longer ago than WORKER_DEAD_AFTER.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from masterly.core.worker.dead_runs import sweep_dead_runs
from masterly.core.worker.identity import running_as
from masterly.integrations.case.models import CaseImportRun
from masterly.integrations.case.tasks import run_case_import
from tests.case.case_packages import dumps, small_package
from tests.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def five_minutes(settings) -> None:  # type: ignore[no-untyped-def]
    settings.WORKER_DEAD_AFTER = 300


def running_run(*, worker: str, heartbeat_seconds_ago: float) -> CaseImportRun:
    beat = timezone.now() - timedelta(seconds=heartbeat_seconds_ago)
    return CaseImportRun.objects.create(
        source_name="ccss-math.json",
        payload=b'{"CFDocument": {}}',
        status=CaseImportRun.Status.RUNNING,
        started_at=beat - timedelta(minutes=1),
        heartbeat_at=beat,
        worker_id=worker,
    )


def test_a_run_whose_heartbeat_stopped_is_failed_and_its_package_dropped() -> None:
    dead = running_run(worker="killed-worker", heartbeat_seconds_ago=301)
    live = running_run(worker="live-worker", heartbeat_seconds_ago=3)

    assert sweep_dead_runs() == 1

    dead.refresh_from_db()
    live.refresh_from_db()
    assert (dead.status, dead.payload) == (CaseImportRun.Status.FAILED, None)
    assert dead.finished_at is not None
    assert dead.errors == [
        "The import stopped because the worker running it stopped (the server was restarted "
        "or ran out of memory); nothing was changed. Start the import again."
    ]
    assert (live.status, live.errors) == (CaseImportRun.Status.RUNNING, [])
    assert live.payload is not None


def test_opening_the_run_page_sweeps(world: World) -> None:
    dead = running_run(worker="killed-worker", heartbeat_seconds_ago=900)
    client = Client()
    client.force_login(world.admin)

    page = client.get(reverse("case_run", args=[dead.pk])).content.decode()

    assert "the worker running it stopped" in page
    assert "Fix the package" not in page  # nothing in the package was wrong
    assert "Import the package again" in page
    assert CaseImportRun.objects.get(pk=dead.pk).status == CaseImportRun.Status.FAILED


def test_opening_the_import_page_sweeps(world: World) -> None:
    dead = running_run(worker="killed-worker", heartbeat_seconds_ago=900)
    client = Client()
    client.force_login(world.admin)

    client.get(reverse("case_import"))

    assert CaseImportRun.objects.get(pk=dead.pk).status == CaseImportRun.Status.FAILED


def test_a_run_records_the_worker_running_it_and_its_heartbeat() -> None:
    run = CaseImportRun.objects.create(source_name="small.json", payload=dumps(small_package()))
    before = timezone.now()

    with running_as("worker-xyz-2"):
        run_case_import.call(run_id=str(run.pk))

    run.refresh_from_db()
    assert run.status == CaseImportRun.Status.SUCCEEDED
    assert run.worker_id == "worker-xyz-2"
    assert run.heartbeat_at is not None and run.heartbeat_at >= before


def test_a_dead_runs_task_in_the_queue_is_failed_too_and_a_live_runs_is_not() -> None:
    runs = {
        "dead": running_run(worker="killed-worker", heartbeat_seconds_ago=400),
        "live": running_run(worker="live-worker", heartbeat_seconds_ago=2),
    }
    tasks = {}
    for name, run in runs.items():
        task = DBTaskResult.objects.get(pk=run_case_import.enqueue(run_id=str(run.pk)).id)
        task.claim(f"{name}-worker")
        run.task_id = str(task.pk)
        run.save(update_fields=["task_id"])
        tasks[name] = task

    assert sweep_dead_runs() == 1

    for task in tasks.values():
        task.refresh_from_db()
    assert tasks["dead"].status == TaskResultStatus.FAILED
    assert tasks["dead"].traceback.startswith("The import stopped because the worker running it")
    assert tasks["live"].status == TaskResultStatus.RUNNING


def test_a_web_import_keeps_its_tasks_id(world: World) -> None:
    client = Client()
    client.force_login(world.admin)

    package = SimpleUploadedFile("small.json", dumps(small_package()), "application/json")
    client.post(reverse("case_import"), {"package": package})

    run = CaseImportRun.objects.get()
    assert DBTaskResult.objects.filter(pk=run.task_id).exists()
