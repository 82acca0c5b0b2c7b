"""``masterly export-qti (--assessment ID | --owner USERNAME [--standard CODE]) -o FILE.zip``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterly.accounts.models import User
from masterly.assessments.items.selectors import standard_by_code
from masterly.assessments.models import Assessment
from masterly.integrations.qti.export import export_assessment
from masterly.integrations.qti.selectors import MAX_EXPORT_ITEMS, owner_export


class Command(BaseCommand):
    help = (
        "Export items as a QTI 3 content package (.zip): an assessment with its sections, or "
        "the items a person owns (those aligned under a standard, if given)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--assessment", type=int, help="an assessment's number")
        which.add_argument("--owner", help="username whose items to export")
        parser.add_argument("--standard", help="with --owner: only items under this code")
        parser.add_argument("-o", "--output", required=True, help="the .zip file to write")

    def handle(self, *args: Any, output: str, **options: Any) -> None:
        if options["assessment"] is not None:
            assessment = Assessment.objects.filter(pk=options["assessment"]).first()
            if assessment is None:
                raise CommandError(f"There is no assessment {options['assessment']}.")
            data, count = export_assessment(assessment), assessment.items.count()
        else:
            owner = User.objects.filter(username=options["owner"]).first()
            if owner is None:
                raise CommandError(f"There is no user {options['owner']!r}.")
            standard = None
            if options["standard"]:
                standard = standard_by_code(options["standard"])
                if standard is None:
                    raise CommandError(f"No one standard has the code {options['standard']!r}.")
            data, count = owner_export(owner, standard)
            if count == 0:
                raise CommandError("No items to export: nothing was written.")
            if count > MAX_EXPORT_ITEMS:
                raise CommandError(
                    f"{count} items is more than {MAX_EXPORT_ITEMS} at once; choose a standard."
                )
        Path(output).write_bytes(data)
        self.stderr.write(f"Wrote {count} items to {output}.")
