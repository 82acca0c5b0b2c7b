"""The score sheet of a paper test: students down, items across, what was typed in each cell.

Read in a fixed number of queries whatever the class size: the students ``user`` may see in
the chosen classes, the items with their keys, and the responses of those students' first
attempts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from masterly.accounts.models import User
from masterly.assessments.models import Assessment, Evidence, Response
from masterly.assessments.responses.entry import OMITTED, Answer, stored_answer, typed_text
from masterly.assessments.responses.keys import PlacedItem, placed_items
from masterly.roster.models import Section
from masterly.trackers.models import Tracker
from masterly.trackers.selectors.students import section_students
from masterly.trackers.selectors.trackers import AnyUser


@dataclass
class SheetCell:
    student: User
    item: PlacedItem
    typed: str
    pending: bool = False
    error: str = ""
    shown: str = ""  # what the database holds (``typed`` may be what was just typed)

    @property
    def key(self) -> str:
        return f"{self.student.pk}-{self.item.placement_id}"


@dataclass
class SheetRow:
    student: User
    cells: list[SheetCell]
    scores: list[Evidence] = field(default_factory=list)


def hint(item: PlacedItem) -> str:
    """What to type in the item's column."""
    kind = item.key.interaction
    if kind == "true_false":
        return "T or F"
    if kind == "multiple_select":
        return f"letters {item.letters}"
    if kind == "multiple_choice":
        return f"a letter {item.letters}"
    if kind == "numeric":
        return "a number"
    if kind == "extended":
        return "each criterion's points"
    if item.key.is_teachers:
        return f"points 0–{item.key.points.normalize():f}"
    return "the answer"


def score_sheet(
    user: AnyUser, tracker: Tracker, assessment: Assessment, sections: list[Section]
) -> tuple[list[PlacedItem], list[SheetRow]]:
    """The items, and a row per student ``user`` may see in ``sections``."""
    items = placed_items(assessment.pk)
    students = section_students(user, tracker, sections)
    ids = [student.pk for student in students]
    responses = {
        (row.attempt.student_id, row.assessment_item_id): row
        for row in Response.objects.filter(
            attempt__assessment=assessment, attempt__number=1, attempt__student_id__in=ids
        ).select_related("attempt")
    }
    scores: dict[int, list[Evidence]] = {}
    for evidence in (
        Evidence.objects.filter(
            assessment=assessment, attempt__number=1, student_id__in=ids, is_deleted=False
        )
        .select_related("standard")
        .order_by("standard__human_coding_scheme", "id")
    ):
        scores.setdefault(evidence.student_id, []).append(evidence)
    rows = []
    for student in students:
        cells = []
        for item in items:
            response = responses.get((student.pk, item.placement_id))
            cells.append(_cell(student, item, response))
        rows.append(SheetRow(student, cells, scores.get(student.pk, [])))
    return items, rows


def _cell(student: User, item: PlacedItem, response: Response | None) -> SheetCell:
    if response is None:
        return SheetCell(student, item, "")
    answer = stored_answer(response.choices, response.text, response.number, response.levels)
    if answer is None:  # the teacher gave points, or "-" (left blank: no points)
        gives_points = item.key.is_teachers and not item.key.criteria
        if response.points == 0 and not gives_points:
            return SheetCell(student, item, OMITTED)
        answer = Answer()
    return SheetCell(
        student, item, typed_text(item, answer, response.points), pending=response.is_pending
    )
