"""Ctrl+C stops ``masterly worker`` in its reloading development form (``make worker``) once
its tasks are done: the reloader and its child both exit. (Without the reloader, the locked
database test stops it the same way.)"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from tests.worker_process import development_environment, start_worker, wait_for


def test_ctrl_c_stops_every_process_of_the_reloading_worker(tmp_path: Path) -> None:
    env = development_environment(tmp_path)
    log = tmp_path / "worker.log"
    worker = start_worker("--reload", env=env, log=log)
    try:
        # Both threads (WORKER_CONCURRENCY is 2) are polling.
        wait_for(lambda: log.read_text().count("is polling") == 2, 60, "the worker to start")
        os.killpg(worker.pid, signal.SIGINT)
        assert worker.wait(timeout=30) == 0, log.read_text()

        def group_gone() -> bool:
            return subprocess.run(["pgrep", "-g", str(worker.pid)], check=False).returncode != 0

        wait_for(group_gone, 30, "every worker process to exit")
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    assert "finishing the running tasks, then stopping" in log.read_text()
