"""A heartbeat written while a long run works, from a thread of its own.

The run itself may sit inside a database transaction (nobody would see a heartbeat written
there before it commits) or in one long statement (no progress callback for minutes), so the
heartbeat is written by a separate thread on its own connection, in autocommit.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)


@contextmanager
def keep_alive(run: QuerySet[Any], *, every: float | None = None) -> Iterator[None]:
    """Set ``heartbeat_at`` of ``run`` (a queryset of the one run) to now, every ``every``
    seconds (WORKER_HEARTBEAT_SECONDS), until the block ends."""
    interval = settings.WORKER_HEARTBEAT_SECONDS if every is None else every
    stop = threading.Event()

    def beat_until_stopped() -> None:
        try:
            while not stop.wait(interval):
                try:
                    run.update(heartbeat_at=timezone.now())
                except DatabaseError:
                    # A busy database delays one beat; the next one tries again.
                    logger.warning("Could not write a heartbeat; trying again", exc_info=True)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat_until_stopped, name="heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
