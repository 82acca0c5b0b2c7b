"""Issue 11's “done when” in one run: during ONE import running in the real ``masterly
worker`` (two tasks at once), every score saved from other threads succeeds and a second task
(a tracker recompute) runs to completion while the import is still running; the import then
imports everything. On SQLite (a file shared with the worker) and on PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.oneroster.held_import import SAVERS, STUDENTS
from tests.oneroster.held_worker import scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_during_one_import_in_the_worker_saves_succeed_and_a_recompute_finishes(tmp_path):
    if connection.vendor == "sqlite":
        done = subprocess.run(  # our own module, our own interpreter
            [sys.executable, "-m", "tests.oneroster.held_worker", str(tmp_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        outcome = json.loads(done.stdout.splitlines()[-1])
    else:
        settings = connection.settings_dict
        url = (
            f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/"
            f"{settings['NAME']}"
        )
        outcome = scenario(tmp_path, url)
    log = outcome.pop("worker_log")
    print(f"\n{connection.vendor}: {json.dumps(outcome, indent=1)}")

    assert outcome["failures"] == [], log
    assert outcome["saves_during"] >= SAVERS * 5
    assert outcome["recompute"] == "done", log
    assert outcome["import_when_recompute_done"] == "running"
    assert outcome["import"] == "succeeded", log
    assert outcome["enrolled"] == 2 + STUDENTS  # the teacher and st1, then every new student
