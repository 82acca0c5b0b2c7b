"""System checks run before ``masterly start``, ``masterly check`` and every other command.

SQLite must be 3.35 or newer: the taking upsert and the bulk inserts read the new rows back
with ``RETURNING``, which older SQLite does not know (it would fail mid-test for a student,
not at start). Python links its own SQLite; ``sqlite3.sqlite_version`` names it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error

SQLITE_NEEDED = (3, 35)
SQLITE_VERSION: tuple[int, ...] = sqlite3.sqlite_version_info  # what the check reads


def sqlite_version_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Registered in ``CoreConfig.ready``: the SQLite this Python links, if a database uses it."""
    engines = (str(database["ENGINE"]) for database in settings.DATABASES.values())
    return sqlite_version_errors(engines, SQLITE_VERSION)


def sqlite_version_errors(engines: Iterable[str], version: tuple[int, ...]) -> list[CheckMessage]:
    if version >= SQLITE_NEEDED or not any(engine.endswith("sqlite3") for engine in engines):
        return []
    needed = ".".join(map(str, SQLITE_NEEDED))
    found = ".".join(map(str, version))
    return [
        Error(
            f"Masterly needs SQLite {needed} or newer; this Python links SQLite {found}.",
            hint=(
                "Use a Python linked with a newer SQLite (python.org's builds and current "
                "Linux distributions have one), or set DATABASE_URL to a PostgreSQL database."
            ),
            id="masterly.E001",
        )
    ]
