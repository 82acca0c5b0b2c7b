"""A bench's data kept between runs: built once per size and database, then reused.

SQLite lives under ``$BENCH_DIR`` (default ``/tmp/masterly-bench``) in a folder named after
the bench and the size; with ``DATABASE_URL`` set, the PostgreSQL database is that URL's
name with ``_<size>`` added (dropped and re-created until it is built). A marker file in the
folder says the data was built, so the next run only measures.
"""

from __future__ import annotations

import os
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

from mastery_recompute import _recreate_postgres

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class KeptDatabase:
    folder: Path
    label: str
    marker: Path

    @property
    def built(self) -> bool:
        return self.marker.exists()

    def mark_built(self) -> None:
        self.marker.touch()


def open_kept(bench: str, size: int, *, static: bool = False) -> KeptDatabase:
    """Django set up as a deployment runs (DEBUG off) on the kept database of this bench and
    size, migrated; ``static`` collects the static files too (for benches that render pages)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("TASK_BACKEND", "database")
    kept = os.environ.get("BENCH_DIR", "/tmp/masterly-bench")  # noqa: S108 - bench data only
    folder = Path(kept) / f"{bench}-{size}"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["MASTERLY_DATA_DIR"] = str(folder)
    url = os.environ.get("DATABASE_URL", "")
    if url:
        url = f"{url}_{size}"
        os.environ["DATABASE_URL"] = url
        database = KeptDatabase(
            folder, "PostgreSQL " + url.rsplit("/", 1)[-1], folder / "built-postgres"
        )
        if not database.built:
            _recreate_postgres(url)
    else:
        database = KeptDatabase(folder, f"SQLite in {folder}", folder / "built-sqlite")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if static:
        call_command("collectstatic", interactive=False, verbosity=0)
    return database
