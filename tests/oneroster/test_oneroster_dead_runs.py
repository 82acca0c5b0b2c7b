"""A run whose worker was killed is failed and its upload removed; a live worker's run is not.

A killed worker is simulated as the sweeper sees one: a run of another worker id whose
heartbeat stopped longer ago than WORKER_DEAD_AFTER.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from masterly.core.worker.dead_runs import sweep_dead_runs
from masterly.core.worker.heartbeat import keep_alive
from masterly.core.worker.identity import running_as
from masterly.integrations.oneroster.models import ImportRun
from masterly.integrations.oneroster.progress import progress_key
from masterly.integrations.oneroster.services import import_run_execute
from tests.oneroster.builders import district

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.WORKER_DEAD_AFTER = 300


def running_run(*, worker: str, heartbeat_seconds_ago: float) -> ImportRun:
    upload = default_storage.save("oneroster/upload.zip", ContentFile(b"PK district people"))
    beat = timezone.now() - timedelta(seconds=heartbeat_seconds_ago)
    run = ImportRun.objects.create(
        filename="rosters.zip",
        upload=upload,
        status=ImportRun.Status.RUNNING,
        started_at=beat - timedelta(minutes=1),
        heartbeat_at=beat,
        worker_id=worker,
    )
    cache.set(progress_key(run.pk), {"file": "users.csv", "rows": 10, "percent": 5})
    return run


def test_a_run_whose_heartbeat_stopped_is_failed_with_a_clear_message_and_its_upload_removed():
    dead = running_run(worker="killed-worker-1", heartbeat_seconds_ago=301)

    assert sweep_dead_runs() == 1

    dead.refresh_from_db()
    assert dead.status == ImportRun.Status.FAILED
    assert dead.finished_at is not None
    assert dead.upload == ""
    assert not default_storage.listdir("oneroster")[1]
    assert cache.get(progress_key(dead.pk)) is None
    [error] = dead.errors
    assert error["file"] == "rosters.zip"
    assert error["message"].startswith("the import stopped because the worker running it stopped")
    assert "nothing was changed. Upload the file again." in error["message"]


def test_a_run_of_another_live_worker_is_left_alone():
    live = running_run(worker="live-worker-2", heartbeat_seconds_ago=4)

    assert sweep_dead_runs() == 0

    live.refresh_from_db()
    assert (live.status, live.errors, live.finished_at) == (ImportRun.Status.RUNNING, [], None)
    assert default_storage.exists(live.upload)


def test_finished_and_queued_runs_are_never_swept():
    old = timezone.now() - timedelta(days=2)
    queued = ImportRun.objects.create(filename="later.zip")
    done = ImportRun.objects.create(
        filename="done.zip", status=ImportRun.Status.SUCCEEDED, started_at=old, heartbeat_at=old
    )

    assert sweep_dead_runs() == 0
    assert ImportRun.objects.get(pk=queued.pk).status == ImportRun.Status.QUEUED
    assert ImportRun.objects.get(pk=done.pk).status == ImportRun.Status.SUCCEEDED


def test_the_time_a_heartbeat_may_stop_comes_from_the_setting(settings):  # type: ignore[no-untyped-def]
    run = running_run(worker="slow-worker", heartbeat_seconds_ago=60)
    assert sweep_dead_runs() == 0
    settings.WORKER_DEAD_AFTER = 30
    assert sweep_dead_runs() == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED


def test_opening_the_import_page_sweeps(client, world):  # type: ignore[no-untyped-def]
    dead = running_run(worker="killed-worker-3", heartbeat_seconds_ago=600)
    live = running_run(worker="live-worker-4", heartbeat_seconds_ago=1)
    client.force_login(world.admin)

    page = client.get(reverse("oneroster:imports")).content.decode()

    assert ImportRun.objects.get(pk=dead.pk).status == ImportRun.Status.FAILED
    assert ImportRun.objects.get(pk=live.pk).status == ImportRun.Status.RUNNING
    assert "Rejected" in page


def test_opening_a_runs_page_sweeps(client, world):  # type: ignore[no-untyped-def]
    dead = running_run(worker="killed-worker-5", heartbeat_seconds_ago=600)
    client.force_login(world.admin)

    page = client.get(reverse("oneroster:run", args=[dead.pk])).content.decode()

    assert "the worker running it stopped" in page


@pytest.mark.django_db(transaction=True)
def test_the_worker_sweeps_when_it_starts():
    dead = running_run(worker="killed-worker-6", heartbeat_seconds_ago=600)

    call_command("worker", batch=True, interval=0, startup_delay=False, verbosity=0)

    dead.refresh_from_db()
    assert dead.status == ImportRun.Status.FAILED


def test_a_run_records_the_worker_running_it_and_its_first_heartbeat(tmp_path: Path):
    path = district().write_zip(tmp_path / "rosters.zip")
    run = ImportRun.objects.create(filename="rosters.zip", dry_run=True)
    before = timezone.now()

    with running_as("worker-abc-1"):
        import_run_execute(run=run, path=path)

    run.refresh_from_db()
    assert run.worker_id == "worker-abc-1"
    assert run.heartbeat_at is not None and run.heartbeat_at >= before


def test_a_command_line_run_records_its_process_as_the_worker(tmp_path: Path):
    path = district().write_zip(tmp_path / "rosters.zip")
    run = ImportRun.objects.create(filename="rosters.zip", dry_run=True)

    import_run_execute(run=run, path=path)

    run.refresh_from_db()
    assert run.worker_id.endswith(f":{os.getpid()}")


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_is_written_from_its_own_thread_while_the_run_works():
    run = running_run(worker="this-worker", heartbeat_seconds_ago=600)
    stale = run.heartbeat_at
    assert stale is not None

    with keep_alive(ImportRun.objects.filter(pk=run.pk), every=0.05):
        time.sleep(0.5)  # the run at work, calling nothing

    run.refresh_from_db()
    assert run.heartbeat_at is not None
    assert run.heartbeat_at > stale + timedelta(seconds=590)
    assert sweep_dead_runs() == 0


@pytest.mark.django_db(transaction=True)
def test_a_real_import_beats_while_it_runs(settings, tmp_path: Path):  # type: ignore[no-untyped-def]
    settings.WORKER_HEARTBEAT_SECONDS = 0.05
    path = district().write_zip(tmp_path / "rosters.zip")
    run = ImportRun.objects.create(filename="rosters.zip")

    import_run_execute(run=run, path=path, progress=lambda progress: time.sleep(0.05))

    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.started_at is not None and run.heartbeat_at is not None
    assert run.heartbeat_at > run.started_at
