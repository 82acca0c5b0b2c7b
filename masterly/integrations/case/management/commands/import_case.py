"""``masterly import-case PATH_OR_URL``: load or update a framework from a CASE package."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterly.integrations.case.importer import import_case_package
from masterly.integrations.case.sources import read_source
from masterly.standards.services import FrameworkImportError


class Command(BaseCommand):
    help = (
        "Import a CASE 1.0 or 1.1 package (a JSON file, or a CASE API CFPackages/{id} URL). "
        "Re-importing updates items by identifier and retires items no longer published."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="path to a CFPackage JSON file, or its URL")

    def handle(self, *args: Any, source: str, verbosity: int = 1, **options: Any) -> None:
        def progress(phase: str, done: int, total: int) -> None:
            if verbosity > 1:
                self.stderr.write(f"{phase}: {done}/{total}")

        try:
            data = read_source(source)
            summary = import_case_package(actor=None, data=data, source=source, progress=progress)
        except FrameworkImportError as error:
            raise CommandError(
                "The package was not imported (nothing was changed):\n  "
                + "\n  ".join(error.problems)
            ) from None
        format_note = f" (CASE {summary.format_version})" if summary.format_version else ""
        self.stdout.write(f"Framework {summary.framework_id}{format_note}:")
        for line in summary.lines():
            self.stdout.write(f"  {line}")
