"""The student's home names each open assessment's time limit as the student has it: with
extended time on, the limit times the teacher's factor; without it, the assignment's own.
Each tracker's school year's accommodations, read in the same queries however many trackers."""

from __future__ import annotations

import datetime
from dataclasses import replace
from decimal import Decimal

import pytest
from django.urls import reverse

from masterly.assessments import services
from masterly.assessments.models import Tool
from masterly.assessments.taking.accommodations import assignment_school_year
from masterly.roster.models import Enrollment
from masterly.trackers.selectors.student_assignments import student_home_assignments
from tests import factories as f
from tests.assessment_factories import Mastery, make_tracker
from tests.taking.conftest import Online, make_online

HOME_QUERIES = 8  # six for the assignments, two for the accommodations of every tracker


def home(online: Online) -> str:
    client = online.client_for(online.student)
    return client.get(reverse("student_home")).content.decode()


def test_the_home_shows_the_assignments_limit_without_extended_time(
    online: Online,
) -> None:
    assert "30 minutes" in home(online)


def test_the_home_shows_the_students_own_limit_with_extended_time(
    online: Online,
) -> None:
    services.accommodations_set(
        actor=online.m.world.teacher,
        school_year=assignment_school_year(online.assignment),
        tools={online.student.pk: [Tool.EXTENDED_TIME]},
        factors={online.student.pk: Decimal(2)},
    )
    page = home(online)
    assert "60 minutes" in page and "30 minutes" not in page
    # The start page agrees.
    start = online.client_for(online.student).get(
        reverse("taking:start", args=[online.assignment.pk])
    )
    assert "60 minutes" in start.content.decode()


def _extended(online: Online, school_year: int, factor: str) -> None:
    services.accommodations_set(
        actor=online.m.world.teacher,
        school_year=school_year,
        tools={online.student.pk: [Tool.EXTENDED_TIME]},
        factors={online.student.pk: Decimal(factor)},
    )


def _timed_tracker(m: Mastery, name: str, *sections: object) -> Online:
    """Another tracker of the student's section (and ``sections``), a 30-minute test open."""
    tracker = make_tracker(m.world.teacher, [m.world.section, *sections], [m.standard_a], name=name)
    return make_online(replace(m, tracker=tracker), choices=1)


@pytest.mark.parametrize("trackers", [1, 5])
def test_the_homes_time_limits_cost_the_same_for_1_and_5_trackers(
    mastery: Mastery, trackers: int, django_assert_num_queries: object
) -> None:
    timed = [_timed_tracker(mastery, f"Timed {n}") for n in range(trackers)]
    _extended(timed[0], assignment_school_year(timed[0].assignment), "2")
    with django_assert_num_queries(HOME_QUERIES):  # type: ignore[operator]
        home = student_home_assignments(mastery.world.student)
    assert [view.limit_minutes for view in home.open] == [60] * trackers


def test_each_tracker_reads_its_own_school_years_accommodations(mastery: Mastery) -> None:
    this_year = _timed_tracker(mastery, "This year")
    next_term = f.TermFactory(school_year=2028, end_date=datetime.date(2028, 6, 30))
    section = f.SectionFactory(course=mastery.world.section.course, terms=[next_term])
    f.EnrollmentFactory(user=mastery.world.teacher, section=section, role=Enrollment.Role.TEACHER)
    next_year = _timed_tracker(mastery, "Next year", section)
    _extended(this_year, 2027, "2")
    _extended(next_year, 2028, "3")
    limits = {
        view.assignment.tracker_id: view.limit_minutes
        for view in student_home_assignments(mastery.world.student).open
    }
    assert limits == {this_year.m.tracker.pk: 60, next_year.m.tracker.pk: 90}
