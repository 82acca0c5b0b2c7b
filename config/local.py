"""The local install's remembered settings: ``var/local.env``, written by ``make run``.

``masterly start`` in development (what ``make run`` runs) writes it: ``DEBUG=1``, the
``SECRET_KEY`` it generated, the data folder, and ``DATABASE_URL`` when one was given. The
``masterly`` command and ``manage.py`` read it before Django's settings, so a command typed by
hand afterwards uses the same database and key as ``make run``; a variable set in the
environment always wins over a remembered one. ``config/wsgi.py`` never reads it: gunicorn runs
on what its environment gives, so production still refuses to start without ``SECRET_KEY`` and
never runs in development mode. ``MASTERLY_LOCAL_ENV`` names another file.

The file sits in the data folder, which the web process can write, and its values reach every
command and the worker ``masterly start`` launches; so it is read only when it is a regular file
(not a symbolic link) owned by the current user with no group or other permission bits, and
it may hold only the names in ``ALLOWED`` (a ``PYTHONPATH=`` or ``LD_PRELOAD=`` line is
refused, and then nothing from the file is applied). A value may be wrapped in one pair of
matching quotes, ``"..."`` or ``'...'``, which are removed, as .env files commonly allow. It is
rewritten atomically: a new 0600 file in the same folder, then renamed over the old one.
"""

from __future__ import annotations

import errno
import os
import re
import secrets
import stat
import tempfile
from pathlib import Path

from config.env import SettingsError, env_bool, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_PATH = BASE_DIR / "var" / "local.env"
NAME = re.compile(r"[A-Z][A-Z0-9_]*\Z")
# What `masterly start` remembers, plus PORT, which the README lets a user add by hand.
ALLOWED = ("DEBUG", "SECRET_KEY", "MASTERLY_DATA_DIR", "DATABASE_URL", "PORT")
QUOTES = ("'", '"')
HEADER = (
    "# Remembered by `make run` (masterly start in development) for the `masterly` command and\n"
    "# manage.py; gunicorn never reads this file. A variable set in the environment wins.\n"
)


def local_env_path() -> Path:
    return Path(env_str("MASTERLY_LOCAL_ENV") or DEFAULT_PATH)


def read(path: Path) -> dict[str, str]:
    """NAME=value lines; blank lines and # comments are skipped; anything else is an error."""
    values: dict[str, str] = {}
    for number, line in enumerate(_read_own_file(path).splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        name, equals, value = (part.strip() for part in text.partition("="))
        if not equals or not NAME.match(name):
            raise SettingsError(
                f"{path}, line {number}: {text!r} is not NAME=value. Correct the line, or "
                "delete the file to start over with `make run`."
            )
        if name not in ALLOWED:
            raise SettingsError(
                f"{path}, line {number}: {name} cannot be set in this file; it may hold only "
                f"{', '.join(ALLOWED)}. Remove the line (set {name} in the environment if you "
                "meant to)."
            )
        values[name] = _unquoted(value)
    return values


def _read_own_file(path: Path) -> str:
    """The file's text ("" if there is none), if it is ours alone: no one else may feed us."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return ""
    except OSError as error:
        because = "it is a symbolic link" if error.errno == errno.ELOOP else error.strerror
        raise SettingsError(
            f"{path} cannot be read ({because}); it must be a regular file of yours. Delete "
            "it to start over with `make run`."
        ) from None
    try:
        # Checked on the open file, so it cannot be swapped between the check and the read.
        _refuse_unless_private(path, os.fstat(fd))
    except SettingsError:
        os.close(fd)
        raise
    with open(fd, encoding="utf-8") as file:
        return file.read()


def _refuse_unless_private(path: Path, status: os.stat_result) -> None:
    if not stat.S_ISREG(status.st_mode):
        raise SettingsError(f"{path} is not a regular file. Delete it.")
    if status.st_uid != os.getuid():
        raise SettingsError(
            f"{path} belongs to another user (uid {status.st_uid}), so it is not read. "
            "Delete it to start over with `make run`, or make it yours with `chown`."
        )
    if status.st_mode & 0o077:
        raise SettingsError(
            f"{path} can be read or written by other users (mode "
            f"{stat.S_IMODE(status.st_mode):o}), so it is not read: it holds the secret "
            f"key. Run `chmod 600 {path}`."
        )


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in QUOTES:
        return value[1:-1]
    return value


def _quoted(value: str) -> str:
    """What ``_unquoted`` reads back as ``value``."""
    if value != _unquoted(value):  # it begins and ends with the same quote: keep them
        return f"'{value}'" if value[0] == '"' else f'"{value}"'
    return value


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
        lines = "".join(f"{name}={_quoted(value)}\n" for name, value in remembered.items())
        write_atomically(path, HEADER + lines)
    os.environ.update(values)


def write_atomically(path: Path, text: str) -> None:
    """The whole new file or the old one, never a truncated one; readable by its owner only.

    os.replace renames over ``path`` itself, so a symbolic link there is replaced, not followed.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
