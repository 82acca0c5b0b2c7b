"""``masterly import-qti PATH --user USERNAME [--dry-run] [--skip-unsupported]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterly.accounts.models import User
from masterly.assessments.items.models import Scope
from masterly.integrations.qti.errors import QtiImportRejected, UnsupportedInteractions
from masterly.integrations.qti.importer import import_qti


class Command(BaseCommand):
    help = (
        "Import a QTI 3 (or 2.1/2.2) content package: a .zip or a folder with imsmanifest.xml. "
        "Its items go to the user's item bank; its tests become assessments. Re-importing "
        "updates the items by identifier (a changed item gets a new version)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="the package: a .zip file or its folder")
        parser.add_argument("--user", required=True, help="username of the items' owner")
        parser.add_argument(
            "--scope",
            choices=Scope.values,
            default=Scope.OWN,
            help="who may find the new items: own (default), school or district",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check and count; change nothing"
        )
        parser.add_argument(
            "--skip-unsupported",
            action="store_true",
            help="import the items Masterly supports and list the others",
        )

    def handle(self, *args: Any, path: str, user: str, scope: str, **options: Any) -> None:
        source = Path(path)
        if not source.exists():
            raise CommandError(f"There is no file or folder {path}.")
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"There is no user {user!r}.")
        try:
            summary = import_qti(
                actor=actor,
                source=source,
                name=source.name,
                scope=scope,
                dry_run=options["dry_run"],
                skip_unsupported=options["skip_unsupported"],
            )
        except UnsupportedInteractions as refused:
            raise CommandError(
                "The package was not imported (nothing was changed). These items use "
                "interactions Masterly does not support; add --skip-unsupported to import the "
                "rest:\n  " + "\n  ".join(refused.lines)
            ) from None
        except QtiImportRejected as refused:
            raise CommandError(
                "The package was not imported (nothing was changed):\n  "
                + "\n  ".join(refused.lines)
            ) from None
        for line in summary.lines():
            self.stdout.write(line)
