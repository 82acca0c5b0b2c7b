"""Run what the database queue holds, in-process, as a test's stand-in for the worker."""

from __future__ import annotations

import signal

from django.core.management import call_command

_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


def run_queued_tasks() -> None:
    """django-tasks-db's ``db_worker --batch``, leaving the signal handlers it installs behind it
    undone: forked children of later tests would inherit them (see tests/conftest.py)."""
    saved = {number: signal.getsignal(number) for number in _SIGNALS}
    try:
        call_command("db_worker", batch=True, startup_delay=False, interval=0, verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
