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


def _start(
    env: dict[str, str], *, command: tuple[str, ...] = ("-m", "masterly.cli", "check")
) -> subprocess.CompletedProcess[str]:
    """A command in a clean environment; no remembered settings unless the test gives some."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_SETTINGS_MODULE"}
        and not k.startswith("MASTERLY_")
    }
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env={"MASTERLY_LOCAL_ENV": "/nonexistent/local.env", **clean, **env},
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


def test_bad_port_stops_with_a_clear_message() -> None:
    result = _start({"DEBUG": "1", "PORT": "80000"})
    assert result.returncode == 2
    assert "Masterly cannot start: PORT=80000 is out of range; use 1 to 65535" in result.stderr


def test_development_without_make_run_still_starts(tmp_path: Path) -> None:
    result = _start({"DEBUG": "1", "MASTERLY_DATA_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "secret_key").exists()  # the key is make run's to remember


# ---------------------------------------------------------------- var/local.env (config/local.py)

SHOW = (
    "-m",
    "masterly.cli",
    "shell",
    "--verbosity=0",
    "-c",
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.SECRET_KEY, settings.DATA_DIR, settings.PORT)",
)
KEY = "remembered-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def _private_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "local.env"
    path.write_text(text)
    path.chmod(0o600)  # as make run leaves it; any other mode is refused
    return path


def _remembered(tmp_path: Path, text: str) -> dict[str, str]:
    return {"MASTERLY_LOCAL_ENV": str(_private_file(tmp_path, text))}


def test_the_masterly_command_uses_the_remembered_settings(tmp_path: Path) -> None:
    env = _remembered(
        tmp_path, f"# by make run\nDEBUG=1\nSECRET_KEY={KEY}\nMASTERLY_DATA_DIR={tmp_path}\n"
    )
    result = _start(env, command=SHOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", KEY, str(tmp_path), "8000"]


def test_the_environment_wins_over_remembered_settings(tmp_path: Path) -> None:
    env = _remembered(tmp_path, f"DEBUG=1\nSECRET_KEY={KEY}\nMASTERLY_DATA_DIR={tmp_path}\n")
    result = _start(
        {**env, "DEBUG": "0", "ALLOWED_HOSTS": "localhost", "PORT": "8123"}, command=SHOW
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", KEY, str(tmp_path), "8123"]


def test_a_bad_line_stops_with_the_file_and_line_named(tmp_path: Path) -> None:
    env = _remembered(tmp_path, "DEBUG=1\nthis is not a setting\n")
    result = _start(env)
    assert result.returncode == 2
    assert (
        f"Masterly cannot start: {tmp_path / 'local.env'}, line 2: 'this is not a setting' is "
        "not NAME=value." in result.stderr
    )


def test_a_bad_remembered_value_stops_naming_the_variable(tmp_path: Path) -> None:
    result = _start(_remembered(tmp_path, "DEBUG=sometimes\n"))
    assert result.returncode == 2
    assert "Masterly cannot start: DEBUG='sometimes' is not a yes/no value" in result.stderr


def test_gunicorns_wsgi_module_never_reads_the_remembered_settings(tmp_path: Path) -> None:
    env = _remembered(tmp_path, f"DEBUG=1\nSECRET_KEY={KEY}\nMASTERLY_DATA_DIR={tmp_path}\n")
    result = _start(env, command=("-c", "import config.wsgi"))
    assert result.returncode == 4  # gunicorn's "the application failed to load": it stops
    assert "Masterly cannot start: SECRET_KEY is required when DEBUG is off" in result.stderr


def test_start_in_development_remembers_its_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from config.local import read, remember_development

    path = tmp_path / "var" / "local.env"
    path.parent.mkdir()
    path.write_text("PORT=8123\n")  # a line added by hand
    path.chmod(0o600)
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.setenv("MASTERLY_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "")  # set, not deleted: undone after the test
    monkeypatch.setenv("DATABASE_URL", "")

    remember_development(path)
    first = read(path)
    remember_development(path)  # the next make run keeps the key

    assert read(path) == first
    assert first.keys() == {"PORT", "DEBUG", "SECRET_KEY", "MASTERLY_DATA_DIR"}
    assert first["DEBUG"] == "1"
    assert len(first["SECRET_KEY"]) > 40
    assert first["MASTERLY_DATA_DIR"] == str(tmp_path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_start_outside_development_remembers_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from config.local import remember_development

    monkeypatch.setenv("DEBUG", "0")
    remember_development(tmp_path / "local.env")
    assert not (tmp_path / "local.env").exists()


def test_a_data_folder_in_the_project_is_remembered_relative_to_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """So the remembered settings stay right when the checkout is moved."""
    from config.local import read, remember_development

    for name, value in {"DEBUG": "1", "SECRET_KEY": "", "DATABASE_URL": ""}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MASTERLY_DATA_DIR", str(ROOT / "var" / "other"))

    remember_development(tmp_path / "local.env")

    assert read(tmp_path / "local.env")["MASTERLY_DATA_DIR"] == "var/other"


# The file lies in the data folder, which the web process can write: only its owner's file,
# with only the settings it is for, is read.


def test_a_name_the_file_is_not_for_stops_naming_the_file_line_and_allowed_names(
    tmp_path: Path,
) -> None:
    env = _remembered(tmp_path, f"DEBUG=1\nSECRET_KEY={KEY}\nPYTHONPATH={tmp_path}\n")
    result = _start(env, command=SHOW)
    assert result.returncode == 2
    assert (
        f"Masterly cannot start: {tmp_path / 'local.env'}, line 3: PYTHONPATH cannot be set in "
        "this file; it may hold only DEBUG, SECRET_KEY, MASTERLY_DATA_DIR, DATABASE_URL, PORT."
        in result.stderr
    )
    assert result.stdout == ""


@pytest.mark.parametrize("name", ["DJANGO_SETTINGS_MODULE", "PYTHONPATH", "LD_PRELOAD"])
def test_with_a_name_the_file_is_not_for_nothing_from_it_is_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    from config.local import apply

    for unset in ("DEBUG", "SECRET_KEY", name):
        monkeypatch.delenv(unset, raising=False)
    path = _private_file(tmp_path, f"DEBUG=1\n{name}=/tmp/x\nSECRET_KEY={KEY}\n")

    with pytest.raises(SettingsError, match=f"line 2: {name} cannot be set in this file"):
        apply(path)

    assert {"DEBUG", "SECRET_KEY", name}.isdisjoint(os.environ)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o620, 0o602])
def test_a_file_other_users_may_read_or_write_is_refused(tmp_path: Path, mode: int) -> None:
    env = _remembered(tmp_path, f"DEBUG=1\nSECRET_KEY={KEY}\n")
    path = tmp_path / "local.env"
    path.chmod(mode)
    result = _start(env, command=SHOW)
    assert result.returncode == 2
    assert (
        f"Masterly cannot start: {path} can be read or written by other users (mode {mode:o}), "
        f"so it is not read: it holds the secret key. Run `chmod 600 {path}`." in result.stderr
    )
    assert result.stdout == ""


@pytest.mark.skipif(os.getuid() != 0, reason="only root can give a file to another user")
def test_a_file_owned_by_another_user_is_refused(tmp_path: Path) -> None:
    from config.local import read

    path = _private_file(tmp_path, f"SECRET_KEY={KEY}\n")
    os.chown(path, 4242, -1)
    with pytest.raises(SettingsError, match=r"belongs to another user \(uid 4242\)"):
        read(path)


def test_a_symbolic_link_is_refused(tmp_path: Path) -> None:
    from config.local import read

    target = _private_file(tmp_path, f"SECRET_KEY={KEY}\n")
    link = tmp_path / "link.env"
    link.symlink_to(target)
    with pytest.raises(SettingsError, match=r"cannot be read \(it is a symbolic link\)"):
        read(link)


def test_a_folder_in_its_place_is_refused(tmp_path: Path) -> None:
    from config.local import read

    with pytest.raises(SettingsError, match=f"{tmp_path} is not a regular file"):
        read(tmp_path)


def test_one_pair_of_matching_quotes_is_removed(tmp_path: Path) -> None:
    from config.local import read

    path = _private_file(
        tmp_path,
        f"SECRET_KEY=\"{KEY}\"\nMASTERLY_DATA_DIR='{tmp_path}'\n"
        "DATABASE_URL=\"'both'\"\nPORT=\"8123'\n",
    )
    assert read(path) == {
        "SECRET_KEY": KEY,
        "MASTERLY_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "'both'",  # only the outer pair
        "PORT": "\"8123'",  # not a matching pair: kept as written
    }
    env = _remembered(
        tmp_path, f'DEBUG="1"\nSECRET_KEY="{KEY}"\nMASTERLY_DATA_DIR=\'{tmp_path}\'\n'
    )
    result = _start(env, command=SHOW)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", KEY, str(tmp_path), "8000"]


def _develop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, secret_key: str) -> None:
    for name, value in {"DEBUG": "1", "DATABASE_URL": "", "SECRET_KEY": secret_key}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MASTERLY_DATA_DIR", str(tmp_path))


def test_a_value_in_quotes_is_remembered_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from config.local import read, remember_development

    _develop(monkeypatch, tmp_path, secret_key=f'"{KEY}"')
    remember_development(tmp_path / "local.env")
    assert read(tmp_path / "local.env")["SECRET_KEY"] == f'"{KEY}"'


def test_the_file_is_replaced_whole_never_rewritten_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader (or a crash) sees the old file or the new one, never a truncated one."""
    from config.local import read, remember_development

    old = f"PORT=8123\nSECRET_KEY={KEY}\n"
    path = _private_file(tmp_path, old)
    os.link(path, tmp_path / "old.env")  # the old file itself, whatever is done to the name
    _develop(monkeypatch, tmp_path, secret_key=KEY)

    remember_development(path)

    assert (tmp_path / "old.env").read_text() == old  # not truncated, not written into
    assert read(path) == {
        "PORT": "8123",
        "SECRET_KEY": KEY,
        "DEBUG": "1",
        "MASTERLY_DATA_DIR": str(tmp_path),
    }
    assert path.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["local.env", "old.env"]


def test_a_write_that_fails_leaves_the_old_file_and_no_temporary_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from config.local import remember_development

    old = f"SECRET_KEY={KEY}\n"
    path = _private_file(tmp_path, old)
    _develop(monkeypatch, tmp_path, secret_key="\udc80")  # cannot be written as UTF-8

    with pytest.raises(UnicodeEncodeError):
        remember_development(path)

    assert path.read_text() == old
    assert [p.name for p in tmp_path.iterdir()] == ["local.env"]


def test_a_symbolic_link_at_the_target_is_replaced_not_followed(tmp_path: Path) -> None:
    from config.local import write_atomically

    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_text("untouched\n")
    path = tmp_path / "local.env"
    path.symlink_to(elsewhere)

    write_atomically(path, "DEBUG=1\n")

    assert elsewhere.read_text() == "untouched\n"
    assert not path.is_symlink()
    assert path.read_text() == "DEBUG=1\n"
    assert path.stat().st_mode & 0o777 == 0o600


def test_worker_settings_default_to_two_threads_and_five_minutes() -> None:
    from django.conf import settings

    assert (settings.WORKER_CONCURRENCY, settings.WORKER_DEAD_AFTER) == (2, 300)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WORKER_CONCURRENCY", "0", "WORKER_CONCURRENCY=0 is out of range; use 1 to 64."),
        ("WORKER_CONCURRENCY", "many", "WORKER_CONCURRENCY='many' is not a whole number."),
        ("WORKER_DEAD_AFTER", "5", "WORKER_DEAD_AFTER=5 is out of range; use 30 to 604800."),
        ("SQLITE_BUSY_TIMEOUT", "0", "SQLITE_BUSY_TIMEOUT=0 is out of range; use 1 to 600."),
    ],
)
def test_a_bad_worker_setting_stops_with_a_clear_message(
    name: str, value: str, message: str, tmp_path: Path
) -> None:
    result = _start({"DEBUG": "1", "MASTERLY_DATA_DIR": str(tmp_path), name: value})
    assert result.returncode == 2
    assert f"Masterly cannot start: {message}" in result.stderr


def test_the_sqlite_busy_timeout_is_the_one_given(tmp_path: Path) -> None:
    options = database("", data_dir=tmp_path, busy_timeout=3)["OPTIONS"]
    assert isinstance(options, dict)
    assert options["timeout"] == 3
