"""Which worker is running the current task: a run records it beside its heartbeat."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_current = threading.local()


def current_worker_id() -> str:
    """The worker thread's id, or this process (a command-line import) when no worker runs it."""
    return getattr(_current, "worker_id", "") or f"{socket.gethostname()}:{os.getpid()}"


@contextmanager
def running_as(worker_id: str) -> Iterator[None]:
    previous = getattr(_current, "worker_id", "")
    _current.worker_id = worker_id
    try:
        yield
    finally:
        _current.worker_id = previous
