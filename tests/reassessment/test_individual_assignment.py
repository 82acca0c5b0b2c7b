"""Approving a reassessment on an assessment the student's classes were not given assigns it
to the student alone (an individual assignment, open now, one attempt): the student finds it
on their home and takes it online; their classmates never see it; the teacher's pages count
the one student. Asking again later adds an attempt to that assignment."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masterly.accounts.models import User
from masterly.core.models import AuditEvent
from masterly.roster.models import Enrollment, Role
from masterly.trackers.assignments import Assignment, Visibility
from masterly.trackers.models import AttemptGrant, TrackerSection
from masterly.trackers.selectors import taking as reads
from masterly.trackers.selectors.assignments import (
    assigned_students,
    tracker_assignments,
)
from masterly.trackers.selectors.reassessment import request_targets
from masterly.trackers.selectors.student_assignments import student_assignments_in
from masterly.trackers.services import taking
from masterly.trackers.services.assignments import (
    AssignmentTerms,
    assignment_create,
    individual_assignment_create,
)
from masterly.trackers.services.reassessment import (
    INDIVIDUAL_WINDOW,
    reassessment_approve,
    reassessment_request,
)
from tests import factories as f
from tests.scoring.conftest import Paper
from tests.scoring.test_paper_scores import RIGHT, row, save

pytestmark = pytest.mark.django_db


def classmate(paper: Paper) -> User:
    other = f.UserFactory(username="classmate")
    f.RoleAssignmentFactory(user=other, role=Role.STUDENT, org=paper.m.world.school)
    f.EnrollmentFactory(user=other, section=paper.m.world.section, role=Enrollment.Role.STUDENT)
    return other


def approved_on_the_paper_test(paper: Paper) -> tuple[AttemptGrant, Assignment]:
    asked = reassessment_request(
        student=paper.m.world.student,
        tracker=paper.m.tracker,
        reason="I practised with the tutor.",
        standard=paper.m.standard_a,
    )
    assert not Assignment.objects.exists()  # the paper test was never assigned
    grant = reassessment_approve(
        actor=paper.m.world.teacher, request=asked, assessment=paper.assessment
    )
    return grant, Assignment.objects.get()


def home(user: User) -> str:
    client = Client()
    client.force_login(user)
    return client.get(reverse("student_home")).content.decode()


def test_approving_on_an_unassigned_assessment_assigns_it_to_the_student_alone(
    paper: Paper,
) -> None:
    world = paper.m.world
    other = classmate(paper)
    before = timezone.now()
    grant, assignment = approved_on_the_paper_test(paper)
    assert assignment.student == world.student
    assert assignment.assessment == paper.assessment and assignment.tracker == paper.m.tracker
    assert not assignment.assignment_sections.exists()
    assert before <= assignment.opens_at <= timezone.now()
    assert assignment.closes_at - assignment.opens_at == INDIVIDUAL_WINDOW
    assert assignment.attempts_allowed == 1
    # The individual assignment's own attempt is the one granted: not one more on top.
    assert (grant.assignment, grant.student, grant.assessment) == (
        None,
        world.student,
        paper.assessment,
    )
    assert reads.attempts_left(world.student, assignment) == 1
    assert {"assignment.created", "attempt.granted", "reassessment.approved"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )
    # The student finds it on their home and may ask about it; a classmate sees none of it.
    assert paper.assessment.title in home(world.student)
    assert assignment in request_targets(world.student, paper.m.tracker).assignments
    assert paper.assessment.title not in home(other)
    assert assignment not in request_targets(other, paper.m.tracker).assignments
    assert not reads.assigned_to(other, assignment)
    with pytest.raises(taking.TakingRefused):
        taking.attempt_start(student=other, assignment=assignment)
    client = Client()
    client.force_login(other)
    assert client.get(reverse("taking:start", args=[assignment.pk])).status_code == 404
    assert reads.assignment_for_test_id(other, assignment.test_id) is None
    # The teacher's pages count the one student.
    assert [row["student"] for row in assigned_students(assignment)] == [world.student]
    (line,) = tracker_assignments(paper.m.tracker, timezone.now())
    assert (line.assigned, line.finished) == (1, 0)


def test_the_student_takes_it_online_once(paper: Paper) -> None:
    student = paper.m.world.student
    _grant, assignment = approved_on_the_paper_test(paper)
    assert reads.assignment_for_test_id(student, assignment.test_id.lower()) == assignment
    client = Client()
    client.force_login(student)
    assert client.get(reverse("taking:start", args=[assignment.pk])).status_code == 200
    attempt = taking.attempt_start(student=student, assignment=assignment)
    taking.attempt_submit(attempt_id=attempt.pk, by="student", actor=student)
    assert reads.attempts_left(student, assignment) == 0
    with pytest.raises(taking.TakingRefused):
        taking.attempt_start(student=student, assignment=assignment)
    (line,) = tracker_assignments(paper.m.tracker, timezone.now())
    assert (line.assigned, line.finished) == (1, 1)


def test_asking_again_adds_an_attempt_to_the_students_own_assignment(paper: Paper) -> None:
    student = paper.m.world.student
    _grant, assignment = approved_on_the_paper_test(paper)
    again = reassessment_request(
        student=student, tracker=paper.m.tracker, reason="Once more.", assignment=assignment
    )
    grant = reassessment_approve(actor=paper.m.world.teacher, request=again)
    assert grant.assignment == assignment
    assert Assignment.objects.count() == 1
    assert reads.attempts_left(student, assignment) == 2


def test_only_the_trackers_teachers_assign_to_one_of_its_students(paper: Paper) -> None:
    world = paper.m.world
    now = timezone.now()
    day = AssignmentTerms(opens_at=now, closes_at=now + datetime.timedelta(days=1))
    refused = [
        (world.other_teacher, world.student, day, PermissionDenied, "tracker's teachers"),
        (world.teacher, world.other_student, day, ValidationError, "student of this tracker"),
        (
            world.teacher,
            world.student,
            AssignmentTerms(opens_at=now, closes_at=now),
            ValidationError,
            "close after it opens",
        ),
    ]
    for actor, student, terms, error, says in refused:
        with pytest.raises(error, match=says):
            individual_assignment_create(
                actor=actor,
                tracker=paper.m.tracker,
                assessment=paper.assessment,
                student=student,
                terms=terms,
            )
    assert not Assignment.objects.exists()
    assert not AuditEvent.objects.filter(action="assignment.created").exists()


def test_approving_after_the_class_window_closed_opens_a_window_for_the_student(
    paper: Paper,
) -> None:
    world = paper.m.world
    now = timezone.now()
    closed = individual_assignment_create(
        actor=world.teacher,
        tracker=paper.m.tracker,
        assessment=paper.assessment,
        student=world.student,
        terms=AssignmentTerms(opens_at=now, closes_at=now + datetime.timedelta(days=1)),
    )
    Assignment.objects.filter(pk=closed.pk).update(  # a week later: its window has closed
        opens_at=now - datetime.timedelta(days=8), closes_at=now - datetime.timedelta(days=7)
    )
    asked = reassessment_request(
        student=world.student, tracker=paper.m.tracker, reason="I was ill.", assignment=closed
    )
    grant = reassessment_approve(actor=world.teacher, request=asked)
    fresh = Assignment.objects.exclude(pk=closed.pk).get()
    assert (fresh.student, fresh.assessment, grant.assignment) == (
        world.student,
        paper.assessment,
        None,
    )
    assert fresh.opens_at <= timezone.now() < fresh.closes_at
    attempt = taking.attempt_start(student=world.student, assignment=fresh)  # it can be taken
    assert attempt.student == world.student


def test_a_student_who_left_the_class_no_longer_has_their_own_assignment(paper: Paper) -> None:
    world = paper.m.world
    _grant, assignment = approved_on_the_paper_test(paper)
    enrollments = Enrollment.objects.filter(user=world.student, role=Enrollment.Role.STUDENT)
    enrollments.update(is_active=False)  # the student left the tracker's class

    assert paper.assessment.title not in home(world.student)
    assert reads.student_assignments(world.student) == []
    assert reads.assignment_for_test_id(world.student, assignment.test_id) is None
    (line,) = tracker_assignments(paper.m.tracker, timezone.now())
    assert line.assigned == 0  # no longer counted on the teacher's list either
    client = Client()
    client.force_login(world.student)
    assert client.get(reverse("taking:start", args=[assignment.pk])).status_code == 404

    enrollments.update(is_active=True)  # back in the class: theirs again
    assert paper.assessment.title in home(world.student)
    (line,) = tracker_assignments(paper.m.tracker, timezone.now())
    assert line.assigned == 1


def test_a_retake_of_a_test_sat_on_paper_is_open_not_finished(paper: Paper) -> None:
    """Approved on the paper test the student already sat (the common case: the same test
    again), the individual assignment is a fresh attempt: open on their home with its link,
    not "handed in" on the paper date; the teacher's list counts it unfinished; and an
    assessment shown "once all have finished" stays hidden until the retake is handed in."""
    world = paper.m.world
    save(paper, row(RIGHT))  # the student sat the test on paper
    _grant, assignment = approved_on_the_paper_test(paper)
    start = reverse("taking:start", args=[assignment.pk])
    see = reverse("student_mastery_assessment", args=[paper.m.tracker.pk, assignment.pk])
    page = home(world.student)
    assert f'href="{start}"' in page
    assert f'href="{see}"' not in page
    assert "handed in" not in page
    views = {v.assignment.pk: v for v in student_assignments_in(world.student, paper.m.tracker)}
    view = views[assignment.pk]
    assert (view.attempts_used, view.is_finished, view.can_start) == (0, False, True)
    assert not view.all_finished and not view.shows_assessment
    assert [row["finished"] for row in assigned_students(assignment)] == [False]
    (line,) = tracker_assignments(paper.m.tracker, timezone.now())
    assert (line.assigned, line.finished) == (1, 0)

    attempt = taking.attempt_start(student=world.student, assignment=assignment)
    taking.attempt_submit(attempt_id=attempt.pk, by="student", actor=world.student)
    (line,) = tracker_assignments(paper.m.tracker, timezone.now())
    assert (line.assigned, line.finished) == (1, 1)
    (view,) = [
        v
        for v in student_assignments_in(world.student, paper.m.tracker)
        if v.assignment.pk == assignment.pk
    ]
    assert view.is_finished and view.attempts_used == 1 and view.shows_assessment
    assert view.all_finished


def test_a_retake_never_shows_its_answer_key_before_it_is_handed_in(paper: Paper) -> None:
    """The individual assignment takes its settings from the test's latest assignment to
    another class; a key (or item analysis) that class was shown "now" is shown to the student
    once they hand the retake in, not while they take it."""
    world = paper.m.world
    TrackerSection.objects.create(tracker=paper.m.tracker, section=world.other_section)
    now = timezone.now()
    assignment_create(
        actor=world.teacher,
        tracker=paper.m.tracker,
        assessment=paper.assessment,
        sections=[world.other_section],
        terms=AssignmentTerms(
            opens_at=now - datetime.timedelta(days=9),
            closes_at=now - datetime.timedelta(days=8),
            show_assessment=Visibility.NOW,
            show_answer_key=Visibility.NOW,
            show_item_analysis=Visibility.NOW,
        ),
    )
    asked = reassessment_request(
        student=world.student, tracker=paper.m.tracker, reason="Again.", standard=paper.m.standard_a
    )
    reassessment_approve(actor=world.teacher, request=asked, assessment=paper.assessment)
    retake = Assignment.objects.get(student=world.student)
    (view,) = [
        v
        for v in student_assignments_in(world.student, paper.m.tracker)
        if v.assignment.pk == retake.pk
    ]
    assert view.status == "open" and view.shows_assessment
    assert not view.shows_answer_key and not view.shows_item_analysis
    attempt = taking.attempt_start(student=world.student, assignment=retake)
    taking.attempt_submit(attempt_id=attempt.pk, by="student", actor=world.student)
    (view,) = [
        v
        for v in student_assignments_in(world.student, paper.m.tracker)
        if v.assignment.pk == retake.pk
    ]
    assert view.shows_answer_key and view.shows_item_analysis
