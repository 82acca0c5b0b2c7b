"""``masterly rollups verify|recompute``: check or rebuild the stored mastery of trackers.

``masterly rollups verify [--tracker ID]`` recomputes every rollup from the evidence with the
explained engine and lists every difference; it prints ``0 mismatches`` and exits 0 when all
is well, else exits 1.

``masterly rollups recompute [--tracker ID] [--queue]`` recomputes trackers in bulk, here and
now (or, with ``--queue``, through the task queue for ``masterly worker``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from masterly.trackers import services
from masterly.trackers.models import RecomputeRun, Tracker
from masterly.trackers.rollups import run_recompute
from masterly.trackers.verify import verify

MAX_LISTED = 200


class Command(BaseCommand):
    help = "Verify (recompute and compare) or recompute the stored mastery rollups."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify", "recompute"])
        parser.add_argument(
            "--tracker",
            type=int,
            action="append",
            dest="trackers",
            metavar="ID",
            help="Only this tracker (repeat for several). Default: every tracker.",
        )
        parser.add_argument(
            "--queue",
            action="store_true",
            help="recompute: queue the work for the worker instead of doing it now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        tracker_ids: list[int] | None = options["trackers"]
        if tracker_ids:
            known = set(Tracker.objects.filter(pk__in=tracker_ids).values_list("pk", flat=True))
            unknown = sorted(set(tracker_ids) - known)
            if unknown:
                raise CommandError(
                    f"No tracker with id {', '.join(map(str, unknown))}; "
                    "list them in the admin (Mastery trackers)."
                )
        if options["action"] == "verify":
            self.verify(tracker_ids)
        else:
            self.recompute(tracker_ids, queue=options["queue"])

    def verify(self, tracker_ids: list[int] | None) -> None:
        mismatches = verify(tracker_ids)
        for mismatch in mismatches[:MAX_LISTED]:
            self.stdout.write(str(mismatch))
        if len(mismatches) > MAX_LISTED:
            self.stdout.write(f"… and {len(mismatches) - MAX_LISTED} more")
        self.stdout.write(f"{len(mismatches)} mismatches")
        if mismatches:
            raise CommandError(
                f"{len(mismatches)} mismatches between stored rollups and the evidence; "
                "run `masterly rollups recompute` to rebuild them.",
                returncode=1,
            )

    def recompute(self, tracker_ids: list[int] | None, *, queue: bool) -> None:
        trackers = Tracker.objects.filter(is_archived=False).order_by("pk")
        if tracker_ids:
            trackers = trackers.filter(pk__in=tracker_ids)
        for tracker in trackers:
            if queue:
                run = services.tracker_recompute(
                    actor=None, tracker=tracker, reason="masterly rollups recompute --queue"
                )
                self.stdout.write(f"{tracker.name}: recompute {run.pk} queued")
                continue
            run = RecomputeRun.objects.create(
                tracker=tracker,
                reason="masterly rollups recompute",
                settings_version=tracker.settings_version,
            )
            run = run_recompute(run.pk)
            self.stdout.write(
                f"{tracker.name}: {run.get_status_display()}, {run.rollups_written} rollups "
                f"for {run.total_cells} cells"
            )
