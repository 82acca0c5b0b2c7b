"""Taking an assessment online: starting (or resuming) an attempt, saving each answer as it
is given, flags and the item the student is on, and submitting once (by the student, or by
the server when time runs out or the window closes).

Every write is one short transaction (SQLite has one writer). Answers are kept as given and
scored only on submit, where the machine-scorable ones get their points and the attempt's
evidence is recorded in the same transaction (the teacher's grid changes at once); short text
and rubric items stay pending (points None) for the teacher.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from masterly.accounts.models import User
from masterly.assessments.models import Attempt, Response, SubmittedBy
from masterly.assessments.responses.entry import Answer, score_answer, stored_answer
from masterly.assessments.responses.keys import placed_items
from masterly.assessments.responses.services import alignments_from_items
from masterly.assessments.taking import allowance
from masterly.assessments.taking.accommodations import time_limit_factor
from masterly.core import audit
from masterly.trackers.assignments import Assignment, AssignmentAttempt, Excusal
from masterly.trackers.selectors.taking import (
    assigned_to,
    attempts_left,
    attempts_taken,
    open_attempt,
)
from masterly.trackers.services.assessment_scoring import attempts_score

logger = logging.getLogger(__name__)

SUBMIT_REASON = "submitted online"
# A response's points possible while the test is taken (no points yet): the key's are
# written on submit, so a save never reads the key.
UNSCORED = Decimal(0)


class TakingRefused(Exception):
    """A start, save or submit that may not happen; the message says why (for the page)."""


@dataclass(frozen=True, slots=True)
class Saved:
    """An answer save's outcome: kept, or refused because a later answer (another device)
    is already saved for the item."""

    kept: bool
    answered_at: datetime.datetime


def grace() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.TAKING_GRACE_SECONDS)


def attempt_deadline(
    *, student: User, assignment: Assignment, started_at: datetime.datetime
) -> datetime.datetime:
    """When an attempt started at ``started_at`` ends: its time limit (times the student's
    extended-time factor) counted from the start, never after the window closes."""
    if assignment.time_limit_minutes is None:
        return assignment.closes_at
    factor = time_limit_factor(student, assignment)
    minutes = Decimal(assignment.time_limit_minutes) * factor
    limit = started_at + datetime.timedelta(seconds=float(minutes * 60))
    return min(limit, assignment.closes_at)


def attempt_start(
    *, student: User, assignment: Assignment, now: datetime.datetime | None = None
) -> Attempt:
    """The student's open attempt on ``assignment``, or a new one when the window is open and
    attempts are left. Raises :class:`TakingRefused` otherwise."""
    now = now or timezone.now()
    if not assigned_to(student, assignment):
        raise TakingRefused(_("This assessment is not assigned to you."))
    resumed = open_attempt(student, assignment)
    if resumed is not None and not submit_if_due(resumed, now=now):
        return resumed
    if now < assignment.opens_at:
        raise TakingRefused(_("This assessment is not open yet."))
    if now >= assignment.closes_at:
        raise TakingRefused(_("This assessment's window has closed; no new attempt can start."))
    if Excusal.objects.filter(assignment=assignment, student=student).exists():
        raise TakingRefused(_("You are excused from this assessment."))
    if attempts_left(student, assignment) <= 0:
        raise TakingRefused(_("You have no attempts left on this assessment."))
    try:
        with transaction.atomic():
            number = (
                Attempt.objects.filter(
                    assessment_id=assignment.assessment_id, student=student
                ).aggregate(top=Max("number"))["top"]
                or 0
            ) + 1
            attempt = Attempt.objects.create(
                assessment_id=assignment.assessment_id,
                student=student,
                number=number,
                started_at=now,
                deadline=attempt_deadline(student=student, assignment=assignment, started_at=now),
            )
            AssignmentAttempt.objects.create(attempt=attempt, assignment=assignment)
            if attempts_taken(student, assignment) > assignment.attempts_allowed:
                allowance.grant_use(assignment, student, attempt)  # beyond its own: a grant
            audit.record(
                actor=student,
                action="attempt.started",
                target=attempt,
                summary=f"Attempt {number} of {assignment.test_id} started",
            )
            transaction.on_commit(lambda: _schedule_deadline(attempt))
    except IntegrityError:  # two tabs started at once: the other made it
        found = open_attempt(student, assignment)
        if found is None:
            raise
        return found
    return attempt


def _schedule_deadline(attempt: Attempt) -> None:
    """Queue the submission for the deadline (the worker's sweep is the safety net)."""
    from django_tasks import default_task_backend

    from masterly.trackers.tasks import attempt_deadline_submit

    if attempt.deadline is None or not default_task_backend.supports_defer:
        return
    try:
        due = attempt.deadline + grace() + datetime.timedelta(seconds=1)
        attempt_deadline_submit.using(run_after=due).enqueue(attempt.pk)
    except Exception:  # the sweep submits it anyway; starting the test must not fail
        logger.warning("Could not queue the deadline of attempt %s", attempt.pk, exc_info=True)


def is_accepting(attempt: Attempt, now: datetime.datetime) -> bool:
    """Whether answers to ``attempt`` still count at ``now`` (the deadline plus the grace for
    requests already in flight)."""
    if attempt.submitted_at is not None:
        return False
    return attempt.deadline is None or now <= attempt.deadline + grace()


def answer_save(
    *,
    attempt: Attempt,
    placement_id: int,
    answer: Answer | None,
    answered_at: datetime.datetime | None = None,
    now: datetime.datetime | None = None,
) -> Saved:
    """Keep ``answer`` (None: cleared) to one item, unless a later answer is saved for it
    already (the latest given wins). One small transaction."""
    now = now or timezone.now()
    if not is_accepting(attempt, now):
        raise TakingRefused(_("Time is up: this answer was not counted."))
    # The page's clock, set to the server's; never in the future nor before the start.
    given = min(answered_at or now, now)
    if attempt.started_at is not None:
        given = max(given, attempt.started_at)
    values = _answer_values(answer)
    rows = Response.objects.filter(attempt=attempt, assessment_item_id=placement_id)
    with transaction.atomic():
        # Holds the attempt against a submission running at the same moment (PostgreSQL;
        # SQLite's write transactions take turns anyway).
        if (
            not Attempt.objects.select_for_update()
            .filter(pk=attempt.pk, submitted_at__isnull=True)
            .exists()
        ):
            raise TakingRefused(_("This attempt has been submitted: this answer was not counted."))
        if (
            rows.filter(Q(answered_at__isnull=True) | Q(answered_at__lte=given)).update(
                **values, answered_at=given, updated_at=now
            )
            == 0
        ):
            current = rows.values_list("answered_at", flat=True).first()
            if current is not None:  # a later answer (another device) is kept
                return Saved(False, current)
            Response.objects.create(
                attempt=attempt,
                assessment_item_id=placement_id,
                points_possible=UNSCORED,
                answered_at=given,
                updated_at=now,
                **values,
            )
    return Saved(True, given)


def _answer_values(answer: Answer | None) -> dict[str, object]:
    answer = answer or Answer()
    return {
        "choices": answer.choices,
        "text": answer.text,
        "number": answer.number,
        "levels": None,
        "points": None,
    }


def flag_set(
    *,
    attempt: Attempt,
    placement_id: int,
    flagged: bool,
    now: datetime.datetime | None = None,
) -> None:
    """Flag (or unflag) an item to come back to; an unanswered item gets an empty row."""
    now = now or timezone.now()
    if not is_accepting(attempt, now):
        raise TakingRefused(_("Time is up: the flag was not saved."))
    with transaction.atomic():
        updated = Response.objects.filter(attempt=attempt, assessment_item_id=placement_id).update(
            flagged=flagged
        )
        if not updated and flagged:
            Response.objects.create(
                attempt=attempt,
                assessment_item_id=placement_id,
                points_possible=UNSCORED,
                flagged=True,
                updated_at=now,
            )


def position_set(*, attempt: Attempt, number: int) -> None:
    """Remember the item the student is on (another device resumes there)."""
    if attempt.current_item != number:
        Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=True).update(current_item=number)
        attempt.current_item = number


def attempt_submit(
    *, attempt_id: int, by: str, actor: User | None, now: datetime.datetime | None = None
) -> bool:
    """Submit the attempt once, with what was saved: machine-scorable answers scored, every
    unanswered item 0 points, the evidence recorded, all in one transaction. Returns False
    when it was submitted already (two tabs, a double click, the server first)."""
    now = now or timezone.now()
    with transaction.atomic():
        won = Attempt.objects.filter(pk=attempt_id, submitted_at__isnull=True).update(
            submitted_at=now, submitted_by=by
        )
        if not won:
            return False
        attempt = Attempt.objects.select_related("assessment", "student").get(pk=attempt_id)
        items = placed_items(attempt.assessment_id)
        _score_responses(attempt, items, now)
        alignments_from_items(actor=actor, assessment=attempt.assessment)
        attempts_score(
            actor=actor,
            assessment=attempt.assessment,
            attempts=[attempt],
            reason=SUBMIT_REASON,
            source="online",
            items=items,
        )
        audit.record(
            actor=actor,
            action="attempt.submitted",
            target=attempt,
            summary=f"Attempt {attempt.number} of {attempt.assessment.title!r} submitted",
            details={"by": by},
        )
    return True


def _score_responses(attempt: Attempt, items: list, now: datetime.datetime) -> None:
    """Each item's points from the key (teacher-scored ones stay None); unanswered ones 0."""
    rows = {row.assessment_item_id: row for row in Response.objects.filter(attempt=attempt)}
    changed: list[Response] = []
    new: list[Response] = []
    for item in items:
        row = rows.get(item.placement_id)
        answer = stored_answer(row.choices, row.text, row.number, None) if row else None
        scored = score_answer(item, answer or Answer(omitted=True))
        points = None if (answer is not None and item.key.is_teachers) else scored.points
        if row is None:
            new.append(
                Response(
                    attempt=attempt,
                    assessment_item_id=item.placement_id,
                    points=points,
                    points_possible=item.key.points,
                    scored_at=now,
                    updated_at=now,
                )
            )
        else:
            row.points, row.points_possible, row.scored_at = points, item.key.points, now
            changed.append(row)
    Response.objects.bulk_create(new)
    Response.objects.bulk_update(changed, ["points", "points_possible", "scored_at"])


def submit_if_due(attempt: Attempt, *, now: datetime.datetime | None = None) -> bool:
    """Submit ``attempt`` by the server if its time is up (the lazy check on every access)."""
    now = now or timezone.now()
    if attempt.submitted_at is not None or attempt.deadline is None:
        return attempt.submitted_at is not None
    if now <= attempt.deadline + grace():
        return False
    by = _ended_by(attempt)
    attempt_submit(attempt_id=attempt.pk, by=by, actor=None, now=now)
    attempt.refresh_from_db(fields=["submitted_at", "submitted_by"])
    return True


def _ended_by(attempt: Attempt) -> str:
    closes = (
        AssignmentAttempt.objects.filter(attempt=attempt)
        .values_list("assignment__closes_at", flat=True)
        .first()
    )
    if closes is not None and attempt.deadline is not None and attempt.deadline >= closes:
        return SubmittedBy.WINDOW
    return SubmittedBy.TIME


def overdue_submit(now: datetime.datetime | None = None) -> int:
    """Submit every online attempt whose deadline (and grace) has passed: the periodic sweep,
    the safety net under the task queued for each deadline. Returns how many it submitted."""
    now = now or timezone.now()
    due = list(
        Attempt.objects.filter(
            submitted_at__isnull=True, deadline__isnull=False, deadline__lt=now - grace()
        ).order_by("deadline")[:500]
    )
    return sum(1 for attempt in due if submit_if_due(attempt, now=now))


def overdue_sweep(_cutoff: datetime.datetime) -> int:
    """:func:`overdue_submit` as a sweeper the worker runs at start and every minute."""
    return overdue_submit()
