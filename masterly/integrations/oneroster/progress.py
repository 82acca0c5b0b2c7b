"""Import progress in Django's cache, where the web server can read it while the worker writes.

An import is one database transaction, so nothing it writes to the database is visible before
it ends; the cache (a file cache on one machine, Redis otherwise) is shared by both processes.
"""

from __future__ import annotations

from typing import Any

from django.core.cache import cache

from masterly.integrations.oneroster.context import ImportProgress, ProgressCallback

TIMEOUT = 24 * 60 * 60


def progress_key(run_id: int) -> str:
    return f"oneroster:import-run:{run_id}:progress"


def cache_progress(run_id: int, also: ProgressCallback | None = None) -> ProgressCallback:
    """A progress callback that keeps the run's latest progress in the cache."""
    key = progress_key(run_id)

    def report(progress: ImportProgress) -> None:
        cache.set(
            key,
            {
                "file": progress.file,
                "rows": progress.rows_done,
                "percent": progress.percent,
            },
            TIMEOUT,
        )
        if also is not None:
            also(progress)

    return report


def read_progress(run_id: int) -> dict[str, Any] | None:
    found: dict[str, Any] | None = cache.get(progress_key(run_id))
    return found


def clear_progress(run_id: int) -> None:
    cache.delete(progress_key(run_id))
