"""``masterly demo``: build (or rebuild) the demo district, one step after another.

It refuses to touch a database that holds a real district: the import behind it would
deactivate everyone the demo files do not list.
"""

from __future__ import annotations

import datetime
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from masterly.demo import build_demo
from masterly.demo.accommodations import build_accommodations_demo
from masterly.demo.activation import activation_line, build_activation_demo
from masterly.demo.items import build_items_demo
from masterly.demo.notes import build_notes_demo
from masterly.demo.portal_mastery import build_portal_mastery_demo
from masterly.demo.reassessment import build_reassessment_demo
from masterly.demo.results import build_results_demo
from masterly.demo.rosters import (
    PASSWORD,
    demo_exists,
    demo_unfinished,
    mark_demo_finished,
    other_district_exists,
    write_demo_programs,
    write_demo_rosters,
)
from masterly.demo.standards import build_standards_demo
from masterly.demo.taking import build_taking_demo
from masterly.demo.trackers import build_trackers_demo
from masterly.integrations.oneroster.errors import RosterImportRejected
from masterly.roster.models import Org
from masterly.trackers.dashboard_counts import rebuild_stale
from masterly.trackers.models import Tracker

SIGN_INS = [
    ("admin", "district admin"),
    ("leader", "school leader, Cedar Ridge Middle School"),
    ("teacher", "grade 6 math teacher, three sections"),
    ("student", "grade 6 student in teacher's period 1"),
    ("parent", "parent of student and of a grade 8 child"),
]

# What --export-… writes instead of building: (option, writer, what it holds, the command
# that imports it).
EXPORTS = (
    ("export_rosters", write_demo_rosters, "OneRoster 1.2 files", "import-oneroster"),
    ("export_programs", write_demo_programs, "program flags", "import-programs"),
)


class Command(BaseCommand):
    help = "Build the demo district (rosters through the OneRoster import) in an empty database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already has any org (what `masterly start` uses)",
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="build as if today were this date (YYYY-MM-DD); default: today",
        )
        parser.add_argument(
            "--export-rosters",
            type=Path,
            metavar="ZIP",
            help="only write the demo district's OneRoster 1.2 files to this .zip (a sample for "
            "`masterly import-oneroster`); the database is not touched",
        )

        parser.add_argument(
            "--export-programs",
            type=Path,
            metavar="CSV",
            help="only write the demo district's program flags file to this .csv (a sample for "
            "`masterly import-programs`); the database is not touched",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = options["today"] or timezone.localdate()
        for option, write, what, command in EXPORTS:
            if options[option]:
                try:
                    path = write(options[option], today=today)
                except OSError as error:
                    raise CommandError(f"{options[option]}: {error.strerror}.") from None
                self.stdout.write(
                    f"Wrote the demo district's {what} to {path}; the database was not "
                    f"touched. Import them with: masterly {command} {path}"
                )
                return
        if options["if_empty"] and Org.objects.exists() and not demo_unfinished():
            self.stdout.write(
                "Using the district already in the database "
                "(the demo loads only into an empty one)."
            )
            return
        if other_district_exists():
            raise CommandError(
                "This database holds a district that is not the demo, and building the demo "
                "would deactivate its people and classes. Nothing was changed. Use an empty "
                "database for the demo (for example MASTERLY_DATA_DIR=var/demo)."
            )
        if demo_unfinished():
            self.stdout.write(
                "An earlier start stopped before the demo district was finished: finishing it."
            )
        elif demo_exists():
            self.stdout.write(
                "The demo district is already in this database: bringing it up to date. Nothing "
                "is deleted and what was entered since is kept; for a fresh demo, use an empty "
                "database (for example MASTERLY_DATA_DIR=var/fresh-demo)."
            )
        started = time.monotonic()

        # 1. Rosters: district, schools, terms, courses, sections, people, enrollments.
        try:
            rosters = build_demo(today=today)
        except RosterImportRejected as rejected:
            problems = "\n".join(f"  {error}" for error in rejected.errors[:5])
            message = f"The demo district could not be loaded; nothing was changed.\n{problems}"
            if options["if_empty"]:
                self.stderr.write(message)  # do not stop `masterly start` over the demo
                return
            raise CommandError(message) from None

        self.stdout.write(rosters.as_table())
        self.stdout.write(rosters.headline())

        # 2. Standards: Common Core math with its progressions, a curriculum map per course.
        standards = build_standards_demo()
        for line in standards.lines:
            self.stdout.write(line)

        # 2b. The district's item bank across the grade 6–8 standards.
        for line in build_items_demo(framework=standards.framework, admin=standards.admin).lines:
            self.stdout.write(line)

        # 3. Trackers: every teacher's classes on their curriculum map, with a term of
        #    score histories (some students improving, some struggling, some not yet
        #    assessed), so the grid looks like a real class in October.
        for line in build_trackers_demo(today=today).lines:
            self.stdout.write(line)

        # 4. Results: per course a common assessment and a benchmark already taken on paper,
        #    scored into the trackers (one item's key wrong, for the item analysis to flag).
        for line in build_results_demo(today=today).lines:
            self.stdout.write(line)
        # 4a. The demo student’s paper tests, open to students and families in the Mastery View.
        for line in build_portal_mastery_demo(today=today):
            self.stdout.write(line)

        # 4b. The scoring queue and reassessment: written answers waiting for the demo
        #     teacher, and a pending reassessment request from the demo student.
        for line in build_reassessment_demo(today=today).lines:
            self.stdout.write(line)

        # 4c. Notes from teachers to the demo parent; the leader's school's term reports.
        for line in build_notes_demo().lines:
            self.stdout.write(line)

        # 4d. An online assessment open now for the demo student (taking it online).
        for line in build_taking_demo(today=today).lines:
            self.stdout.write(line)

        # 4e. Tools and accommodations: the demo student's and a few classmates'.
        for line in build_accommodations_demo(today=today):
            self.stdout.write(line)

        # 5. The leaders' dashboards: their counts, built now (after every step that adds
        #    scores or students' groups) so a leader's first look shows the figures.
        Tracker.objects.update(counts_stale=True)
        self.stdout.write(f"Dashboard counts built for {rebuild_stale()} trackers.")

        # 6. Guardians' activation: the demo parent has activated, another waits with a code.
        for line in build_activation_demo():
            self.stdout.write(line)

        mark_demo_finished()
        self.stdout.write(
            self.style.SUCCESS(f"Demo district ready in {time.monotonic() - started:.1f} s.")
        )
        if options["if_empty"]:
            return  # `masterly start` prints the sign-ins once, after the server is up
        self.stdout.write(f"\nSign in with any of these (password: {PASSWORD}):")
        for username, who in SIGN_INS:
            self.stdout.write(f"  {username:<8} {who}")
        if waiting := activation_line():
            self.stdout.write(f"Guardians' activation: {waiting}")
