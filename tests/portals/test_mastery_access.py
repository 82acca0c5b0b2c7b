"""Who reaches the Mastery View and its assessment page: a student only themself, a guardian
only linked children, nobody else (other student, other guardian, teachers and leaders of
either school, anonymous); and the view costs the same queries for 1 or many standards."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masterly.roster.models import Enrollment
from tests import factories as f
from tests.assessment_factories import AssessmentFactory, Mastery, StandardFactory, make_tracker
from tests.assessment_factories import mastery as mastery  # the fixture
from tests.portals.mastery_world import assign, client_for, family_url, student_url

pytestmark = pytest.mark.django_db


def status(user: object, url: str) -> int:
    return client_for(user).get(url).status_code  # type: ignore[arg-type]


def test_student_route_only_for_the_student_in_the_tracker(mastery: Mastery) -> None:
    w = mastery.world
    url = student_url(mastery.tracker)
    assert status(w.student, url) == 200
    assert status(w.other_student, url) == 404  # not in the tracker's class
    assert status(w.school_b_student, url) == 404
    for person in (w.parent, w.teacher, w.leader, w.other_leader, w.admin):
        assert status(person, url) == 403  # no student role
    assert status(None, url) == 302
    assert status(w.student, "/student/trackers/999999/") == 404


def test_family_route_only_for_linked_children(mastery: Mastery) -> None:
    w = mastery.world
    mine = family_url(w.student, mastery.tracker)
    assert status(w.parent, mine) == 200
    assert status(w.other_parent, mine) == 404  # not their child
    assert status(w.parent, family_url(w.other_student, mastery.shared)) == 404
    for person in (w.student, w.teacher, w.other_teacher, w.leader, w.other_leader, w.admin):
        assert status(person, mine) == 403
    assert status(None, mine) == 302
    # Their child, but a tracker the child is not in.
    other = make_tracker(w.other_teacher, [w.other_section], [mastery.standard_a], name="P2")
    assert status(w.parent, family_url(w.student, other)) == 404
    # A link turned off closes the door.
    w.parent.children_links.update(is_active=False)
    assert status(w.parent, mine) == 404


def test_a_student_who_left_the_class_no_longer_sees_it(mastery: Mastery) -> None:
    Enrollment.objects.filter(user=mastery.world.student).update(is_active=False)
    assert status(mastery.world.student, student_url(mastery.tracker)) == 404


def test_assessment_page_follows_visibility_and_access(mastery: Mastery) -> None:
    w = mastery.world
    quiz = AssessmentFactory(title="Open quiz")
    shown = assign(mastery, quiz, show_assessment="now", show_answer_key="now")
    kept = assign(mastery, AssessmentFactory(), show_assessment="never")
    mine = f"{student_url(mastery.tracker)}assessments/{shown.pk}/"
    theirs = f"{family_url(w.student, mastery.tracker)}assessments/{shown.pk}/"
    assert status(w.student, mine) == 200
    assert status(w.parent, theirs) == 200
    assert "Answer Key" in client_for(w.student).get(mine + "?tab=key").content.decode()
    assert status(w.student, f"{student_url(mastery.tracker)}assessments/{kept.pk}/") == 404
    assert status(w.other_parent, theirs) == 404
    assert status(w.other_student, mine) == 404
    assert status(w.teacher, mine) == 403
    assert status(None, theirs) == 302
    # Item analysis not enabled: asking for it shows the assessment and says why.
    html = client_for(w.student).get(mine + "?tab=analysis").content.decode()
    assert "Item analysis: not made available by the teacher." in html
    assert "<h2>Item Analysis</h2>" not in html


def _queries(user: object, url: str) -> int:
    client = client_for(user)  # type: ignore[arg-type]
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_mastery_view_runs_a_fixed_number_of_queries(mastery: Mastery) -> None:
    m = mastery
    w = m.world
    quiz = AssessmentFactory()
    assign(m, quiz)
    m.record(earned=70, assessment=quiz)
    small = (
        _queries(w.student, student_url(m.tracker)),
        _queries(w.parent, family_url(w.student, m.tracker)),
    )
    # Grow: many more standards, scores, assignments and classes.
    extra = [StandardFactory(framework=m.standard_a.framework) for _ in range(12)]
    m.tracker.standards.add(*extra, through_defaults={"position": 10})
    for index, standard in enumerate(extra):
        other = AssessmentFactory()
        assign(m, other)
        m.record(standard=standard, earned=40 + index * 5, assessment=other)
        m.record(standard=standard, earned=90)
    for n in range(3):
        make_tracker(w.teacher, [w.section], extra[:4], name=f"More {n}")
    big = (
        _queries(w.student, student_url(m.tracker)),
        _queries(w.parent, family_url(w.student, m.tracker)),
    )
    assert small == big


def test_home_pages_run_a_fixed_number_of_queries(mastery: Mastery) -> None:
    w = mastery.world
    mastery.record(earned=70)
    assign(mastery, AssessmentFactory())  # with none, the assignments' four queries are skipped
    small = (_queries(w.student, "/student/"), _queries(w.parent, "/family/"))
    for n in range(4):
        tracker = make_tracker(w.teacher, [w.section], [mastery.standard_a], name=f"T{n}")
        assign(mastery, AssessmentFactory(), tracker=tracker)
        section = f.SectionFactory(course=w.section.course, title=f"Extra {n}")
        f.EnrollmentFactory(user=w.student, section=section, role=Enrollment.Role.STUDENT)
        f.EnrollmentFactory(user=w.teacher, section=section, role=Enrollment.Role.TEACHER)
    big = (_queries(w.student, "/student/"), _queries(w.parent, "/family/"))
    assert small == big
