"""The student's home (classes as trackers, assessments open now / upcoming / finished, the
Test ID box) and the family's Tracker View (Current Classes, Archived Classes, a child
picker)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from masterly.assessments.models import Attempt
from masterly.roster.models import Section
from masterly.trackers.models import Tracker
from tests import factories as f
from tests.assessment_factories import AssessmentFactory, Mastery
from tests.assessment_factories import mastery as mastery  # the fixture
from tests.portals.mastery_world import assign, family_url, get, student_url

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def test_student_home_shows_trackers_with_percent_and_levels(mastery: Mastery) -> None:
    mastery.record(earned=90)
    mastery.record(standard=mastery.standard_b, earned=60)
    html = get(mastery.world.student, "/student/")
    assert f'href="{student_url(mastery.tracker)}"' in html
    assert "67% of standards assessed (2 of 3)" in html  # Period 1: A and B of A, B, C
    assert "100% of standards assessed (2 of 2)" in html  # Both periods: A and B
    assert '<progress id="assessed-' in html
    assert "M: Mastery · NM: Near Mastery · R: Remediation · NS: Not assessed yet" in html


def test_archived_trackers_and_ended_classes_are_not_current(mastery: Mastery) -> None:
    w = mastery.world
    Tracker.objects.filter(pk=mastery.shared.pk).update(is_archived=True)
    html = get(w.student, "/student/")
    current, archived = html.split("<h2>Archived classes</h2>")
    assert f'href="{student_url(mastery.shared)}"' not in current
    assert f'href="{student_url(mastery.shared)}"' in archived  # still opens its view
    assert f'href="{student_url(mastery.tracker)}"' in current
    # A class that has ended: its tracker moves to the archived classes too.
    Section.objects.filter(pk=w.section.pk).update(ends_on=datetime.date(2020, 6, 1))
    html = get(w.parent, f"/family/?child={w.student.pk}")
    assert f'href="{family_url(w.student, mastery.tracker)}"' not in html
    html = get(w.parent, f"/family/?child={w.student.pk}&tab=archived")
    assert f'href="{family_url(w.student, mastery.tracker)}"' in html
    assert get(w.parent, family_url(w.student, mastery.tracker))  # and the view still opens


def test_student_home_lists_open_upcoming_and_finished_assessments(mastery: Mastery) -> None:
    student = mastery.world.student
    open_now = assign(mastery, AssessmentFactory(title="Open quiz"))
    assign(mastery, AssessmentFactory(title="Next week"), opens=7 * DAY, closes=8 * DAY)
    done = AssessmentFactory(title="Done quiz")
    assign(mastery, done)
    Attempt.objects.create(assessment=done, student=student, submitted_at=timezone.now())
    closed = assign(mastery, AssessmentFactory(title="Missed"), opens=-3 * DAY, closes=-2 * DAY)
    html = get(student, "/student/")
    open_part = html.split("Open now", 1)[1].split("</ul>", 1)[0]
    assert f'href="/take/assignments/{open_now.pk}/"' in open_part and "Open quiz" in open_part
    assert "Done quiz" not in open_part and "Next week" not in open_part
    assert "Next week" in html.split("Upcoming", 1)[1].split("</ul>", 1)[0]
    assert "Done quiz" in html.split("Finished", 1)[1].split("</ul>", 1)[0]
    assert closed.assessment.title not in html
    # The Test ID box asks /take/find/ with test_id.
    assert 'action="/take/find/"' in html and 'name="test_id"' in html


def test_another_students_assessments_do_not_show(mastery: Mastery) -> None:
    other_only = make_other_assignment(mastery)
    html = get(mastery.world.student, "/student/")
    assert other_only not in html


def make_other_assignment(m: Mastery) -> str:
    from tests.assessment_factories import make_tracker

    tracker = make_tracker(
        m.world.other_teacher, [m.world.other_section], [m.standard_a], name="P2"
    )
    assign(m, AssessmentFactory(title="Period two only"), tracker=tracker)
    return "Period two only"


def test_family_tracker_view_current_archived_and_child_picker(mastery: Mastery) -> None:
    w = mastery.world
    html = get(w.parent, "/family/")
    assert f'href="{family_url(w.student, mastery.tracker)}"' in html
    assert "0% of standards assessed (0 of 3)" in html
    assert 'aria-current="page">Current Classes' in html
    assert "Choose a child" not in html  # one child: no picker
    # A second child (another school): the picker, one child at a time.
    f.GuardianLinkFactory(guardian=w.parent, student=w.other_student)
    html = get(w.parent, f"/family/?child={w.student.pk}")
    assert "Choose a child" in html
    assert f'href="{family_url(w.student, mastery.tracker)}"' in html
    html = get(w.parent, f"/family/?child={w.other_student.pk}")
    assert f'href="{family_url(w.other_student, mastery.shared)}"' in html
    assert f'href="{family_url(w.student, mastery.tracker)}"' not in html
    # A child who is not theirs is not chosen: the first child is shown instead.
    html = get(w.parent, f"/family/?child={w.school_b_student.pk}")
    assert w.school_b_student.display_name not in html


def test_family_archived_classes_tab(mastery: Mastery) -> None:
    w = mastery.world
    last_year = f.TermFactory(
        title="Fall 2025",
        start_date=datetime.date(2025, 8, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    old = f.SectionFactory(course=w.section.course, title="Math 5 - Last year", terms=[last_year])
    f.EnrollmentFactory(user=w.student, section=old)
    html = get(w.parent, "/family/")
    assert 'tab=archived">Archived Classes</a>' in html and "Math 5 - Last year" not in html
    html = get(w.parent, f"/family/?child={w.student.pk}&tab=archived")
    assert "Math 5 - Last year" in html
