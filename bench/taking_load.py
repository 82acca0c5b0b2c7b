"""Benchmark: a class taking an online test at once, against Masterly as deployed.

    .venv/bin/python bench/taking_load.py                      # 35 students, SQLite
    .venv/bin/python bench/taking_load.py --students 300 --submit-window 60 --duration 600 \\
        --database postgres://postgres@127.0.0.1:5432/masterly_bench_taking

A grade of 300 answers its 20 items over ten minutes (``--duration 600``, half a minute an
item): squeezed into the default 20 s it would be 300 saves a second, more than four sync
workers on two cores serve, and the figures would be the wait for a free worker.

A fresh database (SQLite under ``var/bench/``, or the PostgreSQL database named, dropped and
made again) is migrated and given one section of students, a 20-item multiple-choice test
assigned now, and a signed-in session per student (made directly, not through the sign-in
form, whose password hashing is not what is measured). Then gunicorn serves it as the README
deploys it (``config.wsgi``, DEBUG off, several workers) on loopback, and each student (a
coroutine of one asyncio client, cheap beside the server it measures) starts the test,
opens it, gives their 20 answers spread over ``--duration`` seconds (each answer one JSON
save, as the page's script sends it), and submits at a random moment of the
``--submit-window`` that follows.

Reported: p50 / p95 of the answer saves and of the submissions, and of the same number of
requests for a static file, each sent at its moment whatever the others' replies (the floor:
what any request to these gunicorn workers costs, the wait for a free worker included),
with their ratios, and the time the saves and submissions spent inside a worker (gunicorn's
access log: the rest is the wait for a free worker); errors (any refused or failed request)
must be zero. Afterwards the
database is checked: every attempt submitted and every answer scored.

Goals (issue 13): answer-save p95 under 50 ms and submission p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ITEMS = 20
UNUSABLE = "!"  # an unusable password: nobody signs in as these people
SAVE_GOAL_MS = 50.0
SUBMIT_GOAL_MS = 300.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def environment(database: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": env.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,testserver",
            "SECURE_COOKIES": "false",
            "DATABASE_URL": database,
            "TASK_BACKEND": "database",
        }
    )
    return env


def fresh_database(args: argparse.Namespace) -> str:
    if args.database:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from mastery_recompute import _recreate_postgres

        _recreate_postgres(args.database)
        return str(args.database)
    path = ROOT / "var" / "bench" / f"taking-{args.students}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def build(students: int) -> tuple[int, list[tuple[int, str]]]:
    """The class and the test; returns the assignment id and (student id, session key)s."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from masterly.accounts.models import User
    from masterly.assessments.composition import services as composition
    from masterly.assessments.items import services as item_writes
    from masterly.assessments.items.drafts import ChoiceDraft, ItemDraft
    from masterly.assessments.items.models import Scope
    from masterly.assessments.models import Assessment
    from masterly.roster.models import Course, Enrollment, Org, Role, RoleAssignment, Section
    from masterly.standards.models import Framework, Standard
    from masterly.trackers.services import assignments, creation

    district = Org.objects.create(sourced_id="d", name="Bench District", type="district")
    school = Org.objects.create(sourced_id="s", name="Bench Middle", type="school", parent=district)
    course = Course.objects.create(sourced_id="c", org=school, title="Math 6")
    section = Section.objects.create(
        sourced_id="sec", course=course, school=school, title="Math 6 - 1", grades="06"
    )
    teacher = User.objects.create(username="bench-teacher", password=UNUSABLE)
    RoleAssignment.objects.create(user=teacher, role=Role.TEACHER, org=school)
    Enrollment.objects.create(
        sourced_id="e-t", user=teacher, section=section, role=Enrollment.Role.TEACHER
    )
    people = User.objects.bulk_create(
        User(username=f"bench-student-{n}", password=UNUSABLE, last_name=f"S{n:04d}")
        for n in range(students)
    )
    RoleAssignment.objects.bulk_create(
        RoleAssignment(user=p, role=Role.STUDENT, org=school) for p in people
    )
    Enrollment.objects.bulk_create(
        Enrollment(sourced_id=f"e-{p.pk}", user=p, section=section, role=Enrollment.Role.STUDENT)
        for p in people
    )
    framework = Framework.objects.create(identifier="bench-framework", title="Bench")
    standards = [
        Standard.objects.create(
            framework=framework,
            identifier=f"bench-{n}",
            human_coding_scheme=f"B.{n}",
            full_statement=f"Standard {n}",
        )
        for n in range(4)
    ]
    tracker = creation.tracker_create(
        actor=teacher,
        name="Bench tracker",
        owner=teacher,
        sections=[section],
        standards=standards,
    )
    drafts = [
        ItemDraft(
            interaction="multiple_choice",
            stem=f"Question {n}?",
            dok=1,
            standards=((standards[n % 4], Decimal(1)),),
            choices=(ChoiceDraft("right", is_correct=True), ChoiceDraft("b"), ChoiceDraft("c")),
        )
        for n in range(ITEMS)
    ]
    items = item_writes.items_create(actor=teacher, drafts=drafts, scope=Scope.OWN)
    assessment = composition.assessment_create(
        actor=teacher, title="Bench test", kind=Assessment.Kind.COMMON
    )
    composition.items_add(actor=teacher, assessment=assessment, items=items, section=1)
    now = timezone.now()
    assignment = assignments.assignment_create(
        actor=teacher,
        tracker=tracker,
        assessment=assessment,
        sections=[section],
        terms=assignments.AssignmentTerms(
            opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(hours=2),
            time_limit_minutes=60,
        ),
    )
    sessions = []
    backend = settings.AUTHENTICATION_BACKENDS[0]
    for person in people:
        store = SessionStore()
        store[SESSION_KEY] = str(person.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = person.get_session_auth_hash()
        store.create()
        sessions.append((person.pk, str(store.session_key)))
    return assignment.pk, sessions


@dataclass
class Timings:
    saves: list[float] = field(default_factory=list)
    submits: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class Browser:
    """One student's browser: cookies, the CSRF token and a connection, kept alive when the
    server keeps it (gunicorn's sync workers close it after each response, so each request
    connects again, as a browser would). Plain HTTP/1.1 over asyncio streams: one event loop
    drives every student, so the client costs little CPU beside the server it measures
    (threads of ``http.client``, one a student, cost the 2-core machine more than the
    requests they timed)."""

    def __init__(self, port: int, session: str) -> None:
        self.port = port
        self.cookies = {"sessionid": session} if session else {}
        self.stream: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(
        self, method: str, path: str, body: bytes = b"", kind: str = ""
    ) -> tuple[int, dict[str, str], bytes, float]:
        lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        if self.cookies:
            lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if method == "POST":
            lines.append(f"X-CSRFToken: {self.cookies.get('csrftoken', '')}")
            lines.append(f"Referer: http://127.0.0.1:{self.port}{path}")
            lines.append(f"Content-Type: {kind or 'application/x-www-form-urlencoded'}")
            lines.append(f"Content-Length: {len(body)}")
        message = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
        started = time.perf_counter()
        try:
            if self.stream is None:
                self.stream = await asyncio.open_connection("127.0.0.1", self.port)
            reader, writer = self.stream
            writer.write(message)
            status, headers, cookies, data = await asyncio.wait_for(_response(reader), 60)
        except (OSError, ValueError, asyncio.IncompleteReadError, TimeoutError):
            self.close()
            raise
        elapsed = (time.perf_counter() - started) * 1000
        if headers.get("connection", "").lower() == "close":
            self.close()
        self.cookies.update(cookies)
        return status, headers, data, elapsed

    def close(self) -> None:
        if self.stream is not None:
            self.stream[1].close()
            self.stream = None


async def _response(
    reader: asyncio.StreamReader,
) -> tuple[int, dict[str, str], dict[str, str], bytes]:
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    status = int(head[0].split(" ", 2)[1])
    headers: dict[str, str] = {}
    cookies: dict[str, str] = {}
    for line in head[1:]:
        if not line:
            continue
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "set-cookie":
            key, _, rest = value.partition("=")
            cookies[key.strip()] = rest.split(";", 1)[0]
        headers[name] = value
    if "content-length" in headers:
        data = await reader.readexactly(int(headers["content-length"]))
    else:  # no length: the body runs to the connection's end
        data = await reader.read()
        headers["connection"] = "close"
    return status, headers, cookies, data


async def student_run(
    port: int,
    assignment_id: int,
    session: str,
    begin: float,
    duration: float,
    window: float,
    timings: Timings,
) -> None:
    browser = Browser(port, session)
    rng = random.Random(session)
    try:
        await _sleep_until(begin + rng.uniform(0, 2))
        status, headers, _body, _ms = await browser.request(
            "GET", f"/take/assignments/{assignment_id}/"
        )
        if status != 200:
            raise RuntimeError(f"start page {status}")
        token = browser.cookies.get("csrftoken", "")
        form = f"csrfmiddlewaretoken={token}".encode()
        status, headers, _body, _ms = await browser.request(
            "POST", f"/take/assignments/{assignment_id}/", form
        )
        if status != 302:
            raise RuntimeError(f"start {status}")
        attempt_path = headers["location"].split("?")[0]
        status, _headers, page, _ms = await browser.request("GET", attempt_path)
        if status != 200:
            raise RuntimeError(f"attempt page {status}")
        text = page.decode()
        placements = [int(p) for p in _between_all(text, 'name="items" value="', '"')]
        if len(placements) != ITEMS:
            raise RuntimeError(f"found {len(placements)} items on the page")
        moments = sorted(rng.uniform(2, duration) for _ in placements)
        for placement, moment in zip(placements, moments, strict=True):
            await _sleep_until(begin + moment)
            body = json.dumps({"item": placement, "choices": [rng.choice([0, 0, 1])]}).encode()
            status, _headers, data, ms = await browser.request(
                "POST", attempt_path + "answer/", body, "application/json"
            )
            if status != 200 or not json.loads(data).get("kept"):
                raise RuntimeError(f"save {status}: {data[:200]!r}")
            timings.saves.append(ms)
        await _sleep_until(begin + duration + rng.uniform(0, window))
        status, headers, _body, ms = await browser.request("POST", attempt_path + "submit/", form)
        if status != 302:
            raise RuntimeError(f"submit {status}")
        timings.submits.append(ms)
    except Exception as problem:  # counted, and the run fails
        timings.errors.append(f"{session[:6]}: {problem!r}")
    finally:
        browser.close()


async def _sleep_until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.monotonic()))


def _between_all(text: str, before: str, after: str) -> list[str]:
    found = []
    start = text.find(before)
    while start >= 0:
        start += len(before)
        end = text.find(after, start)
        found.append(text[start:end])
        start = text.find(before, end)
    return found


async def floor_run(port: int, count: int, begin: float, spread: float, timings: Timings) -> None:
    """A static file fetched as often as the answers are saved, over the same time: each
    fetch at its own moment, whether or not the one before has come back (open loop: one
    waiting in a queue does not hold the next back, so the slow moments count as often as
    the others; a loop waiting for each reply fetched mostly once the class had finished)."""

    async def fetch(n: int) -> None:
        await _sleep_until(begin + spread * n / count)
        browser = Browser(port, "")
        try:
            status, _headers, _body, ms = await browser.request(
                "GET", "/static/masterly/masterly.css"
            )
        except Exception as problem:
            timings.errors.append(f"floor: {problem!r}")
            return
        finally:
            browser.close()
        if status == 200:
            timings.floor.append(ms)
        else:
            timings.errors.append(f"floor {status}")

    await asyncio.gather(*(fetch(n) for n in range(count)))


async def class_run(
    port: int, assignment_id: int, sessions: list[str], args: argparse.Namespace
) -> Timings:
    timings = Timings()
    begin = time.monotonic() + 1
    await asyncio.gather(
        *(
            student_run(port, assignment_id, key, begin, args.duration, args.submit_window, timings)
            for key in sessions
        ),
        floor_run(port, args.students * ITEMS, begin, args.duration + args.submit_window, timings),
    )
    return timings


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def worker_times(access_log: Path) -> dict[str, list[float]]:
    """Milliseconds each save and submission spent inside a gunicorn worker (its access log),
    to tell the server's own time from the wait in its listen queue."""
    found: dict[str, list[float]] = {}
    for line in access_log.read_text().splitlines():
        method, path, _status, micros = [*line.split(), "", "", "", ""][:4]
        if method == "POST" and micros.isdigit():
            for suffix in ("/answer/", "/submit/"):
                if path.endswith(suffix):
                    found.setdefault(suffix, []).append(int(micros) / 1000)
    return found


def wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    ends = time.monotonic() + 60
    while time.monotonic() < ends:
        if process.poll() is not None:
            raise SystemExit("gunicorn stopped while starting")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/static/masterly/masterly.css")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def warm_up(port: int, workers: int) -> None:
    """Every worker loads Django's pages once before the class arrives (not measured)."""
    for _ in range(workers * 3):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", "/accounts/login/")
        connection.getresponse().read()
        connection.close()


def check_database() -> tuple[int, int, int, int]:
    from masterly.assessments.models import Attempt, Evidence, Response

    return (
        Attempt.objects.count(),
        Attempt.objects.filter(submitted_at__isnull=False).count(),
        Response.objects.filter(points__isnull=False).count(),
        Evidence.objects.count(),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=35)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of answering")
    parser.add_argument("--submit-window", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database", default="", help="a PostgreSQL URL (default SQLite)")
    args = parser.parse_args()
    if not 1 <= args.students <= 1000 or not 1 <= args.workers <= 16:
        raise SystemExit("--students 1 to 1000, --workers 1 to 16")
    sys.path.insert(0, str(ROOT))
    env = environment(fresh_database(args))
    os.environ.update(env)
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run(  # noqa: S603 - our own interpreter
        [python, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    subprocess.run(  # noqa: S603 - our own interpreter
        [python, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    assignment_id, sessions = build(args.students)
    port = free_port()
    access_log = ROOT / "var" / "bench" / "taking-access.log"
    access_log.parent.mkdir(parents=True, exist_ok=True)
    access_log.unlink(missing_ok=True)
    gunicorn = subprocess.Popen(  # noqa: S603 - our own executable, loopback only
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
            "--access-logfile",
            str(access_log),
            "--access-logformat",
            "%(m)s %(U)s %(s)s %(D)s",  # method, path, status, microseconds in the worker
            "--timeout",
            "120",  # a worker's first request imports the URLconf: slow on a busy machine
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_ready(port, gunicorn)
        warm_up(port, args.workers)
        timings = asyncio.run(class_run(port, assignment_id, [key for _pk, key in sessions], args))
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
    attempts, submitted, scored, evidence = check_database()
    database = "PostgreSQL" if args.database else "SQLite"
    print(
        f"{args.students} students × {ITEMS} items on {database}, gunicorn {args.workers} workers"
    )
    print(f"  answering over {args.duration:.0f} s, submitting within {args.submit_window:.0f} s")
    floor_p50, floor_p95 = percentile(timings.floor, 0.5), percentile(timings.floor, 0.95)
    print(
        f"  static file (floor)  p50 {floor_p50:6.1f} ms  p95 {floor_p95:6.1f} ms  "
        f"n={len(timings.floor)}"
    )
    for name, values, goal in (
        ("answer save", timings.saves, SAVE_GOAL_MS),
        ("submission", timings.submits, SUBMIT_GOAL_MS),
    ):
        p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
        print(
            f"  {name:<20} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  n={len(values)}  "
            f"p95 {p95 / floor_p95:5.1f}× the floor  goal p95 < {goal:.0f} ms: "
            f"{'met' if p95 < goal else 'NOT met'}"
        )
    inside = worker_times(access_log)
    for name, suffix in (("answer save", "/answer/"), ("submission", "/submit/")):
        values = inside.get(suffix, [])
        print(
            f"    in the worker: {name:<11} p50 {percentile(values, 0.5):6.1f} ms  "
            f"p95 {percentile(values, 0.95):6.1f} ms  (the rest is the wait for a free worker)"
        )
    print(f"  errors: {len(timings.errors)}")
    for line in timings.errors[:10]:
        print(f"    {line}")
    print(
        f"  database: {submitted}/{attempts} attempts submitted, {scored} answers scored "
        f"(expected {args.students * ITEMS}), {evidence} evidence rows"
    )
    ok = (
        not timings.errors
        and submitted == attempts == args.students
        and scored == args.students * ITEMS
    )
    if not ok:
        print("FAILED: errors, or not every attempt submitted and scored")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
