"""``masterly import-oneroster PATH [--dry-run]``: progress, the summary table, exit codes."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from masterly.cli import main
from masterly.integrations.oneroster.models import ImportRun
from masterly.roster.models import Org
from tests.oneroster.builders import district, snapshot

pytestmark = pytest.mark.django_db


def run_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_oneroster", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_prints_progress_and_the_summary_table(tmp_path):
    path = district().write_zip(tmp_path / "rosters.zip")

    out, _ = run_command(str(path))

    assert out.startswith(f"Importing {path} …\n")
    assert "  100 %" not in out  # progress stops short of 100 until the summary
    assert "users.csv: " in out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("file "))
    assert header.split() == ["file", "created", "updated", "deactivated", "unchanged"]
    assert next(line for line in lines if line.startswith("users.csv ")).split() == [
        "users.csv",
        "7",
        "0",
        "0",
        "0",
    ]
    assert next(line for line in lines if line.startswith("total ")).split() == [
        "total",
        "29",
        "0",
        "0",
        "0",
    ]
    assert "OneRoster 1.2 import of rosters.zip: 29 created, 0 updated, 0 deactivated" in out
    run = ImportRun.objects.get()
    assert (run.origin, run.status, run.created_by) == ("command", "succeeded", None)


def test_importing_again_from_a_folder_reports_zero_changes(tmp_path):
    folder = district().write_folder(tmp_path / "rosters")
    run_command(str(folder))

    out, _ = run_command(str(folder))

    assert "0 created, 0 updated, 0 deactivated, 29 unchanged" in out


def test_a_dry_run_changes_nothing(tmp_path):
    path = district().write_zip(tmp_path / "rosters.zip")

    out, _ = run_command(str(path), "--dry-run")

    assert out.startswith(f"Checking {path} …")
    assert "29 created" in out
    assert "Dry run: nothing was saved." in out
    assert not Org.objects.exists()
    assert ImportRun.objects.get().status == "checked"


def test_bad_input_lists_every_problem_and_exits_with_1(tmp_path):
    roster = district()
    roster.row("enrollments.csv", "e3")["userSourcedId"] = "nobody"
    roster.row("enrollments.csv", "e1")["beginDate"] = "tomorrow"
    path = roster.write_zip(tmp_path / "rosters.zip")
    before = snapshot()

    with pytest.raises(CommandError) as failure:
        run_command(str(path))

    assert failure.value.returncode == 1
    assert str(failure.value) == "2 problem(s) found."
    assert snapshot() == before
    run = ImportRun.objects.get()
    assert run.status == "failed"
    assert [e["line"] for e in run.errors] == [2, 4]


def test_the_masterly_command_exits_with_1_and_lists_the_problems(tmp_path, capsys):
    roster = district()
    roster.row("enrollments.csv", "e3")["userSourcedId"] = "nobody"
    path = roster.write_zip(tmp_path / "rosters.zip")

    with pytest.raises(SystemExit) as exit_:
        main(["masterly", "import-oneroster", str(path)])

    assert exit_.value.code == 1
    err = capsys.readouterr().err
    assert "The import was rejected and nothing was changed." in err
    assert (
        "  enrollments.csv, line 4, column userSourcedId: “nobody” is not a user in users.csv "
        "or already in Masterly. Add it to users.csv, or correct the id."
    ) in err
    assert "CommandError: 1 problem(s) found." in err


def test_a_missing_path_is_a_clear_problem(tmp_path):
    with pytest.raises(CommandError):
        run_command(str(tmp_path / "nowhere.zip"))
    assert (
        ImportRun.objects.get()
        .errors[0]["message"]
        .endswith("does not exist. Give the path of a .zip or a folder.")
    )
