"""The grid: levels from recorded evidence, colour modes remembered, sections, sorting, access,
and a query count that does not depend on the class size."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from masterly.assessments.models import AssessmentStandard
from masterly.roster.models import Enrollment
from masterly.trackers import services
from masterly.trackers.models import Tracker
from masterly.trackers.services import display
from tests import factories as f
from tests.tracker_pages.conftest import Pages

GRID_QUERIES = 12  # session, user, roles (nav), tracker, its latest recompute, sections,
# standards, students (marked chosen or pinned), rollups, assessment counts, answers waiting
# in the scoring queue, reassessment requests… whatever the number of students or standards


def grid_url(pages: Pages, **query: object) -> str:
    url = reverse("tracker_grid", args=[pages.tracker.pk])
    if query:
        url += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return url


def grid_rows(html: str) -> list[str]:
    """The students' names down the grid, in order."""
    return re.findall(r'class="grid-student">(.*?)<', html)


def cell_html(html: str, student_id: int, standard_id: int) -> str:
    match = re.search(
        rf'<a class="cell [^"]*"[^>]*href="[^"]*/cells/{student_id}/{standard_id}/"[^>]*>(.*?)</a>',
        html,
        re.S,
    )
    assert match, f"no cell for student {student_id} on standard {standard_id}"
    return match.group(0)


def test_grid_shows_levels_of_recorded_evidence(pages: Pages) -> None:
    student = pages.world.student
    pages.record(student, pages.ratio_1, 4)  # 100 % → M
    pages.record(student, pages.ratio_2, 2)  # 50 % → NM
    response = pages.client("teacher").get(grid_url(pages))
    assert response.status_code == 200
    html = response.content.decode()
    mastery = cell_html(html, student.pk, pages.ratio_1.pk)
    assert ">M<" in mastery and "Mastery, 100.00 %" in mastery
    assert "level-m" in mastery
    near = cell_html(html, student.pk, pages.ratio_2.pk)
    assert ">NM<" in near and "Near Mastery, 50.00 %" in near
    not_assessed = cell_html(html, student.pk, pages.expressions.pk)
    assert ">NS<" in not_assessed and "Not assessed" in not_assessed


def test_remediation_and_override_marker(pages: Pages) -> None:
    student = pages.world.student
    pages.record(student, pages.ratio_1, 1)  # 25 % → R
    html = pages.client("teacher").get(grid_url(pages)).content.decode()
    assert ">R<" in cell_html(html, student.pk, pages.ratio_1.pk)
    services.override_set(
        actor=pages.world.teacher,
        tracker=pages.tracker,
        student=student,
        standard=pages.ratio_1,
        level="M",
        reason="Showed it in class",
    )
    html = pages.client("teacher").get(grid_url(pages)).content.decode()
    cell = cell_html(html, student.pk, pages.ratio_1.pk)
    assert ">M*<" in cell and "set by the teacher" in cell


def test_grid_headers_units_power_standards_counts_and_distribution(pages: Pages) -> None:
    from tests.assessment_factories import AssessmentFactory

    quiz = AssessmentFactory(title="Ratio quiz")  # aligned to 6.RP.A.1 and 6.RP.A.2
    for standard in (pages.ratio_1, pages.ratio_2):
        AssessmentStandard.objects.create(assessment=quiz, standard=standard, points_possible=4)
    pages.record(pages.world.student, pages.ratio_1, 4, assessment=quiz)
    html = pages.client("teacher").get(grid_url(pages)).content.decode()
    assert 'colspan="2" class="grid-unit">Ratios<' in html
    assert 'colspan="1" class="grid-unit">Expressions<' in html
    assert '<abbr title="Understand the concept of a ratio.">6.RP.A.1</abbr>' in html
    assert "(power standard)" in html
    counts = re.search(r'<tr class="grid-counts">(.*?)</tr>', html, re.S)
    assert counts
    assert re.findall(r">(\d+)<span", counts.group(1)) == ["1", "0", "0"]
    rows = dict(
        re.findall(
            r'<tr class="grid-distribution">\s*<th[^>]*>.*?>(\w+)</span>.*?</th>\s*(.*?)</tr>',
            html,
            re.S,
        )
    )
    assert re.findall(r">(\d+)<", rows["M"]) == ["1", "0", "0"]
    assert re.findall(r">(\d+)<", rows["NS"]) == ["0", "1", "1"]
    assert "@page" not in html  # the print rules live in the stylesheet


def test_colour_mode_is_remembered_in_the_session(pages: Pages) -> None:
    pages.record(pages.world.student, pages.ratio_1, 4)
    client = pages.client("teacher")
    html = client.get(grid_url(pages)).content.decode()
    assert "lc-2e7d32" in html  # traffic light green
    html = client.get(grid_url(pages, colours="skittles")).content.decode()
    assert "lc-00897b" in html and "2e7d32" not in html
    html = client.get(grid_url(pages)).content.decode()
    assert "lc-00897b" in html  # remembered
    html = client.get(grid_url(pages, colours="colour_blind_safe")).content.decode()
    assert "lc-009e73" in html
    html = client.get(grid_url(pages, colours="nonsense")).content.decode()
    assert "lc-009e73" in html  # an unknown mode changes nothing


def two_period_tracker(pages: Pages) -> Tracker:
    """A tracker of the teacher's two sections (``world.student``, ``world.other_student``)."""
    world = pages.world
    f.EnrollmentFactory(
        user=world.teacher, section=world.other_section, role=Enrollment.Role.TEACHER
    )
    return services.tracker_create(
        actor=world.teacher,
        name="Both periods",
        owner=world.teacher,
        sections=[world.section, world.other_section],
        curriculum_map=pages.curriculum_map,
    )


def test_section_switch_and_sort_by_mastery(pages: Pages) -> None:
    world = pages.world
    tracker = two_period_tracker(pages)
    for student, last_name in ((world.student, "Adams"), (world.other_student, "Baker")):
        student.last_name = last_name
        student.save(update_fields=["last_name"])
    pages.record(world.student, pages.ratio_1, 1)
    pages.record(world.other_student, pages.ratio_1, 4)
    client = pages.client("teacher")
    url = reverse("tracker_grid", args=[tracker.pk])
    html = client.get(url).content.decode()
    names = [world.student.sort_name, world.other_student.sort_name]
    assert re.findall(r'class="grid-student">(.*?)<', html) == names  # Adams, Baker
    html = client.get(url + "?sort=mastery").content.decode()
    assert re.findall(r'class="grid-student">(.*?)<', html) == [names[1], names[0]]
    html = client.get(url + f"?section={world.other_section.pk}").content.decode()
    assert re.findall(r'class="grid-student">(.*?)<', html) == [names[1]]
    assert f'<option value="{world.other_section.pk}" selected>' in html


def test_students_chosen_in_one_class_narrow_only_that_class(pages: Pages) -> None:
    """Chosen under Students from period 1, they narrow period 1; period 2 shows in full."""
    world = pages.world
    tracker = two_period_tracker(pages)
    classmate = pages.add_students(1)[0]
    display.tracker_students_choose(
        actor=world.teacher, tracker=tracker, chosen=[world.student.pk], pinned=[]
    )
    client = pages.client("teacher")
    url = reverse("tracker_grid", args=[tracker.pk])
    html = client.get(url + f"?section={world.section.pk}").content.decode()
    assert grid_rows(html) == [world.student.sort_name]
    assert "Showing the 1 student chosen under Students." in html
    html = client.get(url + f"?section={world.other_section.pk}").content.decode()
    assert grid_rows(html) == [world.other_student.sort_name]
    assert "chosen under Students" not in html
    html = client.get(url + f"?section={world.section.pk}&students=all").content.decode()
    assert sorted(grid_rows(html)) == sorted([world.student.sort_name, classmate.sort_name])


def test_only_the_owner_and_the_schools_leader_open_the_grid(pages: Pages) -> None:
    assert pages.client("teacher").get(grid_url(pages)).status_code == 200
    assert pages.client("leader").get(grid_url(pages)).status_code == 200  # read-only
    for persona in ("other_teacher", "student", "parent"):
        assert pages.client(persona).get(grid_url(pages)).status_code == 404, persona
    assert Client().get(grid_url(pages)).status_code == 302
    missing = reverse("tracker_grid", args=[pages.tracker.pk + 1000])
    assert pages.client("teacher").get(missing).status_code == 404


def test_archived_tracker_grid_is_read_only(pages: Pages) -> None:
    Tracker.objects.filter(pk=pages.tracker.pk).update(is_archived=True)
    html = pages.client("teacher").get(grid_url(pages)).content.decode()
    assert "Archived · read-only" in html


def test_empty_tracker_says_so(pages: Pages) -> None:
    Enrollment.objects.filter(section=pages.world.section, role="student").update(is_active=False)
    html = pages.client("teacher").get(grid_url(pages)).content.decode()
    assert "No students yet" in html


def fill(pages: Pages, count: int) -> None:
    students = [pages.world.student, *pages.add_students(count - 1)]
    for number, student in enumerate(students):
        for standard in (pages.ratio_1, pages.ratio_2, pages.expressions):
            pages.record(student, standard, number % 5)


@pytest.mark.parametrize("count", [3, 40])
def test_grid_query_count_is_fixed(
    pages: Pages, count: int, django_assert_num_queries: object
) -> None:
    fill(pages, count)
    client = pages.client("teacher")
    client.get(grid_url(pages))  # the first visit stores the colour mode / role in the session
    with django_assert_num_queries(GRID_QUERIES):  # type: ignore[operator]
        response = client.get(grid_url(pages, sort="mastery"))
    assert response.status_code == 200
    assert response.content.decode().count('class="grid-student"') == count


def test_statements_show_as_plain_text(pages: Pages) -> None:
    """A publisher's inline markup is not shown as tags in the headers' tooltips."""
    standard = pages.ratio_1
    standard.full_statement = "Use <em>ratio</em> language."
    standard.abbreviated_statement = ""
    standard.save(update_fields=["full_statement", "abbreviated_statement"])
    html = pages.client("teacher").get(grid_url(pages)).content.decode()
    assert f'title="{standard.human_coding_scheme}: Use ratio language."' in html
    assert "&lt;em&gt;" not in html
