"""The reported failure, for real: a SQLite database locked by another connection for longer
than the busy timeout. The worker (its own process, as in production) logs it, keeps polling,
and runs the task queued once the lock is gone."""

from __future__ import annotations

import signal
import sqlite3
import time
from pathlib import Path

from tests.worker_process import development_environment, enqueue_echo, start_worker, wait_for

BUSY_TIMEOUT = 1  # seconds; the lock below is held three times as long


def test_the_worker_survives_a_locked_database_and_then_runs_the_queued_task(
    tmp_path: Path,
) -> None:
    env = development_environment(tmp_path, SQLITE_BUSY_TIMEOUT=str(BUSY_TIMEOUT))
    log = tmp_path / "worker.log"
    worker = start_worker("--no-reload", "--concurrency=1", "--interval=0.1", env=env, log=log)
    try:
        wait_for(lambda: "is polling" in log.read_text(), 60, "the worker to start")

        lock = sqlite3.connect(tmp_path / "masterly.sqlite3", isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        time.sleep(3 * BUSY_TIMEOUT)
        lock.execute("ROLLBACK")
        lock.close()
        assert "the database is locked" in log.read_text()
        assert worker.poll() is None, log.read_text()

        task_id = enqueue_echo("after the lock", env=env)
        database = sqlite3.connect(tmp_path / "masterly.sqlite3")

        def outcome() -> tuple[str, str] | None:
            return database.execute(
                "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE id = ?",
                [task_id.replace("-", "")],
            ).fetchone()

        wait_for(lambda: (outcome() or ("",))[0] == "SUCCESSFUL", 30, "the task to run")
        assert outcome() == ("SUCCESSFUL", '"after the lock"')
        database.close()
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=30)
    assert worker.returncode == 0, log.read_text()
