"""Taking a test online, service by service: start (and resume), the time limit counted on
the server, each answer saved with the latest winning, the deadline's grace, one submission
however many times it is asked for, the server submitting by itself (task, sweep, window),
and machine scoring into evidence on submit."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from masterly.assessments.models import Attempt, Evidence, Response, SubmittedBy
from masterly.assessments.responses.entry import Answer
from masterly.assessments.scoring import choices_mask
from masterly.core.models import AuditEvent
from masterly.core.worker.dead_runs import sweep_dead_runs
from masterly.trackers.assignments import AssignmentAttempt, Excusal
from masterly.trackers.services import taking
from masterly.trackers.services.taking import TakingRefused
from masterly.trackers.tasks import attempt_deadline_submit
from tests.assessment_factories import Mastery
from tests.taking.conftest import Online, make_online

SECOND = datetime.timedelta(seconds=1)
MINUTE = datetime.timedelta(minutes=1)


def start(online: Online, now: datetime.datetime | None = None) -> Attempt:
    return taking.attempt_start(
        student=online.student, assignment=online.assignment, now=now or timezone.now()
    )


def save(online: Online, attempt: Attempt, number: int, answer: Answer | None, **kw: object):
    return taking.answer_save(
        attempt=attempt,
        placement_id=online.placements[number - 1].pk,
        answer=answer,
        **kw,  # type: ignore[arg-type]
    )


def stored(online: Online, attempt: Attempt, number: int) -> Response:
    return Response.objects.get(attempt=attempt, assessment_item=online.placements[number - 1])


def test_starting_counts_the_time_from_the_start_and_a_second_start_resumes(
    online: Online,
) -> None:
    now = timezone.now()
    attempt = start(online, now)
    assert attempt.number == 1
    assert attempt.deadline == now + 30 * MINUTE
    assert AssignmentAttempt.objects.get(attempt=attempt).assignment == online.assignment
    again = start(online, now + 5 * MINUTE)  # a reload, another device
    assert again.pk == attempt.pk
    assert again.deadline == attempt.deadline  # a reload does not reset the time


def test_the_deadline_is_queued_as_a_task_for_the_worker(
    online: Online, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        attempt = start(online)
    queued = DBTaskResult.objects.get(task_path__endswith="attempt_deadline_submit")
    assert queued.args_kwargs["args"] == [attempt.pk]
    assert queued.run_after == attempt.deadline + taking.grace() + SECOND


def test_extended_time_multiplies_the_limit_and_the_window_caps_it(
    online: Online, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(taking, "time_limit_factor", lambda student, assignment: Decimal("1.5"))
    now = timezone.now()
    assert (
        taking.attempt_deadline(
            student=online.student, assignment=online.assignment, started_at=now
        )
        == now + 45 * MINUTE
    )
    late_start = online.assignment.closes_at - 10 * MINUTE
    assert (
        taking.attempt_deadline(
            student=online.student, assignment=online.assignment, started_at=late_start
        )
        == online.assignment.closes_at
    )


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (lambda a: a.opens_at - SECOND, "not open yet"),
        (lambda a: a.closes_at, "window has closed"),
    ],
)
def test_a_window_not_open_refuses_a_new_attempt(online: Online, moment, message: str) -> None:
    with pytest.raises(TakingRefused, match=message):
        start(online, moment(online.assignment))
    assert not Attempt.objects.exists()


def test_no_attempts_left_refuses_and_extra_attempts_allow_another(
    online: Online, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = start(online)
    taking.attempt_submit(attempt_id=first.pk, by=SubmittedBy.STUDENT, actor=online.student)
    with pytest.raises(TakingRefused, match="no attempts left"):
        start(online)
    from masterly.trackers.selectors import taking as reads

    monkeypatch.setattr(reads, "extra_attempts", lambda assignment, student: 1)
    used: list[int] = []
    monkeypatch.setattr(
        taking.allowance, "grant_use", lambda assignment, student, attempt: used.append(attempt.pk)
    )
    second = start(online)
    assert second.number == 2
    assert used == [second.pk]  # the attempt beyond the assignment's own used the grant


def test_a_student_not_assigned_or_excused_cannot_start(online: Online) -> None:
    world = online.m.world
    with pytest.raises(TakingRefused, match="not assigned"):
        taking.attempt_start(student=world.other_student, assignment=online.assignment)
    Excusal.objects.create(
        assignment=online.assignment, student=world.student, excused_by=world.teacher
    )
    with pytest.raises(TakingRefused, match="excused"):
        start(online)
    assert not Attempt.objects.exists()


def test_each_answer_is_saved_and_the_latest_given_wins(online: Online) -> None:
    now = timezone.now()
    attempt = start(online, now - MINUTE)
    early, later = now - 20 * SECOND, now - 10 * SECOND
    assert save(online, attempt, 1, Answer(choices=choices_mask([1])), answered_at=later).kept
    # An answer given earlier (a device that was offline) arrives after: it loses.
    old = save(online, attempt, 1, Answer(choices=choices_mask([2])), answered_at=early)
    assert not old.kept and old.answered_at == later
    assert stored(online, attempt, 1).choices == choices_mask([1])
    # A later one wins; clearing is an answer too.
    assert save(online, attempt, 1, None, answered_at=now).kept
    row = stored(online, attempt, 1)
    assert row.choices is None and row.points is None


def test_a_time_from_the_page_is_never_in_the_future_nor_before_the_start(
    online: Online,
) -> None:
    attempt = start(online)
    now = timezone.now()
    saved = save(online, attempt, 4, Answer(number=Decimal(4)), answered_at=now + 60 * MINUTE)
    assert saved.answered_at <= timezone.now()
    saved = save(online, attempt, 5, Answer(text="x"), answered_at=now - 600 * MINUTE)
    assert saved.answered_at == attempt.started_at


def test_answers_after_the_deadline_and_its_grace_are_refused(online: Online) -> None:
    attempt = start(online)
    assert attempt.deadline is not None
    in_flight = attempt.deadline + taking.grace() - SECOND
    assert save(online, attempt, 1, Answer(choices=1), now=in_flight).kept
    with pytest.raises(TakingRefused, match="not counted"):
        save(online, attempt, 2, Answer(choices=3), now=attempt.deadline + taking.grace() + SECOND)
    assert not Response.objects.filter(assessment_item=online.placements[1]).exists()


def test_submitting_twice_makes_one_submission(online: Online) -> None:
    attempt = start(online)
    save(online, attempt, 1, Answer(choices=1))
    assert taking.attempt_submit(attempt_id=attempt.pk, by="student", actor=online.student)
    assert not taking.attempt_submit(attempt_id=attempt.pk, by="student", actor=online.student)
    assert AuditEvent.objects.filter(action="attempt.submitted").count() == 1
    attempt.refresh_from_db()
    with pytest.raises(TakingRefused):
        save(online, attempt, 2, Answer(choices=1))


def test_submitting_scores_what_the_machine_can_and_leaves_the_teachers_pending(
    online: Online,
) -> None:
    attempt = start(online)
    save(online, attempt, 1, Answer(choices=choices_mask([0])))  # right
    save(online, attempt, 2, Answer(choices=choices_mask([0])))  # half the set: wrong
    save(online, attempt, 4, Answer(number=Decimal("4.3")))  # within 0.01
    save(online, attempt, 5, Answer(text="  Commutative "))
    save(online, attempt, 6, Answer(text="Two amounts compared."))
    taking.attempt_submit(attempt_id=attempt.pk, by="student", actor=online.student)
    points = [stored(online, attempt, n).points for n in range(1, 8)]
    # item 3 unanswered: 0; 6 (teacher scored) waits; 7 (rubric) left blank: 0.
    assert points == [Decimal(1), Decimal(0), Decimal(0), Decimal(1), Decimal(1), None, 0]
    assert stored(online, attempt, 2).points_possible == Decimal(2)
    # A standard with an item waiting for the teacher is not scored yet (ADR 26).
    assert not Evidence.objects.filter(attempt=attempt, standard=online.m.standard_b).exists()


def test_submitting_records_the_evidence_in_the_same_request(mastery: Mastery) -> None:
    online = make_online(mastery, machine_only=True)
    attempt = start(online)
    save(online, attempt, 1, Answer(choices=choices_mask([0])))
    save(online, attempt, 2, Answer(choices=choices_mask([0, 1])))
    save(online, attempt, 3, Answer(choices=choices_mask([0])))
    taking.attempt_submit(attempt_id=attempt.pk, by="student", actor=online.student)
    scores = {
        e.standard_id: (e.points_earned, e.points_possible, e.source)
        for e in Evidence.objects.filter(attempt=attempt)
    }
    assert scores == {
        mastery.standard_a.pk: (Decimal(3), Decimal(4), "online"),
        mastery.standard_b.pk: (Decimal(1), Decimal(2), "online"),
    }


def test_the_queued_task_submits_with_no_browser_open(online: Online) -> None:
    attempt = start(online)
    save(online, attempt, 1, Answer(choices=1))
    assert not attempt_deadline_submit.call(attempt.pk)  # not yet due: nothing happens
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - taking.grace() - SECOND)
    assert attempt_deadline_submit.call(attempt.pk)
    attempt.refresh_from_db()
    assert attempt.submitted_at is not None and attempt.submitted_by == SubmittedBy.TIME
    assert stored(online, attempt, 1).points == Decimal(1)
    assert attempt_deadline_submit.call(attempt.pk)  # again: still one submission
    assert AuditEvent.objects.filter(action="attempt.submitted").count() == 1


def test_the_sweep_submits_attempts_the_window_closed_on(mastery: Mastery) -> None:
    now = timezone.now()
    online = make_online(mastery, closes_at=now + 10 * MINUTE)  # before the 30 minutes
    attempt = start(online, now)
    assert attempt.deadline == online.assignment.closes_at
    assert sweep_dead_runs() == 0  # the worker's minute sweep: nothing due
    Attempt.objects.filter(pk=attempt.pk).update(deadline=now - MINUTE)
    type(online.assignment).objects.filter(pk=online.assignment.pk).update(
        closes_at=now - MINUTE, opens_at=now - 120 * MINUTE
    )
    online.assignment.refresh_from_db()
    assert sweep_dead_runs() >= 1
    attempt.refresh_from_db()
    assert attempt.submitted_by == SubmittedBy.WINDOW
    with pytest.raises(TakingRefused, match="window has closed"):
        start(online)


def test_a_flag_is_kept_with_or_without_an_answer(online: Online) -> None:
    attempt = start(online)
    target = online.placements[2].pk
    taking.flag_set(attempt=attempt, placement_id=target, flagged=True)
    assert stored(online, attempt, 3).flagged
    save(online, attempt, 3, Answer(choices=1))
    assert stored(online, attempt, 3).flagged  # answering keeps the flag
    taking.flag_set(attempt=attempt, placement_id=target, flagged=False)
    assert not stored(online, attempt, 3).flagged
