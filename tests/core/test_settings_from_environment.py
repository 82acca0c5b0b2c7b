"""Bad settings stop Masterly at start with a message naming the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import SettingsError, database, env_bool, env_int

ROOT = Path(__file__).resolve().parents[2]


def test_bool_accepts_the_usual_words(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "Yes")
    assert env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "off")
    assert env_bool("FLAG", default=True) is False


def test_bool_rejects_anything_else_with_the_allowed_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(SettingsError, match=r"DEBUG='maybe' is not a yes/no value.*true, false"):
        env_bool("DEBUG")


def test_int_range_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_PORT", "70000")
    with pytest.raises(SettingsError, match="EMAIL_PORT=70000 is out of range; use 1 to 65535"):
        env_int("EMAIL_PORT", 587, minimum=1, maximum=65535)


def test_sqlite_is_the_default_with_wal_and_a_busy_timeout(tmp_path: Path) -> None:
    config = database("", data_dir=tmp_path)
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert str(config["NAME"]).startswith(str(tmp_path))
    options = config["OPTIONS"]
    assert isinstance(options, dict)
    assert "journal_mode=WAL" in options["init_command"]
    assert options["timeout"] == 20


def test_postgres_url_is_read(tmp_path: Path) -> None:
    config = database("postgres://postgres@127.0.0.1:5432/masterly", data_dir=tmp_path)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "masterly"


def test_unsupported_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="DATABASE_URL uses 'mysql'"):
        database("mysql://root@localhost/x", data_dir=tmp_path)


def _start(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    clean.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "masterly.cli", "check"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_stops_with_a_clear_message() -> None:
    result = _start({"DEBUG": "false", "ALLOWED_HOSTS": "example.org"})
    assert result.returncode == 2
    assert "Masterly cannot start: SECRET_KEY is required when DEBUG is off" in result.stderr


def test_bad_debug_value_stops_with_a_clear_message() -> None:
    result = _start({"DEBUG": "sometimes"})
    assert result.returncode == 2
    assert "Masterly cannot start: DEBUG='sometimes' is not a yes/no value" in result.stderr


def test_development_generates_and_keeps_a_secret_key(tmp_path: Path) -> None:
    env = {"DEBUG": "1", "MASTERLY_DATA_DIR": str(tmp_path)}
    assert _start(env).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    assert _start(env).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key
