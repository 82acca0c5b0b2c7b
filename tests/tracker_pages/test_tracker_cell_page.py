"""A cell's drill-down: its evidence, the calculation's steps, and the override form."""

from __future__ import annotations

import datetime

from django.urls import reverse

from masterly.trackers.models import Override, Rollup, Tracker
from tests.assessment_factories import AssessmentFactory
from tests.tracker_pages.conftest import Pages


def cell_url(pages: Pages, student_id: int | None = None, standard_id: int | None = None) -> str:
    return reverse(
        "tracker_cell",
        args=[
            pages.tracker.pk,
            student_id or pages.world.student.pk,
            standard_id or pages.ratio_1.pk,
        ],
    )


def test_drill_down_shows_evidence_steps_and_explanation(pages: Pages) -> None:
    quiz = AssessmentFactory(title="Ratio quiz 1")
    pages.record(
        pages.world.student, pages.ratio_1, 1, on=datetime.date(2026, 9, 1), assessment=quiz
    )
    pages.record(pages.world.student, pages.ratio_1, 2, on=datetime.date(2026, 9, 8))
    pages.record(pages.world.student, pages.ratio_1, 3, on=datetime.date(2026, 9, 15))
    pages.record(pages.world.student, pages.ratio_1, 4, on=datetime.date(2026, 9, 22))
    response = pages.client("teacher").get(cell_url(pages))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ratio quiz 1" in html
    assert "2026-09-22" in html
    assert "1 / 4" in html and "4 / 4" in html
    assert "Entered by hand" in html
    assert "Decaying average" in html
    assert '<ol class="calc-steps">' in html
    assert html.count("<li>", html.index("calc-steps")) >= 4
    assert "s4 = 0.35 × 63.1875 + 0.65 × 100 = 87.115625" in html
    assert "score 87.12 %" in html  # 1, 2, 3, 4 of 4, decaying average (d = 0.65)
    assert "Mastery" in html
    assert reverse("standards_standard", args=[pages.ratio_1.pk]) in html
    assert "Power standard" in html


def test_not_assessed_cell_says_so(pages: Pages) -> None:
    html = pages.client("teacher").get(cell_url(pages)).content.decode()
    assert "No evidence yet" in html
    assert "Not assessed" in html


def test_override_through_the_form_then_clear_it(pages: Pages) -> None:
    pages.record(pages.world.student, pages.ratio_1, 1)
    client = pages.client("teacher")
    response = client.post(
        cell_url(pages), {"action": "set", "level": "M", "reason": "Explained it to me in class"}
    )
    assert response.status_code == 302
    rollup = Rollup.objects.get(tracker=pages.tracker, student=pages.world.student)
    assert (rollup.level, rollup.computed_level, rollup.is_overridden) == ("M", "R", True)
    html = client.get(cell_url(pages)).content.decode()
    assert "Overridden by the teacher" in html
    assert "Explained it to me in class" in html
    assert "in force" in html
    response = client.post(cell_url(pages), {"action": "clear", "clear_reason": "Retest due"})
    assert response.status_code == 302
    rollup.refresh_from_db()
    assert (rollup.level, rollup.is_overridden) == ("R", False)
    html = client.get(cell_url(pages)).content.decode()
    assert "Overridden by the teacher" not in html
    assert "Retest due" in html  # the history keeps it
    assert Override.objects.filter(tracker=pages.tracker).count() == 1


def test_override_needs_a_level_and_a_reason(pages: Pages) -> None:
    client = pages.client("teacher")
    response = client.post(cell_url(pages), {"action": "set", "level": "X", "reason": " "})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a level." in html
    assert "Say why" in html
    assert not Override.objects.exists()


def test_archived_tracker_has_no_override_form(pages: Pages) -> None:
    Tracker.objects.filter(pk=pages.tracker.pk).update(is_archived=True)
    client = pages.client("teacher")
    html = client.get(cell_url(pages)).content.decode()
    assert "archived and read-only" in html
    assert 'name="reason"' not in html
    response = client.post(cell_url(pages), {"action": "set", "level": "M", "reason": "x"})
    assert response.status_code == 403
    assert not Override.objects.exists()


def test_cells_outside_the_tracker_or_of_others_are_404(pages: Pages) -> None:
    teacher = pages.client("teacher")
    # a student who is not in the tracker, a standard that is not in it
    assert teacher.get(cell_url(pages, student_id=pages.world.other_student.pk)).status_code == 404
    from tests.assessment_factories import StandardFactory

    stray = StandardFactory()
    assert teacher.get(cell_url(pages, standard_id=stray.pk)).status_code == 404
    for persona in ("other_teacher", "student", "parent"):
        client = pages.client(persona)
        assert client.get(cell_url(pages)).status_code == 404, persona
        response = client.post(cell_url(pages), {"action": "set", "level": "M", "reason": "x"})
        assert response.status_code == 404, persona
    assert not Override.objects.exists()


def test_cell_query_count_does_not_grow_with_evidence(pages: Pages) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = pages.client("teacher")
    pages.record(pages.world.student, pages.ratio_1, 1)
    client.get(cell_url(pages))
    with CaptureQueriesContext(connection) as one:
        client.get(cell_url(pages))
    for earned in (2, 3, 4, 1, 2, 3, 4):
        pages.record(pages.world.student, pages.ratio_1, earned, assessment=AssessmentFactory())
    with CaptureQueriesContext(connection) as eight:
        client.get(cell_url(pages))
    assert len(one.captured_queries) == len(eight.captured_queries)
