"""A school leader (and a district admin) reads their schools' trackers and changes nothing:
the pages offer them no control that writes, and every write address refuses them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.assessments.models import Evidence
from masterly.core.models import AuditEvent
from masterly.roster.models import Section
from masterly.trackers import services
from masterly.trackers.models import Override, RecomputeRun, Tracker
from masterly.trackers.selectors.tracker_list import OVERSEEN_PAGE_SIZE
from masterly.trackers.services.scoring import quick_check_create
from tests import factories as f
from tests.tracker_pages.conftest import DAY, Pages, text, url

OVERSEERS = ("leader", "admin")
# Session, user, roles; the filters' schools, teachers and courses; the count, the page, its
# classes and its assessed standards.
LIST_QUERIES = 10


def changes() -> tuple[int, ...]:
    return (
        AuditEvent.objects.count(),
        Evidence.objects.count(),
        Override.objects.count(),
        RecomputeRun.objects.count(),
        sum(Tracker.objects.values_list("settings_version", flat=True)),
    )


@pytest.fixture
def quick_check(pages: Pages) -> int:
    assessment = quick_check_create(
        actor=pages.world.teacher,
        tracker=pages.tracker,
        title="Ratios check",
        assessed_on=DAY,
        standards=[pages.ratio_1],
        points_possible=4,
    )
    return assessment.pk


@pytest.mark.parametrize("persona", OVERSEERS)
def test_every_write_address_refuses_an_overseer(
    pages: Pages, quick_check: int, persona: str
) -> None:
    tracker, student, standard = pages.tracker.pk, pages.world.student.pk, pages.ratio_1.pk
    client = pages.client(persona)
    before = changes()
    posts = {
        "tracker_students": ({"action": "save", "chosen": [student]}, [tracker]),
        "tracker_standards": ({"action": "save", "shown": [standard]}, [tracker]),
        "tracker_tools": ({"action": "save"}, [tracker]),
        "tracker_settings": ({"action": "default", "confirm": "yes"}, [tracker]),
        "tracker_more": ({"action": "add", "teacher": pages.world.leader.pk}, [tracker]),
        "quick_check_new": ({"title": "Mine", "assessed_on": "2026-09-01"}, [tracker]),
        "quick_check_scores": ({f"score-{student}-{standard}": "4"}, [tracker, quick_check]),
        "quick_score": (
            {"student": student, "standard": standard, "value": "4"},
            [tracker, quick_check],
        ),
        "tracker_cell": ({"level": "M", "reason": "Because"}, [tracker, student, standard]),
        "tracker_create": ({"name": "Mine", "sections": [pages.world.section.pk]}, []),
    }
    for name, (data, args) in posts.items():
        response = client.post(reverse(name, args=args), data)
        assert response.status_code == 403, (name, response.status_code)
    assert client.get(reverse("quick_check_new", args=[tracker])).status_code == 403
    assert changes() == before


@pytest.mark.parametrize("persona", OVERSEERS)
def test_the_pages_offer_an_overseer_no_control_that_writes(
    pages: Pages, quick_check: int, persona: str
) -> None:
    pages.record(pages.world.student, pages.ratio_1, 4)
    client = pages.client(persona)
    grid = text(client.get(url("tracker_grid", pages)))
    assert "Period 1 math" in grid and pages.world.student.sort_name in grid
    assert reverse("quick_check_new", args=[pages.tracker.pk]) not in grid
    assert "Enter scores" not in grid and "Quick checks" in grid
    assert reverse("tracker_settings", args=[pages.tracker.pk]) not in grid  # the buttons
    cell = client.get(
        reverse("tracker_cell", args=[pages.tracker.pk, pages.world.student.pk, pages.ratio_1.pk])
    )
    assert cell.status_code == 200 and not cell.context["can_override"]
    assert 'name="reason"' not in text(cell)
    scores = client.get(reverse("quick_check_scores", args=[pages.tracker.pk, quick_check]))
    assert scores.status_code == 200 and not scores.context["can_score"]
    assert "Save scores" not in text(scores)
    settings = text(client.get(url("tracker_settings", pages)))
    assert "Only the tracker's owner changes its settings" in settings
    assert 'value="save"' not in settings
    export = client.get(url("tracker_export", pages))
    assert export.status_code == 200
    assert pages.world.student.sort_name in export.content.decode()


def test_the_leader_list_filters_by_school_teacher_and_course(pages: Pages) -> None:
    client = pages.client("admin")
    world = pages.world
    response = client.get(reverse("tracker_list"))
    assert [r.tracker.name for r in response.context["page"].object_list] == ["Period 1 math"]
    shown = ["Period 1 math"]
    filters: list[tuple[dict[str, object], list[str]]] = [
        ({"school": world.school.pk}, shown),
        ({"school": world.school_b.pk}, []),
        ({"teacher": world.teacher.pk}, shown),
        ({"teacher": world.other_teacher.pk}, []),
        ({"course": world.section.course_id}, shown),
        ({"course": "not-an-id"}, shown),  # ignored
    ]
    for query, expected in filters:
        response = client.get(reverse("tracker_list"), query)
        assert [r.tracker.name for r in response.context["page"].object_list] == expected, query
    page = text(response)
    assert "Adams Middle" in page and "Brooks Middle" in page  # the school filter's choices
    assert world.teacher.display_name in page  # the teacher column


def _school_trackers(pages: Pages, count: int) -> None:
    """``count`` more trackers at the leader's school, each on a class of its own."""
    for number in range(count):
        section = f.SectionFactory(course=pages.world.section.course, title=f"Section {number:03d}")
        assert isinstance(section, Section)
        services.tracker_create(
            actor=None,
            name=f"Tracker {number:03d}",
            owner=pages.world.other_teacher,
            sections=[section],
            standards=[pages.ratio_1, pages.ratio_2],
        )


@pytest.mark.parametrize("count", [2, OVERSEEN_PAGE_SIZE + 5])
def test_the_leader_list_runs_the_same_queries_for_a_small_and_a_large_school(
    pages: Pages, count: int
) -> None:
    _school_trackers(pages, count)
    client = pages.client("leader")
    client.get(reverse("tracker_list"))  # the session remembers the role
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("tracker_list"))
    assert response.status_code == 200
    shown = min(count + 1, OVERSEEN_PAGE_SIZE)
    assert len(response.context["page"].object_list) == shown
    assert len(queries) == LIST_QUERIES, [q["sql"][:120] for q in queries.captured_queries]
    if count > OVERSEEN_PAGE_SIZE:
        assert "Page 1 of 2" in text(response)
        second = client.get(reverse("tracker_list"), {"page": 2})
        assert len(second.context["page"].object_list) == count + 1 - OVERSEEN_PAGE_SIZE
