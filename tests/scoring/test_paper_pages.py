"""The pages: the paper score sheet, the item analysis and the key correction."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.assessments.models import Evidence, EvidenceRevision, KeyCorrection, Response
from tests.scoring.conftest import Paper, add_students
from tests.scoring.test_paper_scores import RIGHT, row, save


def url(paper: Paper, name: str, *extra: int) -> str:
    return reverse(name, args=[paper.m.tracker.pk, paper.assessment.pk, *extra])


def as_user(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def sheet_post(paper: Paper, typed: dict[int, str]) -> dict[str, str]:
    student = paper.m.world.student
    data = {}
    for n, placement in enumerate(paper.placements, start=1):
        key = f"{student.pk}-{placement.pk}"
        data[f"cell-{key}"] = typed.get(n, "")
        data[f"shown-{key}"] = ""
    return data


def test_the_sheet_saves_every_answer_as_a_plain_form(client: Client, paper: Paper) -> None:
    as_user(client, paper.m.world.teacher)
    response = client.post(url(paper, "paper_scores"), sheet_post(paper, row(RIGHT)))
    assert response.status_code == 302
    assert Evidence.objects.filter(assessment=paper.assessment).count() == 2
    page = client.get(url(paper, "paper_scores")).content.decode()
    assert 'value="AB"' in page and 'value="2 1"' in page and 'value="T"' in page
    assert "6.RP.A.2: 5/6" in page


def test_the_trackers_list_of_assessments_says_each_ones_kind(client: Client, paper: Paper) -> None:
    as_user(client, paper.m.world.teacher)
    page = client.get(reverse("quick_check_list", args=[paper.m.tracker.pk])).content.decode()
    title = page.index(paper.assessment.title)
    assert "Paper test" in page[title : page.index("</tr>", title)]
    assert url(paper, "assessment_analysis") in page


def test_a_bad_cell_is_shown_and_nothing_saved(client: Client, paper: Paper) -> None:
    as_user(client, paper.m.world.teacher)
    response = client.post(url(paper, "paper_scores"), sheet_post(paper, row(RIGHT) | {1: "E"}))
    assert response.status_code == 400
    name = paper.m.world.student.sort_name
    assert (
        f"Row {name}, item 1: &#x27;E&#x27; is not a choice; choose A–C."
        in response.content.decode()
    )
    assert 'value="E"' in response.content.decode()
    assert not Response.objects.exists() and not Evidence.objects.exists()


def test_the_sheet_reads_the_same_queries_for_a_small_and_a_large_class(
    client: Client, paper: Paper, django_assert_num_queries: Any
) -> None:
    as_user(client, paper.m.world.teacher)
    save(paper, row(RIGHT))
    client.get(url(paper, "paper_scores"))
    with CaptureQueriesContext(connection) as small:
        client.get(url(paper, "paper_scores"))
    for student in add_students(paper.m, 30):
        save(paper, row(RIGHT), student=student)
    with django_assert_num_queries(len(small)):
        assert client.get(url(paper, "paper_scores")).status_code == 200


def test_the_analysis_reads_the_same_queries_for_a_small_and_a_large_class(
    client: Client, paper: Paper, django_assert_num_queries: Any
) -> None:
    as_user(client, paper.m.world.leader)
    save(paper, row(RIGHT))
    client.get(url(paper, "assessment_analysis"))
    with CaptureQueriesContext(connection) as small:
        page = client.get(url(paper, "assessment_analysis"))
    assert "Percent correct" in page.content.decode()
    for student in add_students(paper.m, 30):
        save(paper, row(RIGHT), student=student)
    with django_assert_num_queries(len(small)):
        assert client.get(url(paper, "assessment_analysis")).status_code == 200


def test_a_leader_reads_the_sheet_but_cannot_save_it(client: Client, paper: Paper) -> None:
    # Leaders see their school's trackers read-only (issue 15): the sheet without its form.
    as_user(client, paper.m.world.leader)
    page = client.get(url(paper, "paper_scores"))
    assert page.status_code == 200
    assert "Save scores" not in page.content.decode()
    assert client.post(url(paper, "paper_scores"), sheet_post(paper, row(RIGHT))).status_code == 403
    assert not Response.objects.exists()


@pytest.mark.parametrize("who", ["other_teacher", "student", "parent"])
def test_only_scorers_open_the_sheet(client: Client, paper: Paper, who: str) -> None:
    as_user(client, getattr(paper.m.world, who))
    assert client.get(url(paper, "paper_scores")).status_code == 404
    assert client.post(url(paper, "paper_scores"), sheet_post(paper, row(RIGHT))).status_code == 404
    assert not Response.objects.exists()


@pytest.mark.parametrize("who", ["other_teacher", "other_leader", "student", "parent"])
def test_the_analysis_is_refused_to_others(client: Client, paper: Paper, who: str) -> None:
    as_user(client, getattr(paper.m.world, who))
    assert client.get(url(paper, "assessment_analysis")).status_code == 404


def test_an_archived_tracker_shows_the_sheet_read_only(client: Client, paper: Paper) -> None:
    paper.m.tracker.is_archived = True
    paper.m.tracker.save()
    as_user(client, paper.m.world.teacher)
    assert "readonly" in client.get(url(paper, "paper_scores")).content.decode()
    assert client.post(url(paper, "paper_scores"), sheet_post(paper, row(RIGHT))).status_code == 403
    assert not Response.objects.exists()


def test_a_key_is_corrected_after_a_preview(client: Client, paper: Paper) -> None:
    save(paper, row(RIGHT))
    as_user(client, paper.m.world.teacher)
    key_url = url(paper, "key_correction", paper.placements[0].pk)
    assert client.get(key_url).status_code == 200
    preview = client.post(key_url, {"correct": "1", "step": "preview"})
    assert "Rescoring changes the points of 1 student on this item" in preview.content.decode()
    assert not KeyCorrection.objects.exists() and EvidenceRevision.objects.count() == 2
    done = client.post(key_url, {"correct": "1", "step": "confirm"})
    assert done.status_code == 302
    evidence = Evidence.objects.get(standard=paper.m.standard_a)
    assert evidence.points_earned == 5
    assert evidence.revisions.last().reason == "rescored: key of item 1 corrected"  # type: ignore[union-attr]


def test_a_bad_key_correction_is_named(client: Client, paper: Paper) -> None:
    save(paper, row(RIGHT))
    as_user(client, paper.m.world.teacher)
    page = client.post(
        url(paper, "key_correction", paper.placements[3].pk),
        {"numeric_answer": "four", "numeric_tolerance": "0", "step": "confirm"},
    )
    assert page.status_code == 400
    assert "&#x27;four&#x27; is not a number" in page.content.decode()
    assert not KeyCorrection.objects.exists()
