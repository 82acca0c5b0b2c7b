"""Runs whose worker died: each integration registers how to find and fail its own.

A run records its worker and a heartbeat (``heartbeat.keep_alive``); one whose heartbeat is
older than WORKER_DEAD_AFTER belongs to a worker that was killed, whichever worker that was.
Runs of live workers beat every few seconds and are never touched.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q, QuerySet
from django.utils import timezone

logger = logging.getLogger(__name__)

# Given the cutoff, fails the runs whose heartbeat is older and returns how many it failed.
Sweeper = Callable[[datetime], int]
_sweepers: list[Sweeper] = []


def register_dead_run_sweeper(sweeper: Sweeper) -> None:
    if sweeper not in _sweepers:
        _sweepers.append(sweeper)


def dead_before() -> datetime:
    """A heartbeat older than this means the run's worker is gone."""
    return timezone.now() - timedelta(seconds=settings.WORKER_DEAD_AFTER)


def heartbeat_stopped(runs: QuerySet[Any], before: datetime) -> QuerySet[Any]:
    """The runs whose heartbeat is older than ``before`` (or, never written, their start)."""
    return runs.filter(
        Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True, started_at__lt=before)
    )


def sweep(sweeper: Sweeper) -> int:
    """Run one sweeper; a busy or failing database postpones it (logged), never raises."""
    try:
        return sweeper(dead_before())
    except DatabaseError:
        logger.warning("Could not look for runs of dead workers; trying later", exc_info=True)
        return 0


def sweep_dead_runs() -> int:
    """Every registered sweeper once (the worker at start and periodically)."""
    return sum(sweep(sweeper) for sweeper in _sweepers)
