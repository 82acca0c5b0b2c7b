"""The polling loop of one worker thread: it never stops on an error.

django-tasks-db's ``Worker.run`` lets a "database is locked" raised while opening its claim
transaction (or any other error fetching a task) end the loop, and with it the worker; the
tasks queued after that waited for a restart. This subclass keeps the library's claim and its
``run_task`` (a task that raises is recorded as failed), and owns the loop around them: an
error fetching or claiming a task is logged and retried after a short back-off, and so is an
error recording a task's outcome.
"""

from __future__ import annotations

import logging
import random
import threading
from typing import Any

from django.db import OperationalError, close_old_connections, connections
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from masterly.core.worker.identity import running_as

logger = logging.getLogger(__name__)

LONGEST_BACK_OFF = 30.0


class TaskWorker(Worker):
    """One worker: claims a task, runs it, and goes on until ``stopping`` is set."""

    def __init__(self, *, stopping: threading.Event, **options: Any) -> None:
        super().__init__(**options)
        self.stopping = stopping

    def run(self) -> None:
        logger.info("Worker %s is polling queues %s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            self.stopping.wait(random.random())  # noqa: S311 - spreads workers started together
        try:
            self._poll()
        finally:
            self._forget_connection()  # a worker thread's connection ends with it

    def _poll(self) -> None:
        failures = 0
        while not self.stopping.is_set():
            try:
                close_old_connections()
                task_result = self.claim_next()
            except Exception as error:  # whatever it was, the loop goes on
                failures += 1
                self._forget_connection()
                self._log_fetch_error(error, self.back_off(failures))
                self.stopping.wait(self.back_off(failures))
                continue
            failures = 0
            if task_result is None:
                if self.batch:
                    return
                self.stopping.wait(self.interval)
                continue
            self.run_task(task_result)
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return

    def claim_next(self) -> DBTaskResult | None:
        """The next ready task, marked as ours in the same exclusive transaction."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result

    def run_task(self, db_task_result: DBTaskResult) -> None:
        """Run it as this worker; the library records success, or failure if it raised."""
        with running_as(self.worker_id):
            try:
                super().run_task(db_task_result)
            except Exception:  # recording the outcome failed, even after retries
                logger.exception(
                    "Worker %s ran task %s but could not record its outcome",
                    self.worker_id,
                    db_task_result.id,
                )
                self._forget_connection()

    def back_off(self, failures: int) -> float:
        """Seconds to wait after the n-th error in a row: doubling, at most 30 s."""
        return min(LONGEST_BACK_OFF, max(self.interval, 0.5) * 2 ** min(failures - 1, 6))

    def _log_fetch_error(self, error: Exception, wait: float) -> None:
        if isinstance(error, OperationalError) and is_locked_database_exception(error):
            logger.warning(
                "Worker %s: the database is locked; trying again in %.1f s", self.worker_id, wait
            )
        else:
            logger.exception(
                "Worker %s could not fetch a task; trying again in %.1f s", self.worker_id, wait
            )

    @staticmethod
    def _forget_connection() -> None:
        # A connection left mid-transaction by the error would fail every later query.
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close()
