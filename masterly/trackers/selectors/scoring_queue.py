"""The teacher's scoring queue: responses waiting for points (``points`` empty) in submitted
attempts (online, or entered on paper: both have ``submitted_at``), of the students ``user``
may see in a tracker, at the tracker's assessments.

Read in a fixed number of queries whatever the class size: the assessments with their
pending counts (one aggregate), then for the chosen assessment its items (five queries) and
its pending responses with their students (one).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Count, QuerySet

from masterly.assessments.items.models import RubricCriterion
from masterly.assessments.models import Response
from masterly.assessments.responses.keys import PlacedItem, placed_items
from masterly.trackers.models import Tracker, TrackerAssessment
from masterly.trackers.selectors.students import visible_tracker_students
from masterly.trackers.selectors.trackers import AnyUser

Order = Literal["item", "student"]


@dataclass(frozen=True)
class QueueAssessment:
    pk: int
    title: str
    pending: int


@dataclass
class QueueEntry:
    """One pending response, with its item (and rubric, for an extended response)."""

    response: Response
    item: PlacedItem
    criteria: list[RubricCriterion]

    @property
    def group(self) -> str:
        return f"item-{self.item.placement_id}"


def pending_responses(user: AnyUser, tracker: Tracker) -> QuerySet[Response]:
    """Every response waiting for the teacher in ``tracker`` that ``user`` may see."""
    return Response.objects.filter(
        points__isnull=True,
        attempt__submitted_at__isnull=False,
        attempt__assessment__in=TrackerAssessment.objects.filter(tracker=tracker).values(
            "assessment"
        ),
        attempt__student__in=visible_tracker_students(user, tracker).values("pk"),
    )


def pending_count(user: AnyUser, tracker: Tracker) -> int:
    """How many responses wait for the teacher (one query)."""
    return pending_responses(user, tracker).count()


def queue_assessments(user: AnyUser, tracker: Tracker) -> list[QueueAssessment]:
    """The tracker's assessments with responses waiting, with how many (one query)."""
    rows = (
        pending_responses(user, tracker)
        .values("attempt__assessment_id", "attempt__assessment__title")
        .annotate(pending=Count("pk"))
        .order_by("attempt__assessment__title", "attempt__assessment_id")
    )
    return [
        QueueAssessment(
            row["attempt__assessment_id"], row["attempt__assessment__title"], row["pending"]
        )
        for row in rows
    ]


def queue_entries(
    user: AnyUser, tracker: Tracker, assessment_id: int, order: Order
) -> list[QueueEntry]:
    """The pending responses to one assessment, by item (each item's answers one after
    another) or by student (each student's answers together)."""
    items = {item.placement_id: item for item in placed_items(assessment_id)}
    responses = list(
        pending_responses(user, tracker)
        .filter(attempt__assessment_id=assessment_id)
        .select_related("attempt__student")
    )
    entries = [
        QueueEntry(row, items[row.assessment_item_id], _criteria(items[row.assessment_item_id]))
        for row in responses
        if row.assessment_item_id in items
    ]

    def name(entry: QueueEntry) -> tuple[str, str, int]:
        student = entry.response.attempt.student
        return (student.last_name.casefold(), student.first_name.casefold(), student.pk)

    if order == "student":
        entries.sort(key=lambda e: (name(e), e.response.attempt.number, e.item.number))
    else:
        entries.sort(key=lambda e: (e.item.number, name(e), e.response.attempt.number))
    return entries


def _criteria(item: PlacedItem) -> list[RubricCriterion]:
    """The rubric's criteria with their levels (prefetched by ``placed_items``)."""
    if not item.key.criteria:
        return []
    return list(item.key_version.criteria.all())
