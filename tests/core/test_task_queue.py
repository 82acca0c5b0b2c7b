"""Background work runs on a real queue: the database one by default, Redis for scale."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django_tasks import TaskResultStatus

from masterly.core.tasks import worker_echo
from tests.local_services import ensure_redis
from tests.worker_process import enqueue_echo

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_database_queue_runs_a_task_in_the_worker() -> None:
    result = worker_echo.enqueue("hello")
    assert result.status == TaskResultStatus.READY

    call_command("worker", batch=True, no_startup_delay=True, verbosity=0)

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == "hello"


def _masterly(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "masterly.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_redis_queue_runs_a_task_in_masterly_worker(tmp_path: Path) -> None:
    if not ensure_redis():
        pytest.skip("Redis is not installed on this machine")
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        "DEBUG": "1",
        "MASTERLY_DATA_DIR": str(tmp_path),
        "TASK_BACKEND": "redis",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
    }
    task_id = enqueue_echo("through redis", env=env)

    worker = _masterly("worker", "--burst", env=env)
    assert worker.returncode == 0, worker.stderr

    fetch = (
        "import django; django.setup();"
        "from masterly.core.tasks import worker_echo;"
        f"r = worker_echo.get_result({task_id!r}); print(r.status, r.return_value)"
    )
    done = subprocess.run(
        [sys.executable, "-c", fetch],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == "SUCCESSFUL through redis"


def test_redis_backend_without_a_url_stops_with_a_clear_message(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL"}},
        "DEBUG": "1",
        "MASTERLY_DATA_DIR": str(tmp_path),
        "TASK_BACKEND": "redis",
    }
    result = _masterly("check", env=env)
    assert result.returncode == 2
    assert "TASK_BACKEND=redis needs REDIS_URL" in result.stderr
