"""Benchmark: a class taking an online test at once, against Masterly as deployed.

    .venv/bin/python bench/taking_load.py                      # 35 students, SQLite
    .venv/bin/python bench/taking_load.py --students 300 --submit-window 60 \\
        --database postgres://postgres@127.0.0.1:5432/masterly_bench_taking

A fresh database (SQLite under ``var/bench/``, or the PostgreSQL database named, dropped and
made again) is migrated and given one section of students, a 20-item multiple-choice test
assigned now, and a signed-in session per student (made directly, not through the sign-in
form, whose password hashing is not what is measured). Then gunicorn serves it as the README
deploys it (``config.wsgi``, DEBUG off, several workers) on loopback, and each student, in a
thread of their own, starts the test, opens it, gives their 20 answers spread over
``--duration`` seconds (each answer one JSON save, as the page's script sends it), and
submits at a random moment of the ``--submit-window`` that follows.

Reported: p50 / p95 of the answer saves and of the submissions, and of the same number of
requests for a static file (the floor: what any request to these gunicorn workers costs),
with their ratios; errors (any refused or failed request) must be zero. Afterwards the
database is checked: every attempt submitted and every answer scored.

Goals (issue 13): answer-save p95 under 50 ms and submission p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
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
            standards=((standards[n % 4], 1),),
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
            opens_at=now - timezone.timedelta(hours=1),
            closes_at=now + timezone.timedelta(hours=2),
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
    lock: threading.Lock = field(default_factory=threading.Lock)


class Browser:
    """One student's connection, cookies and CSRF token (keep-alive, like a browser)."""

    def __init__(self, port: int, session: str) -> None:
        self.port = port
        self.cookies = {"sessionid": session}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, method: str, path: str, body: bytes | None = None, kind: str = ""
    ) -> tuple[int, dict[str, str], bytes, float]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            headers["Content-Type"] = kind or "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            raise
        elapsed = (time.perf_counter() - started) * 1000
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), data, elapsed


def student_run(
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
        time.sleep(max(0.0, begin + rng.uniform(0, 2) - time.monotonic()))
        status, headers, _body, _ms = browser.request("GET", f"/take/assignments/{assignment_id}/")
        if status != 200:
            raise RuntimeError(f"start page {status}")
        token = browser.cookies.get("csrftoken", "")
        form = f"csrfmiddlewaretoken={token}".encode()
        status, headers, _body, _ms = browser.request(
            "POST", f"/take/assignments/{assignment_id}/", form
        )
        if status != 302:
            raise RuntimeError(f"start {status}")
        attempt_path = headers["Location"].split("?")[0]
        status, _headers, page, _ms = browser.request("GET", attempt_path)
        if status != 200:
            raise RuntimeError(f"attempt page {status}")
        text = page.decode()
        placements = [int(p) for p in _between_all(text, 'name="items" value="', '"')]
        if len(placements) != ITEMS:
            raise RuntimeError(f"found {len(placements)} items on the page")
        moments = sorted(rng.uniform(2, duration) for _ in placements)
        for placement, moment in zip(placements, moments, strict=True):
            time.sleep(max(0.0, begin + moment - time.monotonic()))
            body = json.dumps({"item": placement, "choices": [rng.choice([0, 0, 1])]}).encode()
            status, _headers, data, ms = browser.request(
                "POST", attempt_path + "answer/", body, "application/json"
            )
            if status != 200 or not json.loads(data).get("kept"):
                raise RuntimeError(f"save {status}: {data[:200]!r}")
            with timings.lock:
                timings.saves.append(ms)
        time.sleep(max(0.0, begin + duration + rng.uniform(0, window) - time.monotonic()))
        status, headers, _body, ms = browser.request("POST", attempt_path + "submit/", form)
        if status != 302:
            raise RuntimeError(f"submit {status}")
        with timings.lock:
            timings.submits.append(ms)
    except Exception as problem:  # counted, and the run fails
        with timings.lock:
            timings.errors.append(f"{session[:6]}: {problem}")


def _between_all(text: str, before: str, after: str) -> list[str]:
    found = []
    start = text.find(before)
    while start >= 0:
        start += len(before)
        end = text.find(after, start)
        found.append(text[start:end])
        start = text.find(before, end)
    return found


def floor_run(port: int, count: int, spread: float, timings: Timings) -> None:
    """A static file fetched as often as the answers are saved, over the same time."""
    browser = Browser(port, "")
    begin = time.monotonic()
    for n in range(count):
        time.sleep(max(0.0, begin + spread * n / count - time.monotonic()))
        try:
            status, _headers, _body, ms = browser.request("GET", "/static/masterly/masterly.css")
        except Exception as problem:
            timings.errors.append(f"floor: {problem}")
            continue
        if status == 200:
            timings.floor.append(ms)
        else:
            timings.errors.append(f"floor {status}")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


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
            "--timeout",
            "120",  # a worker's first request imports the URLconf: slow on a busy machine
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_ready(port, gunicorn)
        warm_up(port, args.workers)
        timings = Timings()
        begin = time.monotonic() + 1
        threads = [
            threading.Thread(
                target=student_run,
                args=(port, assignment_id, key, begin, args.duration, args.submit_window, timings),
            )
            for _pk, key in sessions
        ]
        floor = threading.Thread(
            target=floor_run,
            args=(port, args.students * ITEMS, args.duration + args.submit_window, timings),
        )
        for thread in [*threads, floor]:
            thread.start()
        for thread in [*threads, floor]:
            thread.join()
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
