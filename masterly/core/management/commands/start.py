"""``masterly start``: everything on one machine — migrate, demo district once, worker, server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

DEMO_SIGN_INS = [
    ("admin", "district admin"),
    ("leader", "school leader"),
    ("teacher", "teacher"),
    ("student", "student"),
    ("parent", "parent of student"),
]
DEMO_PASSWORD = "masterly-demo"  # noqa: S105 - the published demo password, printed on purpose


class Command(BaseCommand):
    help = "Migrate, load the demo district if the database is empty, start the worker and serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--no-demo", action="store_true", help="Do not load the demo.")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("Database is up to date.")
        if not options["no_demo"]:
            call_command("demo", if_empty=True)
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        worker = subprocess.Popen(
            [sys.executable, "-m", "masterly.cli", "worker"], env=os.environ.copy()
        )
        host = options["addrport"]
        self.stdout.write(self.style.SUCCESS(f"\nMasterly is running at http://{host}/\n"))
        self.stdout.write(f"Demo sign-ins (password: {DEMO_PASSWORD}):")
        for username, what in DEMO_SIGN_INS:
            self.stdout.write(f"  {username:<8} {what}")
        self.stdout.write("The task worker is running too. Press Ctrl+C to stop both.\n")
        try:
            call_command("runserver", host, use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
