"""``python -m masterly.mastery``: one JSON object out, or a clear error and exit code 2."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from masterly.mastery.cli import main

ROOT = Path(__file__).resolve().parents[2]
WORKED_CHECKS = [
    (["decaying_average", "1", "2", "3", "4", "--max", "4"], 3.48),
    (["decaying_average", "1", "2", "3", "4", "5", "--max", "5"], 4.47),
    (["weighted_average", "1", "2", "3", "4", "5", "--max", "5"], 4.13),
    (["power_law", "3", "3", "1", "3", "--max", "4"], 1.90),
    (["power_law", "3", "3", "1", "3", "4", "4", "--max", "4"], 3.07),
]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "masterly.mastery", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


# ------------------------------------------------------------------ as a real process
@pytest.mark.parametrize(("args", "score"), WORKED_CHECKS)
def test_worked_checks_through_the_command_line(args: list[str], score: float) -> None:
    completed = run(*args)
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    output = json.loads(completed.stdout)  # exactly one JSON object
    assert output["score"] == score
    assert output["method"] == args[0]
    assert isinstance(output["steps"], list)
    assert output["level"] in {"M", "NM", "R"}


def test_the_process_prints_a_clear_error_and_exits_2() -> None:
    completed = run("decaying_average", "1", "--decay", "0.3")
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert "decay must be between 0.50 and 0.99 (got 0.3)" in completed.stderr
    assert "--help" in completed.stderr


# ------------------------------------------------------------------ in-process, for coverage
def output_of(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(list(args)) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    data: dict[str, object] = json.loads(captured.out)
    return data


@pytest.mark.parametrize(("args", "score"), WORKED_CHECKS)
def test_worked_checks_in_process(
    capsys: pytest.CaptureFixture[str], args: list[str], score: float
) -> None:
    assert output_of(capsys, *args)["score"] == score


def test_the_output_fields(capsys: pytest.CaptureFixture[str]) -> None:
    data = output_of(capsys, "decaying_average", "1", "2", "3", "4", "--max", "4")
    assert data["level"] == "M"
    assert data["level_name"] == "Mastery"
    assert data["percent"] == 87.12
    assert data["method_name"] == "Decaying average"
    steps = data["steps"]
    assert isinstance(steps, list) and len(steps) == 4
    assert "Score: 3.48 of 4 (87.12 %)." in str(data["explanation"])


def test_no_scores_is_no_score(capsys: pytest.CaptureFixture[str]) -> None:
    data = output_of(capsys, "average")
    assert data["score"] is None
    assert data["level"] == "NS"


def test_parameters_reach_the_method(capsys: pytest.CaptureFixture[str]) -> None:
    assert output_of(capsys, "decaying_average", "0", "100", "--decay", "0.5")["score"] == 50
    assert (
        output_of(capsys, "weighted_average", "0", "50", "100", "--weight", "0.5")["score"] == 62.5
    )
    assert output_of(capsys, "n_mastery", "85", "90", "--n", "2")["score"] == 87.5
    assert output_of(capsys, "n_mastery", "85", "90")["level"] == "NS"


def test_mode_prints_a_level(capsys: pytest.CaptureFixture[str]) -> None:
    data = output_of(capsys, "mode", "85", "60", "90", "55", "40")
    assert data["level"] == "M"
    assert data["score"] == 87.5


@pytest.mark.parametrize(
    ("cuts", "score", "level"),
    [
        ("80,50", "85", "M"),
        ("90,80,50", "95", "A"),
        ("90, 80, 50", "85", "M"),
        ("70", "75", "M"),
        ("70", "65", "R"),
        ("60,40", "50", "NM"),
    ],
)
def test_cuts(capsys: pytest.CaptureFixture[str], cuts: str, score: str, level: str) -> None:
    assert output_of(capsys, "average", score, "--cuts", cuts)["level"] == level


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["median", "1"], "unknown calculation method 'median'; choose one of most_recent"),
        (["average", "abc"], "score 'abc' is not a number"),
        (["average", "nan"], "score 'nan' is not a number"),
        (["average", "-1"], "score -1 is negative"),
        (["average", "5", "--max", "4"], "score 5 is above the maximum 4; pass a larger --max"),
        (["average", "101"], "score 101 is above the maximum 100"),
        (["average", "1", "--max", "0"], "--max must be more than 0"),
        (["average", "1", "--max", "four"], "--max 'four' is not a number"),
        (["average", "1", "--cuts", "50,80"], "cut scores must go strictly down"),
        (["average", "1", "--cuts", "95,90,80,50"], "give 1 to 3 cut scores"),
        (["average", "1", "--cuts", "80,x"], "a cut score must be a number"),
        (["weighted_average", "1", "--weight", "1"], "weight must be between 0.01 and 0.99"),
        (["n_mastery", "1", "--n", "0"], "n must be a positive whole number"),
        (["n_mastery", "1", "--n", "two"], "argument --n: invalid int value"),
        (["average", "1", "--bogus"], "unrecognized arguments: --bogus"),
        ([], "the following arguments are required: method"),
    ],
)
def test_bad_input(capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert "Run 'python -m masterly.mastery --help'" in captured.err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    assert "decaying_average" in capsys.readouterr().out


def test_running_the_module(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "argv", ["masterly.mastery", "highest", "3", "4", "--max", "4"])
    with pytest.raises(SystemExit) as exit_:
        runpy.run_module("masterly.mastery", run_name="__main__")
    assert exit_.value.code == 0
    assert json.loads(capsys.readouterr().out)["score"] == 4
