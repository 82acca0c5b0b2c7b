"""``masterly worker`` as its own process on a SQLite file of its own, as in production."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASTERLY = [sys.executable, "-m", "masterly.cli"]
DATABASE_FILE = "masterly.sqlite3"  # config/env.py's default, in MASTERLY_DATA_DIR

_migrated: list[Path] = []  # one migrated database per test run, copied for each test


def development_environment(data_dir: Path, **settings: str) -> dict[str, str]:
    """A development install in ``data_dir``, migrated; SQLite whatever this test run uses."""
    kept = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env = {
        **kept,
        "DEBUG": "1",
        "MASTERLY_DATA_DIR": str(data_dir),
        "MASTERLY_LOCAL_ENV": str(data_dir / "local.env"),
        **settings,
    }
    if "DATABASE_URL" in settings:  # the test's own database: migrate it (usually nothing to do)
        _migrate(env)
    else:
        data_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(_migrated_database(env), data_dir / DATABASE_FILE)
    return env


def _migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [*MASTERLY, "migrate", "--no-input"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=180,
    )


def _migrated_database(env: dict[str, str]) -> Path:
    """A database ``masterly migrate`` made once for this test run: migrating takes a quarter
    of a minute, and several tests each need a fresh one."""
    if not _migrated:
        folder = Path(tempfile.mkdtemp(prefix="masterly-migrated-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _migrate(
            {
                **env,
                "MASTERLY_DATA_DIR": str(folder),
                "MASTERLY_LOCAL_ENV": str(folder / "local.env"),
            }
        )
        _migrated.append(folder / DATABASE_FILE)
    return _migrated[0]


def start_worker(*options: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """``masterly worker`` in a process group of its own (as a terminal's Ctrl+C reaches it)."""
    with log.open("w") as output:
        return subprocess.Popen(
            [*MASTERLY, "worker", "--no-startup-delay", *options],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def enqueue_echo(message: str, *, env: dict[str, str]) -> str:
    """Queue ``worker_echo(message)`` from another process; the task's id."""
    enqueue = (
        "import django; django.setup();"
        "from masterly.core.tasks import worker_echo;"
        f"print(worker_echo.enqueue({message!r}).id)"
    )
    return subprocess.run(
        [sys.executable, "-c", enqueue],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
