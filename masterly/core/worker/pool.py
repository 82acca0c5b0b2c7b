"""Several worker threads in one process, so one long import never holds up a recompute.

Threads rather than processes: a task spends much of its time in the database, which
releases the GIL; they share one process's memory; the tests run them in-process. More
capacity is more threads (WORKER_CONCURRENCY) or more ``masterly worker`` processes.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
import time
from types import FrameType
from typing import Any

from django.db import connection

from masterly.core.worker.dead_runs import sweep_dead_runs
from masterly.core.worker.loop import TaskWorker

logger = logging.getLogger(__name__)

SWEEP_EVERY = 60.0


class WorkerPool:
    def __init__(self, *, concurrency: int, worker_id: str, **options: Any) -> None:
        self.stopping = threading.Event()
        self.workers = [
            TaskWorker(
                worker_id=f"{worker_id}-{number}" if concurrency > 1 else worker_id,
                stopping=self.stopping,
                **options,
            )
            for number in range(1, concurrency + 1)
        ]

    def run(self) -> None:
        """Sweep dead runs, run every worker, sweep again every minute until all have stopped."""
        self.sweep()
        threads = [
            threading.Thread(target=worker.run, name=f"task-worker-{number}", daemon=True)
            for number, worker in enumerate(self.workers, start=1)
        ]
        for thread in threads:
            thread.start()
        next_sweep = time.monotonic() + SWEEP_EVERY
        while alive := [thread for thread in threads if thread.is_alive()]:
            alive[0].join(timeout=1.0)
            if time.monotonic() >= next_sweep:
                self.sweep()
                next_sweep = time.monotonic() + SWEEP_EVERY

    def stop(self) -> None:
        """Each worker finishes the task it is running, then stops."""
        self.stopping.set()

    def sweep(self) -> None:
        failed = sweep_dead_runs()
        if failed:
            logger.warning("Marked %s run(s) of dead workers as failed", failed)
        if not connection.in_atomic_block:
            connection.close()  # the sweeping thread's connection is not needed until next time

    def configure_signals(self) -> dict[int, Any]:
        """Ctrl+C and SIGTERM finish the running tasks; returns the handlers they replaced."""
        replaced = {}
        for name in ("SIGINT", "SIGTERM", "SIGQUIT"):
            if hasattr(signal, name):
                number = getattr(signal, name)
                replaced[number] = signal.signal(number, self._shutdown)
        return replaced

    @staticmethod
    def restore_signals(replaced: dict[int, Any]) -> None:
        for number, handler in replaced.items():
            signal.signal(number, handler)

    def _shutdown(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping.is_set():
            logger.warning("Received %s again: stopping now", signal.strsignal(signum))
            sys.exit(1)
        logger.warning(
            "Received %s: finishing the running tasks, then stopping (again to force)",
            signal.strsignal(signum),
        )
        self.stop()
