"""The tracker list: the teacher's trackers with percent assessed; nobody else's."""

from __future__ import annotations

import pytest
from django.urls import reverse

from masterly.trackers.models import Tracker
from tests.tracker_pages.conftest import Pages


def test_owner_sees_tracker_with_map_sections_and_percent_assessed(pages: Pages) -> None:
    pages.record(pages.world.student, pages.ratio_1, 4)
    response = pages.client("teacher").get(reverse("tracker_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Period 1 math" in html
    assert "Grade 6 math" in html
    assert "Math 6 - Period 1" in html
    assert "Not linked" in html
    assert "33 %" in html  # one of three standards has evidence
    assert "1 of 3" in html


def test_the_teacher_home_is_their_current_trackers(pages: Pages) -> None:
    pages.record(pages.world.student, pages.ratio_1, 4)
    html = pages.client("teacher").get(reverse("teacher_home")).content.decode()
    assert f'href="{reverse("tracker_grid", args=[pages.tracker.pk])}">Period 1 math</a>' in html
    assert "1 of 3" in html
    Tracker.objects.filter(pk=pages.tracker.pk).update(is_archived=True)
    html = pages.client("teacher").get(reverse("teacher_home")).content.decode()
    assert "Period 1 math" not in html  # archived ones are a click away, on the list
    assert "No trackers yet" in html
    other = pages.client("other_teacher").get(reverse("teacher_home")).content.decode()
    assert "Period 1 math" not in other


def test_evidence_of_a_student_outside_the_tracker_does_not_count(pages: Pages) -> None:
    pages.record(pages.world.other_student, pages.ratio_1, 4)
    html = pages.client("teacher").get(reverse("tracker_list")).content.decode()
    assert "0 %" in html


def test_archived_and_canvas_trackers_are_listed_apart(pages: Pages) -> None:
    Tracker.objects.filter(pk=pages.tracker.pk).update(is_archived=True, is_linked_to_canvas=True)
    html = pages.client("teacher").get(reverse("tracker_list")).content.decode()
    assert "No trackers yet" in html  # no current tracker
    assert "Archived · read-only" in html
    assert "Linked to Canvas" in html


def test_other_teacher_does_not_see_it(pages: Pages) -> None:
    response = pages.client("other_teacher").get(reverse("tracker_list"))
    assert response.status_code == 200
    assert "Period 1 math" not in response.content.decode()
    assert "No trackers yet" in response.content.decode()


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_parents_have_no_tracker_list(pages: Pages, persona: str) -> None:
    assert pages.client(persona).get(reverse("tracker_list")).status_code == 403


def test_signed_out_goes_to_sign_in(pages: Pages) -> None:
    from django.test import Client

    response = Client().get(reverse("tracker_list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_list_query_count_does_not_grow_with_trackers(pages: Pages) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = pages.client("teacher")
    client.get(reverse("tracker_list"))  # the first visit remembers the role acted in
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("tracker_list"))
    for number in range(5):
        Tracker.objects.create(name=f"Extra {number}", owner=pages.world.teacher)
    with CaptureQueriesContext(connection) as six:
        client.get(reverse("tracker_list"))
    assert len(one.captured_queries) == len(six.captured_queries)


def test_nav_and_teacher_home_link_to_trackers(pages: Pages) -> None:
    html = pages.client("teacher").get(reverse("teacher_home")).content.decode()
    assert html.count(f'href="{reverse("tracker_list")}"') >= 2
