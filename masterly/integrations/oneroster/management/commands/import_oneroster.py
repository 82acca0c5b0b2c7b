"""``masterly import-oneroster PATH [--dry-run] [--allow-mass-deactivation]``: a OneRoster bulk
set from a .zip or a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterly.integrations.oneroster.context import ImportProgress
from masterly.integrations.oneroster.errors import RosterImportError
from masterly.integrations.oneroster.models import ImportRun
from masterly.integrations.oneroster.services import import_run_execute, import_run_start
from masterly.integrations.oneroster.summary import ImportSummary


class Command(BaseCommand):
    help = "Import a OneRoster 1.1 or 1.2 CSV bulk set from a .zip or a folder."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="a .zip of the OneRoster CSV files, or their folder")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check the files and show what would change, then change nothing",
        )
        parser.add_argument(
            "--allow-mass-deactivation",
            action="store_true",
            help="import even if the files deactivate more than ONEROSTER_MAX_DEACTIVATION_SHARE "
            "of the active people or current enrollments (a new school year, say); the district "
            "admins stay active whatever the files say",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        dry_run = options["dry_run"]
        self.stdout.write(f"{'Checking' if dry_run else 'Importing'} {path} …")
        run = import_run_start(
            actor=None,
            filename=path.name,
            origin=ImportRun.Origin.COMMAND,
            dry_run=dry_run,
            allow_mass_deactivation=options["allow_mass_deactivation"],
        )
        import_run_execute(run=run, path=path, progress=self.progress_printer())
        if run.status == ImportRun.Status.NEEDS_CONFIRMATION:
            for error in run.errors:
                self.stderr.write(f"  {RosterImportError.from_dict(error)}")
            raise CommandError(
                "Refused: the files would deactivate too much of the district. If that is "
                "right, run the command again with --allow-mass-deactivation.",
                returncode=1,
            )
        if run.status == ImportRun.Status.FAILED:
            self.stderr.write(
                "The import was rejected and nothing was changed. Fix these problems in the "
                "files and import again:"
            )
            for error in run.errors:
                self.stderr.write(f"  {RosterImportError.from_dict(error)}")
            raise CommandError(f"{len(run.errors)} problem(s) found.", returncode=1)
        summary = ImportSummary.from_dict(run.summary)
        self.stdout.write("")
        self.stdout.write(summary.as_table())
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"{summary.headline()} ({summary.seconds} s)."))
        if summary.kept_active:
            self.stdout.write(
                f"Kept active: {', '.join(summary.kept_active)}. The files would have "
                "deactivated them, but a confirmed import never deactivates the district admins "
                "(they would be locked out of Masterly)."
            )
        if summary.warnings:
            self.stdout.write("Read but ignored (nothing refused; fix these in the files):")
            for line in summary.warning_lines():
                self.stdout.write(f"  {line}")
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")

    def progress_printer(self) -> Any:
        last = {"file": "", "tenth": -1}

        def report(progress: ImportProgress) -> None:
            tenth = progress.percent // 10
            if progress.file != last["file"] or tenth != last["tenth"]:
                last.update(file=progress.file, tenth=tenth)
                self.stdout.write(
                    f"  {progress.percent:3d} %  {progress.file}: {progress.rows_done:,} rows read"
                )

        return report
