"""A real ``masterly worker`` killed with SIGKILL in the middle of a roster import: once the
sweeper finds its heartbeat stopped, the run is failed, its queued task too, its upload is
deleted and its staging rows are removed; the roster was never touched.

The worker runs as its own process on a SQLite file of its own (as in production); the test
reads that file directly. The time a heartbeat may stop (WORKER_DEAD_AFTER, at least 30 s) is
not waited out: the killed run's heartbeat is set back, as the sweeper would see it later.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.worker_process import MASTERLY, ROOT, development_environment, start_worker, wait_for

STUDENTS = 8000  # 12,000 people: users.csv is staged in three chunks, the kill comes first
STAGING = [
    "oneroster_stagedorg",
    "oneroster_stagedsession",
    "oneroster_stagedcourse",
    "oneroster_stagedsection",
    "oneroster_stagedsectionterm",
    "oneroster_stageduser",
    "oneroster_stagedrole",
    "oneroster_agentpair",
    "oneroster_stagedenrollment",
]
QUEUE_AN_IMPORT = f"""
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from masterly.integrations.oneroster.services import import_run_upload
from tests.oneroster.builders import district, with_students
import pathlib, sys
path = with_students(district(), {STUDENTS}).write_zip(pathlib.Path(sys.argv[1]))
upload = SimpleUploadedFile("district.zip", path.read_bytes(), content_type="application/zip")
print(import_run_upload(upload=upload, actor=None).pk)
"""


def read(db: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db, timeout=30) as connection:
        return connection.execute(sql).fetchall()


def staged(db: Path) -> int:
    return sum(int(read(db, f"SELECT COUNT(*) FROM {table}")[0][0]) for table in STAGING)  # noqa: S608


def run_state(db: Path, pk: int) -> tuple[object, ...]:
    return read(
        db,
        "SELECT r.status, r.upload, r.staging_token, t.status FROM oneroster_importrun r "  # noqa: S608
        f"JOIN django_tasks_database_dbtaskresult t ON t.id = replace(r.task_id, '-', '') "
        f"WHERE r.id = {pk}",
    )[0]


def test_a_worker_killed_mid_import_leaves_nothing_behind_once_swept(tmp_path: Path) -> None:
    env = development_environment(tmp_path)
    db = tmp_path / "masterly.sqlite3"
    queued = subprocess.run(
        [sys.executable, "-c", QUEUE_AN_IMPORT, str(tmp_path / "district.zip")],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    pk = int(queued.stdout.strip())
    log = tmp_path / "worker.log"
    worker = start_worker(env=env, log=log)
    try:
        wait_for(
            lambda: read(db, "SELECT COUNT(*) FROM oneroster_stageduser")[0][0], 120, "staging"
        )
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    status, upload, token, task = run_state(db, pk)
    left = staged(db)
    print(f"\nkilled mid-import: {left:,} staging rows left, run {status}, task {task}")
    assert (status, task) == ("running", "RUNNING"), log.read_text()
    assert left and token is not None
    assert (tmp_path / "media" / str(upload)).exists()

    # Later: the heartbeat has stopped for longer than WORKER_DEAD_AFTER.
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE oneroster_importrun SET heartbeat_at = '2000-01-01 00:00:00' WHERE id = ?",
            [pk],
        )
    subprocess.run(
        [*MASTERLY, "worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )

    assert run_state(db, pk) == ("failed", "", None, "FAILED")
    assert staged(db) == 0
    assert not (tmp_path / "media" / str(upload)).exists()
    assert read(db, "SELECT COUNT(*) FROM accounts_user")[0][0] == 0  # nothing was imported
    (error,) = read(db, f"SELECT errors FROM oneroster_importrun WHERE id = {pk}")[0]  # noqa: S608
    assert "the worker running it stopped" in str(error)
