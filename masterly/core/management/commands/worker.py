"""``masterly worker`` on the database queue: WORKER_CONCURRENCY threads that never stop.

django-tasks-db's ``db_worker`` with its options, plus ``--concurrency``; the loop itself is
``masterly.core.worker.loop.TaskWorker``.
"""

from __future__ import annotations

import os
import signal
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from masterly.core.worker.pool import WorkerPool


def concurrency(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a whole number") from None
    if not 1 <= number <= 64:
        raise ArgumentTypeError(f"{number} is out of range; use 1 to 64")
    return number


class Command(DatabaseWorkerCommand):
    help = "Run the database queue's worker: several tasks at once, surviving database errors."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--concurrency",
            type=concurrency,
            default=settings.WORKER_CONCURRENCY,
            help="Tasks run at once, each in its own thread (default: WORKER_CONCURRENCY, 2).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        pool = WorkerPool(
            concurrency=options["concurrency"],
            worker_id=options["worker_id"],
            queue_names=queue_names,
            excluded_queue_names=excluded,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
        )
        if options["reload"] and not options["batch"]:
            # The reloader's child runs the pool; only it answers Ctrl+C by finishing tasks.
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                pool.configure_signals()
            run_with_reloader(_run_then_stop_reloader, pool)
        else:
            replaced = pool.configure_signals()
            try:
                pool.run()
            finally:
                pool.restore_signals(replaced)


def _run_then_stop_reloader(pool: WorkerPool) -> None:
    """The reloader watches files until told to stop; once the pool has stopped, tell it.

    ``run_with_reloader`` answers SIGTERM with a clean exit.
    """
    pool.run()
    os.kill(os.getpid(), signal.SIGTERM)
