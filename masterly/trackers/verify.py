"""``masterly rollups verify``: recompute every rollup from the evidence and compare.

Independent of the code that maintains rollups: each cell is recomputed with the engine's
slow, explained :func:`~masterly.mastery.calculate` on :class:`~masterly.mastery.Evidence`
built from ORM rows (sorted by the engine, not by SQL), and membership is re-derived here.
It also checks that every piece of evidence holds a copy of its latest revision.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from masterly.assessments.models import Evidence, EvidenceRevision
from masterly.mastery import Evidence as EngineEvidence
from masterly.mastery import calculate
from masterly.roster.models import Enrollment
from masterly.trackers.models import Override, Rollup, Tracker, TrackerSection, TrackerStandard

STUDENTS_PER_CHUNK = 500
EVIDENCE_PER_CHUNK = 5_000


@dataclass(frozen=True, slots=True)
class Mismatch:
    kind: str  # missing, extra, different, evidence_copy
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.detail}"


Expected = tuple[Decimal | None, str, str, bool, int, date | None]
FIELDS = ("score", "computed_level", "level", "is_overridden", "evidence_count", "last_assessed_on")


def verify(tracker_ids: Iterable[int] | None = None) -> list[Mismatch]:
    """Every difference between stored rollups and the evidence (empty when all is well).

    Archived trackers are frozen and skipped. With ``tracker_ids``, only those trackers (and
    only their students' evidence copies) are checked.
    """
    trackers = Tracker.objects.filter(is_archived=False).order_by("pk")
    if tracker_ids is not None:
        trackers = trackers.filter(pk__in=list(tracker_ids))
    mismatches: list[Mismatch] = []
    for tracker in trackers:
        mismatches += verify_tracker(tracker)
    evidence = Evidence.objects.all()
    if tracker_ids is not None:
        students = Enrollment.objects.filter(
            section__in=TrackerSection.objects.filter(tracker__in=trackers).values("section")
        ).values("user")
        evidence = evidence.filter(student__in=students)
    mismatches += verify_evidence_copies(evidence)
    return mismatches


def _students(tracker: Tracker) -> list[int]:
    # Re-derived here on purpose (not membership.tracker_students): an independent reading.
    section_ids = list(
        TrackerSection.objects.filter(tracker=tracker).values_list("section_id", flat=True)
    )
    return sorted(
        set(
            Enrollment.objects.filter(
                section_id__in=section_ids,
                section__is_active=True,
                role=Enrollment.Role.STUDENT,
                is_active=True,
            ).values_list("user_id", flat=True)
        )
    )


def verify_tracker(tracker: Tracker) -> list[Mismatch]:
    policy = tracker.policy()
    standard_ids = set(
        TrackerStandard.objects.filter(tracker=tracker).values_list("standard_id", flat=True)
    )
    students = _students(tracker)
    mismatches: list[Mismatch] = []
    for start in range(0, len(students), STUDENTS_PER_CHUNK):
        chunk = students[start : start + STUDENTS_PER_CHUNK]
        evidence: dict[tuple[int, int], list[EngineEvidence]] = defaultdict(list)
        for row in Evidence.objects.filter(
            student_id__in=chunk, standard_id__in=standard_ids, is_deleted=False
        ).only(
            "student_id",
            "standard_id",
            "points_earned",
            "points_possible",
            "assessed_on",
            "entered_at",
        ):
            evidence[(row.student_id, row.standard_id)].append(
                EngineEvidence(
                    row.points_earned,
                    row.points_possible,
                    assessed_on=row.assessed_on,
                    entered_at=row.entered_at,
                    entry_order=row.pk,
                )
            )
        overrides = {
            (o.student_id, o.standard_id): o
            for o in Override.objects.filter(
                tracker=tracker, student_id__in=chunk, cleared_at__isnull=True
            )
        }
        expected: dict[tuple[int, int], Expected] = {}
        for cell in set(evidence) | {c for c in overrides if c[1] in standard_ids}:
            items = evidence.get(cell, [])
            result = calculate(items, policy)
            active = overrides.get(cell)
            level = active.level if active else result.level.abbreviation
            expected[cell] = (
                result.percent,
                result.computed_level.abbreviation,
                level,
                active is not None,
                len(items),
                max((item.assessed_on for item in items if item.assessed_on), default=None),
            )
        stored: dict[tuple[int, int], Expected] = {
            (r.student_id, r.standard_id): (
                r.score,
                r.computed_level,
                r.level,
                r.is_overridden,
                r.evidence_count,
                r.last_assessed_on,
            )
            for r in Rollup.objects.filter(tracker=tracker, student_id__in=chunk)
        }
        mismatches += _compare(tracker, expected, stored)
    # Rows of students no longer in the tracker.
    for student_id, standard_id in (
        Rollup.objects.filter(tracker=tracker)
        .exclude(student_id__in=students)
        .values_list("student_id", "standard_id")
    ):
        where = f"tracker {tracker.pk} student {student_id} standard {standard_id}"
        mismatches.append(Mismatch("extra", where, "the student is not in the tracker"))
    return mismatches


def _compare(
    tracker: Tracker,
    expected: dict[tuple[int, int], Expected],
    stored: dict[tuple[int, int], Expected],
) -> Iterator[Mismatch]:
    for cell in sorted(set(expected) | set(stored)):
        where = f"tracker {tracker.pk} student {cell[0]} standard {cell[1]}"
        want, have = expected.get(cell), stored.get(cell)
        if have is None:
            yield Mismatch(
                "missing", where, f"expected {dict(zip(FIELDS, want or (), strict=False))}"
            )
        elif want is None:
            yield Mismatch("extra", where, f"stored {dict(zip(FIELDS, have, strict=True))}")
        elif want != have:
            diffs = ", ".join(
                f"{name} stored {h!r}, expected {w!r}"
                for name, w, h in zip(FIELDS, want, have, strict=True)
                if w != h
            )
            yield Mismatch("different", where, diffs)


def verify_evidence_copies(evidence: QuerySet[Evidence]) -> list[Mismatch]:
    """Evidence whose values are not those of its latest revision (or that has none)."""
    mismatches: list[Mismatch] = []
    last = 0
    while True:
        rows = list(evidence.filter(pk__gt=last).order_by("pk")[:EVIDENCE_PER_CHUNK])
        if not rows:
            return mismatches
        last = rows[-1].pk
        latest: dict[int, EvidenceRevision] = {}
        for each in EvidenceRevision.objects.filter(
            evidence_id__in=[row.pk for row in rows]
        ).order_by("evidence_id", "version"):
            latest[each.evidence_id] = each
        for row in rows:
            revision = latest.get(row.pk)
            where = f"evidence {row.pk}"
            if revision is None:
                mismatches.append(Mismatch("evidence_copy", where, "has no revision"))
                continue
            copy = (row.points_earned, row.points_possible, row.assessed_on, row.is_deleted)
            if copy != revision.values() or row.version != revision.version:
                mismatches.append(
                    Mismatch(
                        "evidence_copy",
                        where,
                        f"holds {copy} v{row.version}, latest revision {revision.values()} "
                        f"v{revision.version}",
                    )
                )
