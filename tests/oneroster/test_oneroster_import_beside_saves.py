"""Issue 11's “done when”: an import held running while teachers save scores. Every save
succeeds (it may wait for the import's short apply, never fail), and the import is still all
or nothing: a broken one changes nothing, a good one imports everything. Times are printed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.oneroster.held_import import SAVERS, STUDENTS, scenario

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_scores_saved_while_imports_run_all_succeed_and_imports_stay_all_or_nothing(tmp_path):
    if connection.vendor == "sqlite":
        done = subprocess.run(  # our own module, our own interpreter
            [sys.executable, "-m", "tests.oneroster.held_import", str(tmp_path)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        outcome = json.loads(done.stdout.splitlines()[-1])
    else:
        outcome = scenario(tmp_path)
    broken, good = outcome["broken"], outcome["good"]
    print(f"\n{connection.vendor}: {json.dumps(outcome, indent=1)}")

    for run in (broken, good):
        assert run["failures"] == []
        assert run["saves_during"] >= SAVERS * 5  # the import was really running meanwhile
    assert broken["rejected"] == [
        "enrollments.csv, line 1505, column classSourcedId: “nowhere” is not a class in "
        "classes.csv or already in Masterly. Add it to classes.csv, or correct the id."
    ]
    assert broken["roster_unchanged"]
    assert "rejected" not in good
    assert good["enrolled"] == 2 + STUDENTS  # the teacher and st1, then every new student
    assert good["evidence"] > broken["evidence"] > 0  # every save is kept
