"""Every command the README lists works as written, in a fresh clone of the committed HEAD.

The clone sits alone in a temporary folder (nothing but its log beside it) and builds its own
.venv through ``make run``, as a new user's would. Commands that serve until stopped (``make
run``, ``masterly worker``, ``masterly runserver``, gunicorn) are started, checked ready, then
stopped with SIGTERM, and every process they started must be gone. Servers listen on a free
port (the documented ``PORT`` setting), so a developer's server on 8000 is left alone.

Only on SQLite: the clone makes its own SQLite database whatever ``DATABASE_URL`` the test run
has (the README's commands are the same either way), so the PostgreSQL pass of CI would spend
the same minutes again and prove nothing more. Select these with ``-m readme``; ``make test``
runs them (and they never run ``make test`` themselves).
"""

from __future__ import annotations

import http.cookiejar
import os
import pty
import re
import select
import shlex
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "masterly-demo"

pytestmark = pytest.mark.readme

# Every command in the README, and the test below that runs it (or why none does).
COVERED = {
    "make run": "the clone fixture",
    "python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'": "test_everyday_commands",
    ".venv/bin/masterly demo --export-rosters rosters.zip": "test_everyday_commands",
    ".venv/bin/masterly import-oneroster rosters.zip": "test_everyday_commands",
    ".venv/bin/masterly demo --export-programs programs.csv": "test_everyday_commands",
    ".venv/bin/masterly import-programs programs.csv": "test_everyday_commands",
    ".venv/bin/masterly demo": "test_everyday_commands",
    ".venv/bin/masterly export-qti --owner admin --standard 6.RP -o items.zip": (
        "test_everyday_commands"
    ),
    ".venv/bin/masterly import-qti items.zip --user teacher": "test_everyday_commands",
    ".venv/bin/masterly createsuperuser": "test_createsuperuser",
    ".venv/bin/masterly worker": "test_worker",
    ".venv/bin/masterly runserver": "test_runserver",
    ".venv/bin/masterly migrate": "test_production",
    ".venv/bin/masterly collectstatic --no-input": "test_production",
    ".venv/bin/gunicorn config.wsgi": "test_production",
    ".venv/bin/python bench/oneroster_import.py --quick": "test_bench",
    "make messages": "test_make_messages",
}
NOT_RUN = {
    "make test": "this test runs inside make test",
    "DATABASE_URL=postgres://postgres@127.0.0.1:5432/masterly make test": "make test again",
    ".venv/bin/python bench/NAME.py": "a pattern; its example is run",
    "apt-get install chromium": "installs a system package",
    "apt-get install libpango-1.0-0 libpangoft2-1.0-0": "installs a system package",
    # The production HTTPS settings: tests/core/test_https_settings.py gives them to
    # `manage.py check --deploy` (what the masterly command runs) and asserts it reports nothing.
    "export SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto": "tests/core/test_https_settings.py",
    "export SECURE_SSL_REDIRECT=true": "tests/core/test_https_settings.py",
    "export SECURE_HSTS_SECONDS=31536000": "tests/core/test_https_settings.py",
    "export SECURE_HSTS_INCLUDE_SUBDOMAINS=true": "tests/core/test_https_settings.py",
    "export SECURE_HSTS_PRELOAD=true": "tests/core/test_https_settings.py",
    ".venv/bin/masterly check --deploy": "tests/core/test_https_settings.py",
}
# What the clone must not inherit from this test run: it starts from a new user's shell.
NOT_INHERITED = re.compile(
    r"(DJANGO_|MASTERLY_|PYTEST_|MAKE|MFLAGS|COV_|DEBUG$|SECRET_KEY$|ALLOWED_HOSTS$|"
    r"DATABASE_URL$|PORT$|TASK_BACKEND$|REDIS_URL$|SECURE_|EMAIL_|DEFAULT_FROM_EMAIL$|"
    r"WORKER_|SQLITE_BUSY_TIMEOUT$)"
)


def readme_commands() -> set[str]:
    text = (ROOT / "README.md").read_text()
    commands = set()
    for block in re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            command = line.split("  #")[0].strip()
            if command and not command.startswith("#"):
                commands.add(command)
    for span in re.findall(r"`([^`\n]+)`", text):
        if span.startswith((".venv/bin/", "make ", "apt-get ", "python3 ")):
            commands.add(span)
    return commands


def test_the_readme_lists_only_commands_tested_here():
    assert readme_commands() == set(COVERED) | set(NOT_RUN)


# ---------------------------------------------------------------- the clone and its processes


@dataclass
class Clone:
    path: Path
    port: int
    env: dict[str, str]
    make_run_log: str
    teacher_home: str

    def url(self, path: str = "/accounts/login/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def run(
        self, command: str, *, env: dict[str, str] | None = None, timeout: float = 180
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["bash", "-c", command],
            cwd=self.path,
            env={**self.env, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def ok(self, command: str, **kw: object) -> str:
        result = self.run(command, **kw)  # type: ignore[arg-type]
        assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def python(self, code: str) -> str:
        return self.ok(f".venv/bin/masterly shell --verbosity=0 -c {shlex.quote(code)}").strip()

    def serve(self, command: str, log: Path, *, env: dict[str, str] | None = None) -> Server:
        with log.open("w") as out:
            process = subprocess.Popen(
                ["bash", "-c", command],
                cwd=self.path,
                env={**self.env, **(env or {})},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return Server(process, log)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, url: str, *, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"stopped before serving:\n{self.output()}")
            try:
                with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                    assert response.status == 200
                    return response.read().decode()
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        pytest.fail(f"not serving {url} after {timeout} s:\n{self.output()}")

    def stop(self) -> None:
        """SIGTERM to the command and everything it started; all of it must exit."""
        group = self.process.pid
        os.killpg(group, signal.SIGTERM)
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while running_in_group(group):
            assert time.monotonic() < deadline, f"still running: {running_in_group(group)}"
            time.sleep(0.2)


def running_in_group(group: int) -> list[str]:
    """The command lines of live (not zombie) processes in this process group (Linux /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(cmdline.replace(b"\0", b" ").decode(errors="replace"))
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sign_in(base: str, username: str) -> str:
    """Sign in through the form as a browser would; the home page's HTML."""
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    page = opener.open(f"{base}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page
    form = urllib.parse.urlencode(
        {"login": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    opener.open(f"{base}/accounts/login/", data=form)
    return opener.open(f"{base}/").read().decode()


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Clone]:
    """A fresh clone after ``make run``: served, checked, stopped."""
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        pytest.skip("the fresh clone runs on its own SQLite database: on the SQLite pass only")
    folder = tmp_path_factory.mktemp("fresh")
    subprocess.run(
        ["git", "clone", "--quiet", str(ROOT), str(folder / "masterly")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not NOT_INHERITED.match(name)}
    env["PORT"] = str(port)
    path = folder / "masterly"
    made = Clone(path, port, env, make_run_log="", teacher_home="")
    server = made.serve("make run", folder / "make-run.log")
    try:
        server.wait_for(made.url(), timeout=420)
        made.teacher_home = sign_in(made.url(""), "teacher")
    finally:
        server.stop()
    made.make_run_log = server.output()
    yield made


def test_make_run_serves_the_demo_with_trackers(clone):
    assert "Demo sign-ins (password: masterly-demo):" in clone.make_run_log
    assert "Demo district ready" in clone.make_run_log
    assert "Grade 6 Math" in clone.teacher_home
    assert re.search(r"\d+\s*%", clone.teacher_home)
    assert sorted(p.name for p in clone.path.parent.iterdir()) == ["make-run.log", "masterly"]
    remembered = (clone.path / "var" / "local.env").read_text()
    assert "DEBUG=1" in remembered
    assert re.search(r"^SECRET_KEY=\S{40,}$", remembered, flags=re.MULTILINE)


def test_everyday_commands(clone):
    version = clone.ok("python3 -c 'import sqlite3; print(sqlite3.sqlite_version)'").strip()
    assert re.fullmatch(r"3\.\d+\.\d+", version), version

    exported = clone.ok(".venv/bin/masterly demo --export-rosters rosters.zip")
    assert "the database was not touched" in exported

    imported = clone.ok(".venv/bin/masterly import-oneroster rosters.zip")
    assert "0 created, 0 updated, 0 deactivated" in imported

    clone.ok(".venv/bin/masterly demo --export-programs programs.csv")
    flags = clone.ok(".venv/bin/masterly import-programs programs.csv")
    assert "0 flag(s) added, 0 removed" in flags  # the demo loaded the same flags

    again = clone.ok(".venv/bin/masterly demo")
    assert "The demo district is already in this database: bringing it up to date." in again
    assert "Trackers: none created" in again

    clone.ok(".venv/bin/masterly export-qti --owner admin --standard 6.RP -o items.zip")
    imported = clone.ok(".venv/bin/masterly import-qti items.zip --user teacher")
    assert "created, 0 changed (a new version), 0 unchanged." in imported
    again = clone.ok(".venv/bin/masterly import-qti items.zip --user teacher")
    assert "Items: 0 created, 0 changed (a new version)" in again


def test_createsuperuser(clone):
    """Interactive, as typed: answered through a terminal (it refuses without one)."""
    answers = [
        ("Password (again)", "Correct-Horse-Battery-27"),
        ("Password", "Correct-Horse-Battery-27"),
        ("Email address", "ops@example.org"),
        ("Username", "readme-admin"),
    ]
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        ["bash", "-c", ".venv/bin/masterly createsuperuser"],
        cwd=clone.path,
        env=clone.env,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        start_new_session=True,
    )
    os.close(follower)
    seen, pending = "", ""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(leader, 1024).decode(errors="replace")
        except OSError:
            break
        seen += chunk
        pending += chunk
        for prompt, answer in answers:
            if prompt in pending and pending.rstrip().endswith(":"):
                os.write(leader, f"{answer}\n".encode())
                pending = ""
                break
    process.wait(timeout=30)
    os.close(leader)
    assert process.returncode == 0, seen
    assert "Superuser created successfully." in seen
    found = clone.python(
        "from masterly.accounts.models import User; "
        "print(User.objects.get(username='readme-admin').is_superuser)"
    )
    assert found == "True"


def test_worker(clone, tmp_path):
    worker = clone.serve(".venv/bin/masterly worker", tmp_path / "worker.log")
    try:
        task = clone.python(
            "from masterly.core.tasks import worker_echo; "
            "print(worker_echo.enqueue('from the README').id)"
        )
        status = ""
        deadline = time.monotonic() + 90
        while status != "SUCCESSFUL from the README" and time.monotonic() < deadline:
            assert worker.process.poll() is None, worker.output()
            status = clone.python(
                "from masterly.core.tasks import worker_echo; "
                f"r = worker_echo.get_result({task!r}); s = str(r.status); "
                "print(s, r.return_value if s == 'SUCCESSFUL' else '')"
            )
        assert status == "SUCCESSFUL from the README", worker.output()
    finally:
        worker.stop()


def test_runserver(clone, tmp_path):
    server = clone.serve(".venv/bin/masterly runserver", tmp_path / "runserver.log")
    try:
        assert "Sign in" in server.wait_for(clone.url(), timeout=60)
    finally:
        server.stop()


def test_production(clone, tmp_path):
    """gunicorn never reads var/local.env: without SECRET_KEY (or ALLOWED_HOSTS) it refuses,
    and with them it serves with DEBUG off."""
    refused = clone.run(".venv/bin/gunicorn config.wsgi", timeout=60)
    assert refused.returncode != 0
    assert "App failed to load" in refused.stderr  # gunicorn stops instead of retrying
    assert "Masterly cannot start: SECRET_KEY is required when DEBUG is off" in refused.stderr

    key = {"SECRET_KEY": "readme-test-secret-key-0123456789-abcdefghijklmnop"}
    no_hosts = clone.run(".venv/bin/gunicorn config.wsgi", env=key, timeout=60)
    assert no_hosts.returncode != 0
    assert "Masterly cannot start: ALLOWED_HOSTS is required when DEBUG is off" in (no_hosts.stderr)

    production = {**key, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    # The masterly commands do read var/local.env (DEBUG=1 there), hence DEBUG=0 for them.
    clone.ok(".venv/bin/masterly migrate", env={**production, "DEBUG": "0"})
    clone.ok(".venv/bin/masterly collectstatic --no-input", env={**production, "DEBUG": "0"})
    server = clone.serve(
        ".venv/bin/gunicorn config.wsgi", tmp_path / "gunicorn.log", env=production
    )
    try:
        assert "Sign in" in server.wait_for(clone.url(), timeout=60)
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(clone.url("/no-such-page/"), timeout=5)  # noqa: S310
        assert missing.value.code == 404
        assert "DEBUG = True" not in missing.value.read().decode()
    finally:
        server.stop()


def test_bench(clone):
    out = clone.ok(".venv/bin/python bench/oneroster_import.py --quick", timeout=300)
    assert "enrollments.csv" in out


def test_make_messages(clone):
    """The committed catalogs are current: gathering the strings again changes nothing but
    the catalog's creation date and where in the code each string sits (``#:`` lines, which
    move with every edit), and both compiled files come out as committed."""
    if shutil.which("xgettext") is None:
        pytest.skip("make messages needs GNU gettext (xgettext), which is not installed here")
    clone.ok("make messages", timeout=300)
    changed = clone.ok("git diff -U0 -- masterly/locale masterly/accounts/locale")
    lines = [
        line
        for line in changed.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---", "+#:", "-#:"))
    ]
    assert all("POT-Creation-Date" in line for line in lines), changed
    assert not clone.ok("git status --porcelain -- '*.mo'"), "a compiled catalog is stale"
