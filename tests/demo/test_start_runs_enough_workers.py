"""``masterly start`` runs WORKER_CONCURRENCY tasks at once, whichever queue is configured."""

from __future__ import annotations

import sys

from masterly.demo.management.commands.start import Command as Start

WORKER = [sys.executable, "-m", "masterly.cli", "worker"]


def test_the_database_queue_gets_one_worker_with_that_many_threads(settings) -> None:  # type: ignore[no-untyped-def]
    settings.WORKER_CONCURRENCY = 3
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert Start.worker_commands() == [[*WORKER, "--no-reload", "--concurrency=3"]]


def test_the_redis_queue_gets_that_many_worker_processes(settings) -> None:  # type: ignore[no-untyped-def]
    settings.WORKER_CONCURRENCY = 3
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    assert Start.worker_commands() == [WORKER, WORKER, WORKER]
