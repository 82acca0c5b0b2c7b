"""Ctrl+C stops ``masterly worker`` in its reloading development form (``make worker``) once
its tasks are done: the reloader and its child both exit. (Without the reloader, the locked
database test stops it the same way.)"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_ctrl_c_stops_every_process_of_the_reloading_worker(tmp_path: Path) -> None:
    kept = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env = {
        **kept,
        "DEBUG": "1",
        "MASTERLY_DATA_DIR": str(tmp_path),
        "MASTERLY_LOCAL_ENV": str(tmp_path / "local.env"),
    }
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
            [*masterly, "worker", "--reload", "--no-startup-delay"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal's Ctrl+C reaches
        )
    try:
        deadline = time.monotonic() + 60
        while log_path.read_text().count("is polling") < 2:  # both threads (WORKER_CONCURRENCY)
            assert time.monotonic() < deadline, log_path.read_text()
            time.sleep(0.2)
        os.killpg(worker.pid, signal.SIGINT)
        assert worker.wait(timeout=30) == 0, log_path.read_text()
        deadline = time.monotonic() + 30
        while subprocess.run(["pgrep", "-g", str(worker.pid)], capture_output=True).returncode == 0:
            assert time.monotonic() < deadline, "a worker process is still running"
            time.sleep(0.2)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    assert "finishing the running tasks, then stopping" in log_path.read_text()
