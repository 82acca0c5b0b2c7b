"""The ``masterly`` command: Django's management commands under one name.

``masterly import-oneroster PATH`` is ``manage.py import_oneroster PATH``; ``masterly worker``
runs the task-queue worker; ``masterly start`` runs the web server and the worker together;
``masterly runserver`` without an address serves on 127.0.0.1:$PORT (8000 by default). From
the command line (and manage.py) it first reads the settings ``make run`` remembered in
var/local.env (see config/local.py).
"""

from __future__ import annotations

import os
import sys

from config.env import SettingsError
from config.local import apply, local_env_path, remember_development

# The worker of the configured task backend (see docs/decisions/0003-task-queue.md).
WORKERS = {
    "database": ["worker"],
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
    if args[1:2] == ["runserver"] and all(arg.startswith("-") for arg in args[2:]):
        from django.conf import settings

        args.append(f"127.0.0.1:{settings.PORT}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


def command_line() -> None:
    """``masterly`` and ``manage.py``: the install's remembered settings, then the command.

    ``masterly start`` in development remembers this run's settings (a secret key the first
    time); every command then reads them, a variable set in the environment winning.
    """
    try:
        path = local_env_path()
        apply(path)
        if sys.argv[1:2] == ["start"]:
            remember_development(path)
    except SettingsError as error:
        sys.stderr.write(f"Masterly cannot start: {error}\n")
        raise SystemExit(2) from None
    main()


if __name__ == "__main__":
    command_line()
