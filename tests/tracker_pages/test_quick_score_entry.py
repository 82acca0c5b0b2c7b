"""Quick checks and quick score entry: points typed per student, mastery follows at once;
bad points and stale saves are refused with a clear message and nothing written."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from masterly.assessments.models import Assessment, Evidence, EvidenceRevision
from masterly.core.models import AuditEvent
from masterly.standards.models import Standard
from masterly.trackers.models import Rollup, TrackerAssessment
from masterly.trackers.services.scoring import quick_check_create
from masterly.trackers.services.sharing import collaborator_add
from tests.tracker_pages.conftest import DAY, Pages

pytestmark = pytest.mark.django_db


def make_quick_check(pages: Pages, *standards: Standard) -> Assessment:
    return quick_check_create(
        actor=pages.world.teacher,
        tracker=pages.tracker,
        title="Ratios exit ticket",
        assessed_on=DAY,
        standards=[*standards] or [pages.ratio_1],
        points_possible=4,
    )


def score_url(pages: Pages, check: Assessment) -> str:
    return reverse("quick_score", args=[pages.tracker.pk, check.pk])


def post_score(
    pages: Pages, check: Assessment, points: str, version: int, persona: str = "teacher"
) -> HttpResponse:
    return pages.client(persona).post(
        score_url(pages, check),
        {
            "student": pages.world.student.pk,
            "standard": pages.ratio_1.pk,
            "points": points,
            "version": version,
        },
    )


def database_state() -> tuple[int, int, int, list[tuple[object, ...]]]:
    return (
        Evidence.objects.count(),
        EvidenceRevision.objects.count(),
        AuditEvent.objects.count(),
        list(Rollup.objects.order_by("id").values_list("level", "score", "evidence_count")),
    )


def test_teacher_creates_a_quick_check_from_the_form(pages: Pages) -> None:
    response = pages.client("teacher").post(
        reverse("quick_check_new", args=[pages.tracker.pk]),
        {
            "title": "Unit rates check",
            "assessed_on": DAY.isoformat(),
            "points_possible": "4",
            "standards": [pages.ratio_1.pk, pages.ratio_2.pk],
        },
    )
    check = Assessment.objects.get(title="Unit rates check")
    assert response.status_code == 302
    assert response["Location"] == reverse("quick_check_scores", args=[pages.tracker.pk, check.pk])
    assert check.kind == Assessment.Kind.QUICK_CHECK
    assert set(check.standards.all()) == {pages.ratio_1, pages.ratio_2}
    assert TrackerAssessment.objects.filter(tracker=pages.tracker, assessment=check).exists()


def test_quick_check_form_errors_create_nothing(pages: Pages) -> None:
    url = reverse("quick_check_new", args=[pages.tracker.pk])
    client = pages.client("teacher")
    response = client.post(url, {"title": "", "assessed_on": "", "standards": []})
    text = response.content.decode()
    assert response.status_code == 400
    assert "Give the quick check a title." in text
    assert "Give the date it was given." in text
    assert "Choose at least one standard it assesses." in text
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        url,
        {
            "title": "Tomorrow's check",
            "assessed_on": future.isoformat(),
            "points_possible": "4",
            "standards": [pages.ratio_1.pk],
        },
    )
    assert response.status_code == 400
    assert f"The assessed date {future.isoformat()} is in the future" in response.content.decode()
    assert Assessment.objects.count() == 0
    assert not TrackerAssessment.objects.exists()


def test_a_typed_score_saves_and_recolours_the_level(pages: Pages) -> None:
    check = make_quick_check(pages)
    response = post_score(pages, check, "4", 0)
    data = response.json()
    assert response.status_code == 200
    assert data["ok"] is True
    assert (data["points"], data["version"], data["level"], data["score"]) == (
        "4",
        1,
        "M",
        "100.00 %",
    )
    evidence = Evidence.objects.get(assessment=check, student=pages.world.student)
    assert (evidence.points_earned, evidence.points_possible) == (Decimal(4), Decimal(4))
    assert evidence.source == "manual"
    assert evidence.entered_by == pages.world.teacher
    assert data["colour_class"] == "lc-2e7d32"  # the page's stylesheet colours it
    rollup = Rollup.objects.get(tracker=pages.tracker, student=pages.world.student)
    assert rollup.level == "M"

    # A correction is an edit (with history), and the level follows at once.
    data = post_score(pages, check, "1", 1).json()
    assert (data["points"], data["version"], data["level"]) == ("1", 2, "R")
    assert EvidenceRevision.objects.filter(evidence=evidence).count() == 2

    # An emptied cell removes the score: kept in history, the cell is not assessed again.
    data = post_score(pages, check, "", 2).json()
    assert (data["points"], data["level"]) == ("", "NS")
    evidence.refresh_from_db()
    assert evidence.is_deleted
    assert not Rollup.objects.filter(tracker=pages.tracker, student=pages.world.student).exists()


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("5", "Points earned (5.00) cannot be more than points possible (4.00)."),
        ("-1", "Points earned cannot be negative (got -1)."),
        ("four", "Points earned must be a number such as 3 or 2.5 (got 'four')."),
        ("1.255", "Points earned can have at most 2 decimal places (got 1.255)."),
    ],
)
def test_bad_points_are_refused_on_that_cell_and_nothing_changes(
    pages: Pages, points: str, message: str
) -> None:
    check = make_quick_check(pages)
    post_score(pages, check, "3", 0)
    before = database_state()
    response = post_score(pages, check, points, 1)
    assert response.status_code == 400
    assert response.json() == {"ok": False, "error": message}
    assert database_state() == before


def test_the_second_of_two_editors_is_refused_with_the_current_value(pages: Pages) -> None:
    check = make_quick_check(pages)
    post_score(pages, check, "2", 0)  # both teachers opened the page at version 1 after this
    assert post_score(pages, check, "3", 1).status_code == 200  # the first saves
    before = database_state()
    response = post_score(pages, check, "4", 1)  # the second still had version 1
    data = response.json()
    assert response.status_code == 409
    assert data["ok"] is False
    assert "Someone else saved this score since you opened the page: it is now 3." in data["error"]
    assert (data["points"], data["version"]) == ("3", 2)
    assert database_state() == before


def test_two_first_scores_for_an_empty_cell_do_not_both_land(pages: Pages) -> None:
    check = make_quick_check(pages)
    assert post_score(pages, check, "2", 0).status_code == 200
    response = post_score(pages, check, "4", 0)  # also saw "no score"
    assert response.status_code == 409
    assert Evidence.objects.filter(assessment=check).count() == 1


def test_the_whole_column_saves_without_javascript(pages: Pages) -> None:
    check = make_quick_check(pages, pages.ratio_1, pages.ratio_2)
    student = pages.world.student
    url = reverse("quick_check_scores", args=[pages.tracker.pk, check.pk])
    page = pages.client("teacher").get(url)
    assert page.status_code == 200
    assert f'name="points-{student.pk}-{pages.ratio_1.pk}"' in page.content.decode()
    response = pages.client("teacher").post(
        url,
        {
            f"points-{student.pk}-{pages.ratio_1.pk}": "3",
            f"version-{student.pk}-{pages.ratio_1.pk}": "0",
            f"shown-{student.pk}-{pages.ratio_1.pk}": "",
            f"points-{student.pk}-{pages.ratio_2.pk}": "9",
            f"version-{student.pk}-{pages.ratio_2.pk}": "0",
            f"shown-{student.pk}-{pages.ratio_2.pk}": "",
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "1 score was not saved" in text
    assert "Points earned (9.00) cannot be more than points possible (4.00)." in text
    assert 'value="9"' in text  # what was typed stays in the cell to correct
    saved = Evidence.objects.get(assessment=check, standard=pages.ratio_1)
    assert saved.points_earned == Decimal(3)
    assert not Evidence.objects.filter(assessment=check, standard=pages.ratio_2).exists()


def test_only_owner_and_collaborators_enter_scores(pages: Pages) -> None:
    check = make_quick_check(pages)
    before = database_state()
    assert post_score(pages, check, "3", 0, persona="other_teacher").status_code == 404
    assert post_score(pages, check, "3", 0, persona="student").status_code == 404
    assert database_state() == before
    collaborator_add(
        actor=pages.world.teacher, tracker=pages.tracker, teacher=pages.world.other_teacher
    )
    response = post_score(pages, check, "3", 0, persona="other_teacher")
    assert response.status_code == 200
    assert Evidence.objects.get(assessment=check).entered_by == pages.world.other_teacher


def test_archived_tracker_takes_no_scores(pages: Pages) -> None:
    check = make_quick_check(pages)
    pages.tracker.is_archived = True
    pages.tracker.save(update_fields=["is_archived"])
    before = database_state()
    assert post_score(pages, check, "3", 0).status_code == 403
    assert database_state() == before


def test_entry_page_query_count_is_the_same_for_3_and_40_students(pages: Pages) -> None:
    check = make_quick_check(pages, pages.ratio_1, pages.ratio_2)
    url = reverse("quick_check_scores", args=[pages.tracker.pk, check.pk])
    client = pages.client("teacher")
    client.get(url)  # the session's first-request work is not what is measured
    counts = []
    for more in (2, 37):  # world.section has one student: 3, then 40
        pages.add_students(more, prefix=f"batch{more}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append((len(response.context["rows"]), len(queries)))
    assert [rows for rows, _ in counts] == [3, 40]
    assert counts[0][1] == counts[1][1]
