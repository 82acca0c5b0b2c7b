"""``masterly import-programs PATH [--dry-run]``: a program flags CSV (English learner, IEP,
504, economically disadvantaged; see ``oneroster/programs.py`` for the format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterly.integrations.oneroster.errors import RosterImportRejected
from masterly.integrations.oneroster.programs import programs_import
from masterly.integrations.oneroster.source import FileSource


class Command(BaseCommand):
    help = (
        "Import students' program flags (English learner, IEP, 504, economically "
        "disadvantaged) from a CSV file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            help="a CSV file: student_sourced_id,english_learner,iep,504,"
            "economically_disadvantaged with yes, no or empty (leave as it is)",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the file and show what would change, then change nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            with path.open("rb") as stream:
                source = FileSource(stream, name=path.name, size=path.stat().st_size)
                summary = programs_import(source=source, actor=None, dry_run=options["dry_run"])
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}.") from None
        except RosterImportRejected as rejected:
            self.stderr.write(
                "The file was rejected and nothing was changed. Fix these problems and import "
                "again:"
            )
            for problem in rejected.errors:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"{len(rejected.errors)} problem(s) found.", returncode=1) from None
        for line in summary.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"{summary.headline()}."))
        if summary.dry_run:
            self.stdout.write("Dry run: nothing was saved.")
