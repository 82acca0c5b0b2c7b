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
import functools
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from masterly.accounts.models import User
from masterly.assessments.models import (
    Assessment,
    AssessmentStandard,
    Attempt,
    Response,
    SubmittedBy,
)
from masterly.assessments.responses.entry import Answer, score_answer, stored_answer
from masterly.assessments.responses.keys import PlacedItem, placed_items
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
    current: int | None = None,
) -> Saved:
    """Keep ``answer`` (None: cleared) to one item, unless a later answer is saved for it
    already (the latest given wins); ``current``: the item the student is on, kept with it.
    One short write transaction: the attempt checked open, then one statement."""
    now = now or timezone.now()
    if not is_accepting(attempt, now):
        raise TakingRefused(_("Time is up: this answer was not counted."))
    # The page's clock, set to the server's; never in the future nor before the start.
    given = min(answered_at or now, now)
    if attempt.started_at is not None:
        given = max(given, attempt.started_at)
    with transaction.atomic():
        # Holds the attempt against a submission running at the same moment (PostgreSQL;
        # SQLite's write transactions take turns anyway).
        if not _lock_open(attempt):
            raise TakingRefused(_("This attempt has been submitted: this answer was not counted."))
        kept = _keep_if_latest(attempt.pk, placement_id, answer or Answer(), given, now)
        if current is not None and current != attempt.current_item:
            Attempt.objects.filter(pk=attempt.pk).update(current_item=current)
            attempt.current_item = current
    if not kept:  # a later answer (another device) is kept
        current_at = (
            Response.objects.filter(attempt=attempt, assessment_item_id=placement_id)
            .values_list("answered_at", flat=True)
            .first()
        )
        return Saved(False, current_at or given)
    return Saved(True, given)


def _lock_open(attempt: Attempt) -> bool:
    """Whether the attempt is still open, its row locked until the transaction ends."""
    return (
        Attempt.objects.select_for_update()
        .filter(pk=attempt.pk, submitted_at__isnull=True)
        .exists()
    )


_KEPT_COLUMNS = (
    "attempt_id",
    "assessment_item_id",
    "choices",
    "text",
    "number",
    "points_possible",
    "updated_at",
    "answered_at",
    "flagged",
)
_REPLACED = ("choices", "text", "number", "updated_at", "answered_at")


@functools.cache
def _keep_sql(vendor: str) -> str:
    """The conditional upsert of :func:`_keep_if_latest` on ``vendor``'s databases, its names
    from the model."""
    quote_name = connection.ops.quote_name
    column = {f.attname: quote_name(str(f.column)) for f in Response._meta.concrete_fields}
    table = quote_name(Response._meta.db_table)
    answered = column["answered_at"]
    replaced = [f"{column[n]} = excluded.{column[n]}" for n in _REPLACED]
    replaced += [f"{column['levels']} = NULL", f"{column['points']} = NULL"]
    return (
        f"INSERT INTO {table} ({', '.join(column[n] for n in _KEPT_COLUMNS)}) "  # noqa: S608 - names from the model, values bound
        f"VALUES ({', '.join(['%s'] * len(_KEPT_COLUMNS))}) "
        f"ON CONFLICT ({column['attempt_id']}, {column['assessment_item_id']}) "
        f"DO UPDATE SET {', '.join(replaced)} "
        f"WHERE {table}.{answered} IS NULL OR {table}.{answered} <= excluded.{answered} "
        f"RETURNING {column['id']}"
    )


def _keep_if_latest(
    attempt_id: int,
    placement_id: int,
    answer: Answer,
    given: datetime.datetime,
    now: datetime.datetime,
) -> bool:
    """Insert the item's response, or update it unless it holds a later answer: one
    ``INSERT … ON CONFLICT DO UPDATE … WHERE`` (SQLite and PostgreSQL), whose ``RETURNING``
    says whether the answer was kept. The ORM has no conditional upsert, and the update, then
    select, then insert it replaces were three statements inside the write lock."""
    values = (
        attempt_id,
        placement_id,
        answer.choices,
        answer.text,
        answer.number,
        UNSCORED,
        now,
        given,
        False,
    )
    fields = {f.attname: f for f in Response._meta.concrete_fields}
    params = [
        fields[name].get_db_prep_save(value, connection)
        for name, value in zip(_KEPT_COLUMNS, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(_keep_sql(connection.vendor), params)
        return cursor.fetchone() is not None


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
    when it was submitted already (two tabs, a double click, the server first).

    What cannot change while the attempt is open (the attempt, its assessment's items and
    keys, its alignment) is read before that transaction: on SQLite it holds the one write
    lock from its first statement, and every save and submission of the class waits for it.
    """
    now = now or timezone.now()
    attempt = Attempt.objects.select_related("assessment", "student").filter(pk=attempt_id).first()
    if attempt is None or attempt.submitted_at is not None:
        return False
    items = placed_items(attempt.assessment_id)
    if not _is_aligned(attempt.assessment_id, items):
        _align(actor, attempt.assessment)
    with transaction.atomic():
        won = Attempt.objects.filter(pk=attempt_id, submitted_at__isnull=True).update(
            submitted_at=now, submitted_by=by
        )
        if not won:
            return False
        attempt.submitted_at, attempt.submitted_by = now, by
        _score_responses(attempt, items, now)
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


def _is_aligned(assessment_id: int, items: list[PlacedItem]) -> bool:
    """Whether the assessment is aligned to every standard its items are (as it is once its
    first attempt is scored): then a submission need not align it."""
    wanted = {standard_id for item in items for standard_id, _points in item.alignments}
    have = set(
        AssessmentStandard.objects.filter(assessment_id=assessment_id).values_list(
            "standard_id", flat=True
        )
    )
    return wanted <= have


def _align(actor: User | None, assessment: Assessment) -> None:
    """Align the assessment to its items' standards (its first submission does), in a
    transaction of its own: on PostgreSQL two first submissions at once both find it
    unaligned, and the second's insert then fails on the unique constraint once the first
    has committed (that alignment stands: nothing is lost)."""
    try:
        with transaction.atomic():
            alignments_from_items(actor=actor, assessment=assessment)
    except IntegrityError:
        logger.info("Assessment %s was aligned by another submission", assessment.pk)


def _score_responses(attempt: Attempt, items: list[PlacedItem], now: datetime.datetime) -> None:
    """Each item's points from the key (teacher-scored ones stay None); unanswered ones 0.

    Set-based: the saved answers in one read, the missing ones in one insert, and one
    ``UPDATE … WHERE id IN`` per distinct (points, points possible): a handful whatever the
    number of items (a multiple-choice test's are right and wrong)."""
    saved = {
        item_id: (pk, stored_answer(choices, text, number, None))
        for pk, item_id, choices, text, number in Response.objects.filter(
            attempt=attempt
        ).values_list("pk", "assessment_item_id", "choices", "text", "number")
    }
    groups: dict[tuple[Decimal | None, Decimal], list[int]] = {}
    new: list[Response] = []
    for item in items:
        pk, answer = saved.get(item.placement_id, (None, None))
        scored = score_answer(item, answer or Answer(omitted=True))
        points = None if (answer is not None and item.key.is_teachers) else scored.points
        if pk is None:
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
            groups.setdefault((points, item.key.points), []).append(pk)
    for (points, possible), pks in groups.items():
        Response.objects.filter(pk__in=pks).update(
            points=points, points_possible=possible, scored_at=now
        )
    Response.objects.bulk_create(new)


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
