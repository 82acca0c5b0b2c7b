"""Tasks with no domain knowledge."""

from __future__ import annotations

from django_tasks import task


@task()
def worker_echo(message: str) -> str:
    """Answers with its message: proves a worker is running and the queue round-trips."""
    return message
