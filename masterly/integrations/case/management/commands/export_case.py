"""``masterly export-case FRAMEWORK_ID [-o FILE]``: a framework as a CASE 1.1 package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterly.integrations.case.writer import export_json
from masterly.standards.models import Framework
from masterly.standards.selectors import framework_by_reference


class Command(BaseCommand):
    help = "Export a framework (its number or CASE identifier) as a CASE 1.1 JSON package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("framework", help="the framework's number or CASE identifier")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args: Any, framework: str, output: str | None, **options: Any) -> None:
        try:
            found = framework_by_reference(framework)
        except Framework.DoesNotExist:
            known = "\n  ".join(
                f"{pk}  {identifier}  {title}"
                for pk, identifier, title in Framework.objects.values_list(
                    "pk", "identifier", "title"
                )
            )
            raise CommandError(
                f"There is no framework {framework!r}. Use a number or CASE identifier of "
                f"one of these:\n  {known or '(none imported yet)'}"
            ) from None
        text = export_json(found)
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {found.title} to {output}.")
        else:
            self.stdout.write(text)
