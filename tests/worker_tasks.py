"""Tasks only the worker tests queue: one that raises, one that runs until released."""

from __future__ import annotations

import threading

from django_tasks import task

# Set by a test to let ``hold_until_released`` finish (the worker runs in the test's process).
RELEASE = threading.Event()


@task()
def fail_loudly(message: str) -> None:
    raise RuntimeError(message)


@task()
def hold_until_released(longest: float) -> str:
    """A long task that holds no transaction: it waits for the test, at most ``longest`` s."""
    return "released" if RELEASE.wait(longest) else "gave up"
