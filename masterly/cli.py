"""The ``masterly`` command: Django's management commands under one name.

``masterly import-oneroster PATH`` is ``manage.py import_oneroster PATH``; ``masterly worker``
runs the task-queue worker; ``masterly start`` runs the web server and the worker together.
"""

from __future__ import annotations

import os
import sys

# The worker of the configured task backend (see docs/decisions/0003-task-queue.md).
WORKERS = {
    "database": ["db_worker"],
    "redis": [
        "rqworker",
        "default",
        "--with-scheduler",
        "--job-class",
        "django_tasks_rq.backend.Job",
    ],
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if len(args) > 1 and args[1] == "worker":
        backend = os.environ.get("TASK_BACKEND", "database").strip() or "database"
        args[1:2] = WORKERS.get(backend, WORKERS["database"])
    elif len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
