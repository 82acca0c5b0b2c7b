"""The score-entry table of one assessment: each student's points and level per standard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from masterly.accounts.models import User
from masterly.assessments.models import Assessment, AssessmentStandard, Evidence
from masterly.mastery import ColourMode
from masterly.roster.models import Section
from masterly.standards.models import Standard
from masterly.trackers.models import Rollup, Tracker
from masterly.trackers.selectors.grid import Swatch, swatches
from masterly.trackers.selectors.students import section_students
from masterly.trackers.selectors.trackers import AnyUser


@dataclass
class EntryCell:
    student: User
    standard: Standard
    possible: Any
    points: str
    version: int
    swatch: Swatch
    score_text: str
    error: str = ""
    original: str = ""  # what the database holds (``points`` may be what was typed)

    @property
    def key(self) -> str:
        return f"{self.student.pk}-{self.standard.pk}"


def score_entry_rows(
    user: AnyUser,
    tracker: Tracker,
    assessment: Assessment,
    sections: list[Section],
    *,
    section: str | None,
    mode: ColourMode,
) -> tuple[list[AssessmentStandard], list[tuple[User, list[EntryCell]]]]:
    """The assessment's standards, and every student ``user`` may see in ``sections`` (only
    the one whose id is ``section``, if it is among them) with their points and level on
    each (four queries)."""
    alignments = list(
        AssessmentStandard.objects.filter(assessment=assessment)
        .select_related("standard")
        .order_by("standard__human_coding_scheme", "id")
    )
    shown = [s for s in sections if str(s.pk) == section] or sections
    students = section_students(user, tracker, shown)
    ids = [student.pk for student in students]
    evidence = {
        (row.student_id, row.standard_id): row
        for row in Evidence.objects.filter(
            assessment=assessment, attempt=None, student_id__in=ids
        ).order_by("id")
    }
    levels = {
        (row.student_id, row.standard_id): row
        for row in Rollup.objects.filter(
            tracker=tracker,
            student_id__in=ids,
            standard_id__in=[a.standard_id for a in alignments],
        )
    }
    colours = swatches(tracker.mastery_scale(), mode)
    rows = []
    for student in students:
        cells = []
        for alignment in alignments:
            key = (student.pk, alignment.standard_id)
            score = evidence.get(key)
            rollup = levels.get(key)
            cells.append(
                EntryCell(
                    student=student,
                    standard=alignment.standard,
                    possible=alignment.points_possible,
                    points=points_text(score),
                    version=score.version if score else 0,
                    swatch=level_swatch(colours, rollup),
                    score_text=score_text(rollup),
                )
            )
        rows.append((student, cells))
    return alignments, rows


def points_text(evidence: Evidence | None) -> str:
    """The points of a score as typed ("" for none or a deleted one)."""
    if evidence is None or evidence.is_deleted:
        return ""
    return f"{evidence.points_earned.normalize():f}"


def level_swatch(colours: dict[str, Swatch], rollup: Rollup | None) -> Swatch:
    """The cell's level as drawn (``swatches`` lists "not assessed" last)."""
    not_assessed = list(colours.values())[-1]
    return not_assessed if rollup is None else colours.get(rollup.level, not_assessed)


def score_text(rollup: Rollup | None) -> str:
    """A cell's score as the score-entry page shows it ("" when there is none)."""
    return "" if rollup is None or rollup.score is None else f"{rollup.score:.2f} %"
