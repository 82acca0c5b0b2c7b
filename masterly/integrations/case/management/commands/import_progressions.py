"""``masterly import-progressions FILE --framework ID``: prerequisite edges between codes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterly.integrations.case.progressions import read_progressions
from masterly.standards.models import Framework
from masterly.standards.selectors import framework_by_reference
from masterly.standards.services import ProgressionImportError, progressions_import


class Command(BaseCommand):
    help = (
        "Import learning progressions from a source,target,relationship CSV of codes: "
        "'dependency' becomes precedes, 'conceptual connection' isRelatedTo."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file")
        parser.add_argument(
            "--framework", required=True, help="the framework's number or CASE identifier"
        )
        parser.add_argument(
            "--skip-unknown",
            action="store_true",
            help="import the rows whose codes are known and list the others (default: stop)",
        )

    def handle(
        self, *args: Any, file: str, framework: str, skip_unknown: bool, **options: Any
    ) -> None:
        try:
            found = framework_by_reference(framework)
        except Framework.DoesNotExist:
            raise CommandError(f"There is no framework {framework!r}.") from None
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"There is no file {file}.")
        try:
            edges = read_progressions(path.read_bytes())
            summary = progressions_import(
                actor=None, framework=found, edges=edges, skip_unknown=skip_unknown
            )
        except ProgressionImportError as error:
            raise CommandError(
                "The progressions were not imported (nothing was changed):\n  "
                + "\n  ".join(error.problems)
            ) from None
        for line in summary.lines():
            self.stdout.write(line)
