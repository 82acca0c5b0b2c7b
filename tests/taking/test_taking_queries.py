"""What one answer save and one submission cost the database, the same for a test of 5 items
and of 20: a save is a few reads and one short write transaction holding one write; a
submission reads the test before its write transaction, and scores in a fixed number of
statements (issue 13's performance goal, ``bench/taking_load.py``)."""

from __future__ import annotations

import json
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.assessments.models import Attempt, Evidence, Response
from masterly.trackers.services import taking
from tests.assessment_factories import Mastery
from tests.taking.conftest import Online, make_online

SAVE_QUERIES = 10  # session, user, roles, attempt, item; lock, upsert (+ begin, commit); state
WRITES = ("INSERT", "UPDATE", "DELETE")


def _statements(captured: list[dict[str, Any]]) -> list[str]:
    """Each query's first word (a compiled read on PostgreSQL is logged without its SQL)."""
    return [(q["sql"] or "SELECT").split(" ", 1)[0].upper() for q in captured]


def _started(online: Online) -> tuple[Client, Attempt]:
    attempt = taking.attempt_start(student=online.student, assignment=online.assignment)
    client = Client()
    client.force_login(online.student)
    client.get(reverse("taking:attempt", args=[attempt.pk]))  # the role chosen, the session kept
    return client, attempt


def _save(client: Client, attempt: Attempt, placement: int, choice: int) -> CaptureQueriesContext:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("taking:answer", args=[attempt.pk]),
            json.dumps({"item": placement, "choices": [choice]}),
            content_type="application/json",
        )
    assert response.status_code == 200 and response.json()["kept"] is True
    return queries


def _costs(online: Online) -> dict[str, list[str]]:
    client, attempt = _started(online)
    first, *others = [p.pk for p in online.placements]
    costs = {"new": _statements(_save(client, attempt, first, 0).captured_queries)}
    costs["again"] = _statements(_save(client, attempt, first, 1).captured_queries)
    for n, placement in enumerate(others[:3]):
        _save(client, attempt, placement, n % 2)  # right and wrong answers, the rest omitted
    with CaptureQueriesContext(connection) as queries:
        done = client.post(reverse("taking:submit", args=[attempt.pk]))
    assert done.status_code == 302
    costs["submit"] = _statements(queries.captured_queries)
    return costs


def test_a_save_and_a_submission_cost_the_same_for_5_and_20_items(mastery: Mastery) -> None:
    small = _costs(make_online(mastery, choices=5))
    large = _costs(make_online(mastery, choices=20))
    assert small == large
    for kind in ("new", "again"):  # a first answer and a changed one alike
        assert len(small[kind]) <= SAVE_QUERIES
        assert sum(s.startswith(WRITES) for s in small[kind]) == 1  # one upsert, nothing else
    assert len(small["submit"]) <= 45  # the first submission: it aligns the assessment too
    # Every item scored: the four answered ones and the sixteen omitted (0 points).
    assert Response.objects.count() == 5 + 20
    assert not Response.objects.filter(points__isnull=True).exists()
    assert Evidence.objects.filter(source="online").count() == 4  # A and B, two students' tests


def test_a_submission_reads_the_test_before_its_write_transaction(mastery: Mastery) -> None:
    online = make_online(mastery, choices=20)
    _client, attempt = _started(online)
    with CaptureQueriesContext(connection) as queries:
        assert taking.attempt_submit(attempt_id=attempt.pk, by="student", actor=online.student)
    statements = _statements(queries.captured_queries)
    first_write = next(i for i, s in enumerate(statements) if s.startswith(WRITES))
    # Before the first write: the attempt, the items and their keys, the alignment.
    assert first_write >= 7
    # The write transaction: a fixed number of statements whatever the test's size.
    assert len(statements) - first_write <= 25
