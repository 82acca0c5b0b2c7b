"""A student who handed in a class's online test and is granted one more attempt (an
approved request, or a group's) finds it under "Open now" on their home, and sees nothing of
the test's key or item analysis until the retake is handed in."""

from __future__ import annotations

from django.urls import reverse

from masterly.trackers.assignments import Visibility
from masterly.trackers.selectors.student_assignments import student_home_assignments
from masterly.trackers.services import taking
from masterly.trackers.services.reassessment import attempts_grant
from tests.assessment_factories import Mastery, mastery  # noqa: F401 - a fixture
from tests.taking.conftest import Online, make_online


def _finished(m: Mastery) -> Online:
    online = make_online(
        m,
        machine_only=True,
        show_assessment=Visibility.AFTER_ALL,
        show_answer_key=Visibility.AFTER_ALL,
        show_item_analysis=Visibility.AFTER_ALL,
    )
    attempt = taking.attempt_start(student=online.student, assignment=online.assignment)
    taking.attempt_submit(attempt_id=attempt.pk, by="student", actor=online.student)
    return online


def test_a_granted_attempt_is_open_on_the_home_and_hides_the_key_until_handed_in(
    mastery: Mastery,  # noqa: F811
) -> None:
    online = _finished(mastery)
    student = online.student
    home = student_home_assignments(student)
    assert home.open == [] and [v.assignment for v in home.finished] == [online.assignment]
    assert home.finished[0].shows_answer_key  # the whole class (one student) has finished

    attempts_grant(
        actor=mastery.world.teacher,
        tracker=mastery.tracker,
        assessment=online.assessment,
        students=[student],
    )
    (view,) = student_home_assignments(student).open
    assert view.assignment == online.assignment and view.can_start
    assert not view.shows_assessment and not view.shows_answer_key
    assert not view.shows_item_analysis
    page = online.client_for(student).get(reverse("student_home")).content.decode()
    start = reverse("taking:start", args=[online.assignment.pk])
    assert f'href="{start}"' in page

    # Started: the grant is used, and the retake is in progress: still nothing shown.
    retake = taking.attempt_start(student=student, assignment=online.assignment)
    (view,) = student_home_assignments(student).open
    assert not view.can_start and not view.shows_answer_key
    mastery_page = online.client_for(student).get(
        reverse("student_mastery_assessment", args=[mastery.tracker.pk, online.assignment.pk])
    )
    assert mastery_page.status_code == 404

    taking.attempt_submit(attempt_id=retake.pk, by="student", actor=student)
    home = student_home_assignments(student)
    assert home.open == [] and home.finished[0].shows_answer_key
