"""The accommodations a student has on one assignment, as the take pages apply them.

Stored per student and school year (:class:`~masterly.assessments.models.Accommodations`,
set on the tracker's Tools & Accommodations page); the school year is the assignment's
tracker's. Assignments live in ``trackers``, above this app, so they are read here only
through the attributes the functions need (:class:`AssignmentLike`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from masterly.accounts.models import User
from masterly.assessments.models import Accommodations, Choice, ItemVersion, Tool
from masterly.roster.models import Section
from masterly.roster.selectors import school_years_by, sections_school_year, today

NO_EXTENSION = Decimal(1)


class AssignmentLike(Protocol):
    tracker_id: int


@dataclass(frozen=True)
class StudentAccommodations:
    tools: frozenset[str]
    time_limit_factor: Decimal


def assignment_school_year(assignment: AssignmentLike) -> int:
    """The school year of the assignment's tracker (one query)."""
    return sections_school_year(Section.objects.filter(trackers=assignment.tracker_id), today())


def student_accommodations(
    student: User | int, assignment: AssignmentLike
) -> StudentAccommodations:
    """The student's tools on the assignment and its time limit's factor (two queries)."""
    return accommodations_by_tracker(student, [assignment.tracker_id])[assignment.tracker_id]


def accommodations_by_tracker(
    student: User | int, tracker_ids: Collection[int]
) -> dict[int, StudentAccommodations]:
    """The student's accommodations on each tracker's assignments, by the tracker's school
    year: two queries whatever the number of trackers."""
    student_id = student if isinstance(student, int) else student.pk
    years = school_years_by("trackers", set(tracker_ids), today())
    rows = Accommodations.objects.filter(student=student_id, school_year__in=set(years.values()))
    by_year = {
        year: _accommodations(tools, factor)
        for year, tools, factor in rows.values_list("school_year", "tools", "extended_time_factor")
    }
    none = StudentAccommodations(frozenset(), NO_EXTENSION)
    return {tracker: by_year.get(year, none) for tracker, year in years.items()}


def _accommodations(tools_on: list[str], factor: Decimal) -> StudentAccommodations:
    # Only the tools Masterly knows: a value left by an older version is not a tool.
    tools = frozenset(tools_on) & frozenset(Tool.values)
    return StudentAccommodations(tools, factor if Tool.EXTENDED_TIME in tools else NO_EXTENSION)


def student_tools(student: User | int, assignment: AssignmentLike) -> frozenset[str]:
    """The ``Tool`` values turned on for the student in the assignment's school year."""
    return student_accommodations(student, assignment).tools


def time_limit_factor(student: User | int, assignment: AssignmentLike) -> Decimal:
    """What the assignment's time limit is multiplied by for the student: 1 unless extended
    time is on, then the factor their teacher chose."""
    return student_accommodations(student, assignment).time_limit_factor


def options_shown(item_version: ItemVersion, reduced: bool) -> list[Choice]:
    """The item's options in order; with reduced answer choices, without those authored as
    dropped when reduced (never the correct one: a constraint forbids it). Reads prefetched
    choices when the caller prefetched them."""
    choices = sorted(item_version.choices.all(), key=lambda choice: choice.position)
    return [choice for choice in choices if not (reduced and choice.dropped_when_reduced)]
