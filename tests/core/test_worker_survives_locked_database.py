"""The reported failure, for real: a SQLite database locked by another connection for longer
than the busy timeout. The worker (its own process, as in production) logs it, keeps polling,
and runs the task queued once the lock is gone."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUSY_TIMEOUT = 1  # seconds; the lock below is held three times as long


def _environment(data_dir: Path) -> dict[str, str]:
    kept = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    return {
        **kept,
        "DEBUG": "1",
        "MASTERLY_DATA_DIR": str(data_dir),
        "SQLITE_BUSY_TIMEOUT": str(BUSY_TIMEOUT),
        "MASTERLY_LOCAL_ENV": str(data_dir / "local.env"),
    }


def _wait_for(condition, seconds: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def test_the_worker_survives_a_locked_database_and_then_runs_the_queued_task(
    tmp_path: Path,
) -> None:
    env = _environment(tmp_path)
    masterly = [sys.executable, "-m", "masterly.cli"]
    subprocess.run(
        [*masterly, "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        worker = subprocess.Popen(
            [
                *masterly,
                "worker",
                "--no-reload",
                "--concurrency=1",
                "--interval=0.1",
                "--no-startup-delay",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for(lambda: "is polling" in log_path.read_text(), 60, "the worker to start")

        lock = sqlite3.connect(tmp_path / "masterly.sqlite3", isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        time.sleep(3 * BUSY_TIMEOUT)
        lock.execute("ROLLBACK")
        lock.close()
        assert "the database is locked" in log_path.read_text()
        assert worker.poll() is None, log_path.read_text()

        enqueue = (
            "import django; django.setup();"
            "from masterly.core.tasks import worker_echo;"
            "print(worker_echo.enqueue('after the lock').id)"
        )
        task_id = subprocess.run(
            [sys.executable, "-c", enqueue],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()

        database = sqlite3.connect(tmp_path / "masterly.sqlite3")

        def outcome() -> tuple[str, str] | None:
            return database.execute(
                "SELECT status, return_value FROM django_tasks_database_dbtaskresult WHERE id = ?",
                [task_id.replace("-", "")],
            ).fetchone()

        _wait_for(lambda: (outcome() or ("",))[0] == "SUCCESSFUL", 30, "the task to run")
        assert outcome() == ("SUCCESSFUL", '"after the lock"')
        database.close()
    finally:
        worker.send_signal(signal.SIGINT)
        worker.wait(timeout=30)
    assert worker.returncode == 0, log_path.read_text()
