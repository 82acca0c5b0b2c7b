"""``masterly worker`` never stops polling: errors are logged, tasks that raise fail alone,
and with several threads a long task does not hold up the next one."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django_tasks import TaskResult, TaskResultStatus

from masterly.core.management.commands.worker import Command as WorkerCommand
from masterly.core.tasks import worker_echo
from masterly.core.worker.loop import TaskWorker
from masterly.core.worker.pool import WorkerPool
from tests.worker_tasks import RELEASE, fail_loudly, hold_until_released

# The worker checks its connections between tasks, so these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def worker_options(**changes: object) -> dict[str, object]:
    return {
        "queue_names": ["default"],
        "excluded_queue_names": [],
        "interval": 0.05,
        "batch": True,
        "backend_name": "default",
        "startup_delay": False,
        "max_tasks": None,
        **changes,
    }


def test_a_task_that_raises_is_recorded_as_failed_and_the_next_one_runs() -> None:
    failing = fail_loudly.enqueue("the sky fell")
    echo = worker_echo.enqueue("still here")

    call_command("worker", batch=True, concurrency=1, interval=0, startup_delay=False, verbosity=0)

    failing.refresh()
    echo.refresh()
    assert failing.status == TaskResultStatus.FAILED
    assert "the sky fell" in failing.errors[0].traceback
    assert (echo.status, echo.return_value) == (TaskResultStatus.SUCCESSFUL, "still here")


class FlakyWorker(TaskWorker):
    """Its first two claims meet a database error that is not "locked", then the real one."""

    def __init__(self, **options: object) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self.errors_left = 2

    def claim_next(self):  # type: ignore[no-untyped-def]
        if self.errors_left:
            self.errors_left -= 1
            raise OperationalError("server closed the connection unexpectedly")
        return super().claim_next()


def test_an_error_fetching_a_task_is_logged_and_polling_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    echo = worker_echo.enqueue("after the errors")
    worker = FlakyWorker(
        worker_id="flaky", stopping=threading.Event(), **worker_options(interval=0.01)
    )

    with caplog.at_level(logging.WARNING, logger="masterly.core.worker"):
        worker.run()

    echo.refresh()
    assert echo.status == TaskResultStatus.SUCCESSFUL
    fetch_errors = [r for r in caplog.records if "could not fetch a task" in r.getMessage()]
    assert len(fetch_errors) == 2
    assert "server closed the connection" in caplog.text


def test_back_off_doubles_and_stays_short() -> None:
    worker = TaskWorker(worker_id="w", stopping=threading.Event(), **worker_options(interval=1))
    assert [worker.back_off(n) for n in (1, 2, 3, 6, 20)] == [1, 2, 4, 30, 30]


def status(result: TaskResult[Any, Any]) -> TaskResultStatus:
    """The result's status now; on the tests' in-memory SQLite (shared cache) a read meets a
    worker's claim transaction at once ("table is locked") instead of waiting, so try again."""
    for _ in range(100):
        try:
            result.refresh()
        except OperationalError:
            time.sleep(0.05)
            continue
        return result.status
    raise AssertionError("the task queue stayed locked")


def test_while_a_long_task_runs_a_second_queued_task_finishes() -> None:
    # The long task holds no write transaction (on SQLite one that did would hold every other
    # writer, the worker's claims included; that is the staging import's part of issue 11).
    RELEASE.clear()
    long = hold_until_released.enqueue(60)
    time.sleep(0.01)  # queued after it, so a single worker would take the long one first
    echo = worker_echo.enqueue("not held up")
    pool = WorkerPool(concurrency=2, worker_id="pool", **worker_options())
    running = threading.Thread(target=pool.run)
    running.start()
    try:
        deadline = time.monotonic() + 60
        while status(echo) != TaskResultStatus.SUCCESSFUL and time.monotonic() < deadline:
            time.sleep(0.05)
        assert echo.status == TaskResultStatus.SUCCESSFUL
        assert status(long) == TaskResultStatus.RUNNING
    finally:
        RELEASE.set()
        pool.stop()
        running.join(timeout=60)
    assert status(long) == TaskResultStatus.SUCCESSFUL
    assert long.return_value == "released"
    assert {long.worker_ids[0], echo.worker_ids[0]} == {"pool-1", "pool-2"}


def test_concurrency_defaults_to_the_environment_setting(settings) -> None:  # type: ignore[no-untyped-def]
    settings.WORKER_CONCURRENCY = 3
    options = WorkerCommand().create_parser("masterly", "worker").parse_args([])
    assert options.concurrency == 3
    pool = WorkerPool(concurrency=options.concurrency, worker_id="w", **worker_options())
    assert [worker.worker_id for worker in pool.workers] == ["w-1", "w-2", "w-3"]
