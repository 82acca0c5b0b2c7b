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
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from masterly.core.worker.dead_runs import sweep_dead_runs
from masterly.core.worker.heartbeat import keep_alive
from masterly.core.worker.identity import running_as
from masterly.integrations.oneroster import staging
from masterly.integrations.oneroster.models import ImportRun, StagedEnrollment, StagedUser
from masterly.integrations.oneroster.progress import progress_key
from masterly.integrations.oneroster.services import import_run_execute
from masterly.integrations.oneroster.staging import SCRATCH
from masterly.integrations.oneroster.tasks import run_oneroster_import
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
    assert "Not imported" in page


def test_opening_a_runs_page_sweeps(client, world):  # type: ignore[no-untyped-def]
    dead = running_run(worker="killed-worker-5", heartbeat_seconds_ago=600)
    client.force_login(world.admin)

    page = client.get(reverse("oneroster:run", args=[dead.pk])).content.decode()

    assert "the worker running it stopped" in page
    assert "The import did not finish, and nothing was changed" in page
    assert "Fix the problems below" not in page  # nothing in the files was wrong
    assert '<h2 id="errors-heading">Why it stopped</h2>' in page


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


def staged_rows(token: int, users: int = 3) -> None:
    """What a killed import leaves in staging: committed chunks of its files."""
    StagedUser.objects.bulk_create(
        StagedUser(token=token, line=n + 2, sourced_id=f"u{n}") for n in range(users)
    )
    StagedEnrollment.objects.create(token=token, line=2, sourced_id="e1", user_sid="u0")


def staged_total() -> int:
    return sum(model._default_manager.count() for model in SCRATCH)


def claimed_task(run: ImportRun, worker: str) -> DBTaskResult:
    """The queue's record of the run's task, claimed by ``worker`` (as the worker does)."""
    task = DBTaskResult.objects.get(pk=run_oneroster_import.enqueue(run_id=run.pk).id)
    task.claim(worker)
    run.task_id = str(task.pk)
    run.save(update_fields=["task_id"])
    return task


def test_a_dead_runs_staging_rows_and_queued_task_go_with_it_and_a_live_runs_stay(monkeypatch):
    monkeypatch.setattr(staging, "CLEAR_BATCH", 2)  # removed in several short transactions
    dead = running_run(worker="killed-worker-7", heartbeat_seconds_ago=400)
    live = running_run(worker="live-worker-8", heartbeat_seconds_ago=2)
    for run, token in ((dead, 11), (live, 22)):
        run.staging_token = token
        run.save(update_fields=["staging_token"])
        staged_rows(token)
    dead_task, live_task = claimed_task(dead, "killed-worker-7"), claimed_task(live, "live-8")

    assert sweep_dead_runs() == 1

    dead.refresh_from_db()
    assert (dead.status, dead.staging_token, dead.upload) == ("failed", None, "")
    assert not StagedUser.objects.filter(token=11).exists()
    assert not StagedEnrollment.objects.filter(token=11).exists()
    assert staged_total() == 4  # the live run's, untouched
    dead_task.refresh_from_db()
    assert dead_task.status == TaskResultStatus.FAILED
    assert dead_task.finished_at is not None
    assert dead_task.traceback.startswith("the import stopped because the worker running it")
    live_task.refresh_from_db()
    assert live_task.status == TaskResultStatus.RUNNING
    assert ImportRun.objects.get(pk=live.pk).staging_token == 22


def test_staging_rows_of_a_run_that_is_no_longer_running_are_swept():
    # A process that crashed after recording its outcome but before removing its staging.
    left = ImportRun.objects.create(
        filename="crashed.zip", status=ImportRun.Status.FAILED, staging_token=33
    )
    staged_rows(33, users=5)
    queued = ImportRun.objects.create(filename="next.zip", staging_token=None)

    assert sweep_dead_runs() == 1

    assert staged_total() == 0
    assert ImportRun.objects.get(pk=left.pk).staging_token is None
    assert ImportRun.objects.get(pk=queued.pk).status == ImportRun.Status.QUEUED
    assert sweep_dead_runs() == 0


def test_a_finished_import_leaves_no_staging_token_behind(tmp_path: Path):
    path = district().write_zip(tmp_path / "rosters.zip")
    run = ImportRun.objects.create(filename="rosters.zip")

    import_run_execute(run=run, path=path)

    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.staging_token is None
    assert staged_total() == 0
