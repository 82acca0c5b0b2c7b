"""The local install's remembered settings: ``var/local.env``, written by ``make run``.

``masterly start`` in development (what ``make run`` runs) writes it: ``DEBUG=1``, the
``SECRET_KEY`` it generated, the data folder, and ``DATABASE_URL`` when one was given. The
``masterly`` command and ``manage.py`` read it before Django's settings, so a command typed by
hand afterwards uses the same database and key as ``make run``; a variable set in the
environment always wins over a remembered one. ``config/wsgi.py`` never reads it: gunicorn runs
on what its environment gives, so production still refuses to start without ``SECRET_KEY`` and
never runs in development mode. ``MASTERLY_LOCAL_ENV`` names another file.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from config.env import SettingsError, env_bool, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PATH = BASE_DIR / "var" / "local.env"
NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")
HEADER = (
    "# Remembered by `make run` (masterly start in development) for the `masterly` command and\n"
    "# manage.py; gunicorn never reads this file. A variable set in the environment wins.\n"
)


def local_env_path() -> Path:
    return Path(env_str("MASTERLY_LOCAL_ENV") or DEFAULT_PATH)


def read(path: Path) -> dict[str, str]:
    """NAME=value lines; blank lines and # comments are skipped; anything else is an error."""
    if not path.exists():
        return {}
    values: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        name, equals, value = text.partition("=")
        if not equals or not NAME.match(name.strip()):
            raise SettingsError(
                f"{path}, line {number}: {text!r} is not NAME=value. Correct the line, or "
                "delete the file to start over with `make run`."
            )
        values[name.strip()] = value.strip()
    return values


def apply(path: Path) -> None:
    """Remembered values fill in what the environment leaves unset."""
    for name, value in read(path).items():
        os.environ.setdefault(name, value)


def remember_development(path: Path) -> None:
    """In development, keep this run's settings (generating a secret key the first time)."""
    if not env_bool("DEBUG"):
        return
    data_dir = (BASE_DIR / (env_str("MASTERLY_DATA_DIR") or "var")).resolve()
    if data_dir.is_relative_to(BASE_DIR):
        data_dir = data_dir.relative_to(BASE_DIR)  # still right if the checkout is moved
    values = {
        "DEBUG": "1",
        "SECRET_KEY": env_str("SECRET_KEY") or secrets.token_urlsafe(50),
        "MASTERLY_DATA_DIR": str(data_dir),
    }
    if env_str("DATABASE_URL"):
        values["DATABASE_URL"] = env_str("DATABASE_URL")
    before = read(path)
    remembered = {**before, **values}  # lines added by hand are kept
    if remembered != before:
        path.parent.mkdir(parents=True, exist_ok=True)
        lines = "".join(f"{name}={value}\n" for name, value in remembered.items())
        # Readable by its owner only, from the first byte: it holds the secret key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(HEADER + lines)
        path.chmod(0o600)  # a file that already existed keeps its mode otherwise
    os.environ.update(values)
