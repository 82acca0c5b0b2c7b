"""``masterly start``: everything on one machine — migrate, demo district once, worker, server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from masterly.demo.activation import activation_line
from masterly.demo.management.commands.demo import SIGN_INS
from masterly.demo.rosters import PASSWORD


class Command(BaseCommand):
    help = "Migrate, load the demo district if the database is empty, start the worker and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", help="default: 127.0.0.1:$PORT (PORT is 8000 unless set)")
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo.")

    @staticmethod
    def worker_commands() -> list[list[str]]:
        """WORKER_CONCURRENCY tasks at once: threads of one database worker, or RQ processes."""
        worker = [sys.executable, "-m", "masterly.cli", "worker"]
        if settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db"):
            # --no-reload: the database worker would otherwise run under its own autoreloader
            # in DEBUG: two processes for one worker, restarting mid-task on every code change.
            return [[*worker, "--no-reload", f"--concurrency={settings.WORKER_CONCURRENCY}"]]
        return [worker] * settings.WORKER_CONCURRENCY

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database is up to date.")
        if not options["no_demo"]:
            call_command("demo", if_empty=True)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        workers = [
            subprocess.Popen(command, env=os.environ.copy())  # noqa: S603 - our own command
            for command in self.worker_commands()
        ]
        host = options["addrport"] or f"127.0.0.1:{settings.PORT}"
        self.stdout.write(self.style.SUCCESS(f"\nMasterly is running at http://{host}/\n"))
        self.stdout.write(f"Demo sign-ins (password: {PASSWORD}):")
        for username, who in SIGN_INS:
            self.stdout.write(f"  {username:<8} {who}")
        if waiting := activation_line():
            self.stdout.write(f"Guardians' activation: {waiting}")
        self.stdout.write(
            f"The task worker is running too ({settings.WORKER_CONCURRENCY} tasks at once). "
            "Press Ctrl+C to stop both.\n"
        )
        # A SIGTERM (a service manager, `kill`) stops both too, as Ctrl+C does.
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            call_command("runserver", host, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            _stop(workers)


def _stop(workers: list[subprocess.Popen[bytes]]) -> None:
    """Ctrl+C to each worker (it finishes its task), then kill what is still running at 10 s."""
    for worker in workers:
        worker.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 10
    for worker in workers:
        try:
            worker.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            worker.kill()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt
