"""Paper tests: the teacher types each student's responses, and mastery follows.

Cells are keyed by student and placed item and hold what was typed (read by
:mod:`masterly.assessments.responses.entry`). Every cell is read first; a bad one is named
("Row Ava Brown, item 3: 'E' is not a choice; choose A–D.", under the key
``"<student id>-<placement id>"``) and nothing is saved. Then, in one
transaction, each student with an entry gets their first attempt (a paper test is sat once
here), their responses are saved and scored, and their evidence follows
(:func:`~.assessment_scoring.attempts_score`).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments import services as assessment_writes
from masterly.assessments.models import Assessment, Attempt
from masterly.assessments.responses import services as response_writes
from masterly.assessments.responses.entry import (
    Answer,
    EntryError,
    Scored,
    read_entry,
    score_answer,
)
from masterly.assessments.responses.keys import PlacedItem, placed_items
from masterly.core import audit
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker, TrackerAssessment
from masterly.trackers.selectors.trackers import can_score_tracker
from masterly.trackers.services.assessment_scoring import ScoringSummary, attempts_score
from masterly.trackers.services.checks import check_not_archived

PAPER_REASON = "Entered on the paper test's score sheet."
Cell = tuple[int, int]  # (student id, placement id)


def check_scorer(actor: User | None, tracker: Tracker, assessment: Assessment) -> None:
    """PermissionDenied unless ``actor`` scores ``tracker``; ValidationError when it is
    archived or does not give ``assessment``."""
    if not can_score_tracker(actor, tracker):
        raise PermissionDenied("Only the tracker's owner and collaborators enter its scores.")
    check_not_archived(tracker)
    if not TrackerAssessment.objects.filter(tracker=tracker, assessment=assessment).exists():
        raise ValidationError(f"{assessment.title!r} is not given in {tracker.name!r}.")


def assessment_give(*, actor: User | None, tracker: Tracker, assessment: Assessment) -> None:
    """List ``assessment`` in ``tracker`` (its scores count there; once), with an audit row."""
    if not can_score_tracker(actor, tracker):
        raise PermissionDenied("Only the tracker's owner and collaborators add assessments.")
    check_not_archived(tracker)
    _, made = TrackerAssessment.objects.get_or_create(tracker=tracker, assessment=assessment)
    if made:
        audit.record(
            actor=actor,
            action="tracker.assessment_given",
            target=tracker,
            summary=f"{assessment.title!r} given in {tracker.name!r}",
        )


def paper_scores_save(
    *,
    actor: User | None,
    tracker: Tracker,
    assessment: Assessment,
    cells: Mapping[Cell, str],
    taken_on: datetime.date | None = None,
) -> ScoringSummary:
    """Save the typed cells (only those given: a cell not sent is left as it is)."""
    check_scorer(actor, tracker, assessment)
    placed = placed_items(assessment.pk)
    items = {item.placement_id: item for item in placed}
    student_ids = {student for student, _ in cells}
    students = User.objects.in_bulk(
        list(
            User.objects.filter(pk__in=student_ids)
            .filter(pk__in=tracker_students(tracker.pk))
            .values_list("pk", flat=True)
        )
    )
    errors: dict[str, list[str]] = {}
    read: dict[Cell, tuple[PlacedItem, Answer | None]] = {}
    for (student_id, placement_id), typed in sorted(cells.items()):
        student = students.get(student_id)
        item = items.get(placement_id)
        where = f"{student_id}-{placement_id}"
        if student is None:
            errors[where] = [
                f"Student {student_id} is not in this tracker's classes; reload the page."
            ]
        elif item is None:
            errors[where] = [
                f"Row {student.sort_name}: no such item in {assessment.title!r}; reload the page."
            ]
        else:
            try:
                read[(student_id, placement_id)] = (item, read_entry(item, typed))
            except EntryError as problem:
                errors[where] = [f"Row {student.sort_name}, item {item.number}: {problem}"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        attempts = _first_attempts(
            actor, assessment, [students[s] for s in sorted({s for s, _ in read})], taken_on
        )
        writes = []
        for (student_id, placement_id), (item, answer) in read.items():
            scored = score_answer(item, answer) if answer is not None else None
            writes.append(
                response_writes.ResponseWrite(
                    attempt_id=attempts[student_id].pk,
                    placement_id=placement_id,
                    answer=answer,
                    scored=scored or Scored(None),
                    points_possible=item.key.points,
                )
            )
        response_writes.responses_write(actor=actor, writes=writes)
        response_writes.alignments_from_items(actor=actor, assessment=assessment)
        return attempts_score(
            actor=actor,
            assessment=assessment,
            attempts=list(attempts.values()),
            reason=PAPER_REASON,
            items=placed,
        )


def _first_attempts(
    actor: User | None,
    assessment: Assessment,
    students: list[User],
    taken_on: datetime.date | None,
) -> dict[int, Attempt]:
    """Each student's first attempt, written now for those who have none."""
    attempts = {
        attempt.student_id: attempt
        for attempt in Attempt.objects.filter(
            assessment=assessment, number=1, student__in=students
        ).select_related("student")
    }
    missing = [student for student in students if student.pk not in attempts]
    when = timezone.now()
    if taken_on is not None:
        when = datetime.datetime.combine(taken_on, datetime.time(12), tzinfo=datetime.UTC)
    made = assessment_writes.attempts_record(
        actor=actor,
        attempts=[
            assessment_writes.TakenAttempt(assessment, student, 1, when) for student in missing
        ],
    )
    attempts.update({attempt.student_id: attempt for attempt in made})
    return attempts
