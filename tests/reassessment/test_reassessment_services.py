"""Reassessment requests, their approval (a grant of one more attempt) or decline, grants to a
group, the allowance the online delivery reads, and attempt 2 adding to the history."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from masterly.assessments import services as assessment_writes
from masterly.assessments.models import Attempt, Evidence
from masterly.assessments.responses import services as response_writes
from masterly.assessments.responses.entry import read_entry, score_answer
from masterly.assessments.responses.keys import placed_items
from masterly.assessments.taking.allowance import extra_attempts, grant_use
from masterly.core.models import AuditEvent
from masterly.trackers.assignments import Assignment
from masterly.trackers.models import AttemptGrant, ReassessmentRequest, RequestStatus
from masterly.trackers.selectors.cells import cell_result
from masterly.trackers.selectors.reassessment import tracker_requests
from masterly.trackers.services.assessment_scoring import attempts_score
from masterly.trackers.services.assignments import AssignmentTerms, assignment_create
from masterly.trackers.services.reassessment import (
    attempts_grant,
    reassessment_approve,
    reassessment_decline,
    reassessment_request,
)
from tests.assessment_factories import make_tracker
from tests.scoring.conftest import Paper
from tests.scoring.test_paper_scores import RIGHT, WRONG, row, save


def assign(paper: Paper) -> Assignment:
    now = timezone.now()
    return assignment_create(
        actor=paper.m.world.teacher,
        tracker=paper.m.tracker,
        assessment=paper.assessment,
        sections=[paper.m.world.section],
        terms=AssignmentTerms(opens_at=now, closes_at=now + datetime.timedelta(days=7)),
    )


def ask(paper: Paper, **target: object) -> ReassessmentRequest:
    target = target or {"standard": paper.m.standard_a}
    return reassessment_request(
        student=paper.m.world.student,
        tracker=paper.m.tracker,
        reason="  I practised   ratios with the tutor. ",
        **target,  # type: ignore[arg-type]
    )


def test_a_student_asks_once_per_target(paper: Paper) -> None:
    made = ask(paper)
    assert (made.status, made.reason) == (
        RequestStatus.PENDING,
        "I practised ratios with the tutor.",
    )
    assert AuditEvent.objects.filter(action="reassessment.requested").count() == 1
    with pytest.raises(ValidationError, match="already asked"):
        ask(paper)
    ask(paper, standard=paper.m.standard_b)  # another standard is another request
    assert ReassessmentRequest.objects.count() == 2


def test_the_database_refuses_a_second_pending_request(paper: Paper) -> None:
    ask(paper)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReassessmentRequest.objects.create(
            tracker=paper.m.tracker,
            student=paper.m.world.student,
            standard=paper.m.standard_a,
            reason="again",
        )


@pytest.mark.parametrize("reason", ["", "   ", "x" * 301])
def test_a_reason_is_needed_and_short(paper: Paper, reason: str) -> None:
    with pytest.raises(ValidationError):
        reassessment_request(
            student=paper.m.world.student,
            tracker=paper.m.tracker,
            reason=reason,
            standard=paper.m.standard_a,
        )
    assert not ReassessmentRequest.objects.exists()


def test_a_student_asks_only_in_their_own_trackers_and_on_their_standards(paper: Paper) -> None:
    world = paper.m.world
    for person in ("other_student", "school_b_student", "teacher", "parent"):
        with pytest.raises(PermissionDenied):
            reassessment_request(
                student=getattr(world, person),
                tracker=paper.m.tracker,
                reason="please",
                standard=paper.m.standard_a,
            )
    elsewhere = make_tracker(world.other_teacher, [world.other_section], [paper.m.standard_a])
    with pytest.raises(ValidationError, match="not in this class"):
        reassessment_request(
            student=world.other_student,
            tracker=elsewhere,
            reason="please",
            standard=paper.m.standard_b,
        )
    with pytest.raises(ValidationError, match="one standard or one assessment"):
        reassessment_request(student=world.student, tracker=paper.m.tracker, reason="x")
    assert not ReassessmentRequest.objects.exists()


def test_approving_grants_one_more_attempt_on_the_students_assignment(paper: Paper) -> None:
    assignment = assign(paper)
    asked = ask(paper, assignment=assignment)
    student = paper.m.world.student
    assert extra_attempts(assignment, student) == 0
    grant = reassessment_approve(actor=paper.m.world.teacher, request=asked, note="Good plan.")
    asked.refresh_from_db()
    assert (asked.status, asked.note, asked.decided_by) == (
        RequestStatus.APPROVED,
        "Good plan.",
        paper.m.world.teacher,
    )
    assert (grant.assignment, grant.student, grant.request) == (assignment, student, asked)
    assert extra_attempts(assignment, student) == 1
    assert {e.action for e in AuditEvent.objects.all()} >= {
        "reassessment.approved",
        "attempt.granted",
    }
    with pytest.raises(ValidationError, match="already been answered"):
        reassessment_decline(actor=paper.m.world.teacher, request=asked, note="no")
    # The online delivery uses the grant when it opens the attempt.
    attempt = Attempt.objects.create(assessment=paper.assessment, student=student, number=2)
    assert grant_use(assignment, student, attempt) is True
    assert extra_attempts(assignment, student) == 0
    assert grant_use(assignment, student, attempt) is False


def test_a_request_on_a_standard_is_approved_on_an_assessment_covering_it(paper: Paper) -> None:
    asked = ask(paper, standard=paper.m.standard_c)  # no assessment covers C
    (row,) = tracker_requests(paper.m.world.teacher, paper.m.tracker)[0]
    assert row.options == []
    with pytest.raises(ValidationError, match="Choose the assessment"):
        reassessment_approve(actor=paper.m.world.teacher, request=asked)
    with pytest.raises(ValidationError, match="same standards"):
        reassessment_approve(
            actor=paper.m.world.teacher, request=asked, assessment=paper.assessment
        )
    asked_a = ask(paper, standard=paper.m.standard_a)
    pending = tracker_requests(paper.m.world.teacher, paper.m.tracker)[0]
    assert [a.pk for a in pending[1].options] == [paper.assessment.pk]
    grant = reassessment_approve(
        actor=paper.m.world.teacher, request=asked_a, assessment=paper.assessment
    )
    assert grant.assignment is None and grant.assessment == paper.assessment


def test_declining_needs_a_note_the_student_reads(paper: Paper) -> None:
    asked = ask(paper)
    with pytest.raises(ValidationError, match="short note"):
        reassessment_decline(actor=paper.m.world.teacher, request=asked, note="  ")
    reassessment_decline(
        actor=paper.m.world.teacher, request=asked, note="Finish the practice set first."
    )
    asked.refresh_from_db()
    assert (asked.status, asked.note) == (RequestStatus.DECLINED, "Finish the practice set first.")
    assert not AttemptGrant.objects.exists()
    ask(paper)  # once answered, the student may ask again


def test_only_the_trackers_teachers_decide(paper: Paper) -> None:
    asked = ask(paper)
    for person in ("other_teacher", "leader", "student", "parent", "admin"):
        actor = getattr(paper.m.world, person)
        with pytest.raises(PermissionDenied):
            reassessment_approve(actor=actor, request=asked, assessment=paper.assessment)
        with pytest.raises(PermissionDenied):
            reassessment_decline(actor=actor, request=asked, note="no")
    asked.refresh_from_db()
    assert asked.is_pending


def test_a_group_whose_window_closed_gets_the_test_alone_open_now(
    paper: Paper,
) -> None:
    from tests import factories as f

    world = paper.m.world
    closed = assign(paper)
    now = timezone.now()
    Assignment.objects.filter(pk=closed.pk).update(
        opens_at=now - datetime.timedelta(days=9), closes_at=now - datetime.timedelta(days=2)
    )
    grants = attempts_grant(
        actor=world.teacher,
        tracker=paper.m.tracker,
        assessment=paper.assessment,
        students=[world.student],
    )
    (alone,) = Assignment.objects.filter(student=world.student)
    assert [g.assignment for g in grants] == [None]
    assert alone.opens_at <= timezone.now() < alone.closes_at
    # With the class window open again, a classmate's attempt goes on the class assignment and
    # the student's on their own, the latest given to them.
    classmate = f.UserFactory(username="classmate")
    f.EnrollmentFactory(user=classmate, section=world.section, role="student")
    Assignment.objects.filter(pk=closed.pk).update(closes_at=now + datetime.timedelta(days=1))
    mixed = attempts_grant(
        actor=world.teacher,
        tracker=paper.m.tracker,
        assessment=paper.assessment,
        students=[world.student, classmate],
    )
    on = {g.student.username: g.assignment_id for g in mixed}
    assert on == {"student": alone.pk, "classmate": closed.pk}
    assert Assignment.objects.count() == 2


def test_a_group_gets_one_more_attempt_each(paper: Paper) -> None:
    assignment = assign(paper)
    world = paper.m.world
    grants = attempts_grant(
        actor=world.teacher,
        tracker=paper.m.tracker,
        assessment=paper.assessment,
        students=[world.student],
    )
    assert [g.assignment for g in grants] == [assignment]
    assert extra_attempts(assignment, world.student) == 1
    with pytest.raises(ValidationError, match="only students of this tracker"):
        attempts_grant(
            actor=world.teacher,
            tracker=paper.m.tracker,
            assessment=paper.assessment,
            students=[world.other_student],
        )
    with pytest.raises(PermissionDenied):
        attempts_grant(
            actor=world.other_teacher,
            tracker=paper.m.tracker,
            assessment=paper.assessment,
            students=[world.student],
        )
    assert AttemptGrant.objects.count() == 1


def second_attempt(paper: Paper, answers: list[str]) -> Attempt:
    student = paper.m.world.student
    when = timezone.now()
    with transaction.atomic():
        (attempt,) = assessment_writes.attempts_record(
            actor=None,
            attempts=[assessment_writes.TakenAttempt(paper.assessment, student, 2, when)],
        )
        items = placed_items(paper.assessment.pk)
        writes = []
        for item, typed in zip(items, answers, strict=True):
            answer = read_entry(item, typed)
            assert answer is not None
            writes.append(
                response_writes.ResponseWrite(
                    attempt_id=attempt.pk,
                    placement_id=item.placement_id,
                    answer=answer,
                    scored=score_answer(item, answer),
                    points_possible=item.key.points,
                )
            )
        response_writes.responses_write(actor=None, writes=writes)
        attempts_score(
            actor=None,
            assessment=paper.assessment,
            attempts=[attempt],
            reason="attempt 2",
            items=items,
        )
    return attempt


def test_attempt_two_is_new_evidence_and_the_method_uses_both(paper: Paper) -> None:
    save(paper, row(RIGHT))
    first = Evidence.objects.get(assessment=paper.assessment, standard=paper.m.standard_a)
    second_attempt(paper, WRONG)
    rows = Evidence.objects.filter(
        assessment=paper.assessment, standard=paper.m.standard_a, is_deleted=False
    ).order_by("attempt__number")
    assert [(e.attempt.number, e.points_earned) for e in rows] == [(1, Decimal(6)), (2, Decimal(0))]
    first.refresh_from_db()
    assert first.version == 1 and first.points_earned == Decimal(6)  # not overwritten
    # "Both periods" keeps the highest: attempt 1 still counts, beside attempt 2.
    result = cell_result(paper.m.shared, paper.m.world.student, paper.m.standard_a)
    assert len(result.evidence) == 2
    assert result.score == result.maximum


def test_a_collaborator_decides_and_an_assignment_request_offers_its_own_test(
    paper: Paper,
) -> None:
    from masterly.trackers.services.sharing import collaborator_add

    world = paper.m.world
    collaborator_add(actor=world.teacher, tracker=paper.m.tracker, teacher=world.other_teacher)
    assignment = assign(paper)
    asked = ask(paper, assignment=assignment)
    ((row,), _decided) = tracker_requests(world.other_teacher, paper.m.tracker)
    assert [a.pk for a in row.options] == [paper.assessment.pk]
    grant = reassessment_approve(actor=world.other_teacher, request=asked)
    assert (grant.assessment, grant.assignment, grant.granted_by) == (
        paper.assessment,
        assignment,
        world.other_teacher,
    )
