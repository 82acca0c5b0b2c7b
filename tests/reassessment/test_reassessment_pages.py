"""The pages: the scoring queue, the tracker's requests, one more attempt for a group, and
the student's request form, with who may and who may not (the access matrix)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.assessments.models import Evidence, Response
from masterly.trackers.assignments import Assignment
from masterly.trackers.models import AttemptGrant, ReassessmentRequest, RequestStatus
from masterly.trackers.services.reassessment import reassessment_request
from masterly.trackers.services.sharing import collaborator_add
from tests.reassessment.conftest import SHORT_ANSWER, queued
from tests.scoring.conftest import Paper, add_students

Waiting = tuple[Paper, Response, Response]
OUTSIDERS = ["other_teacher", "other_leader", "student", "other_student", "parent"]


def client_for(paper: Paper, person: str | None) -> Client:
    client = Client()
    if person:
        client.force_login(getattr(paper.m.world, person))
    return client


def queue_url(paper: Paper, **query: str) -> str:
    url = reverse("scoring_queue", args=[paper.m.tracker.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def ask(paper: Paper) -> ReassessmentRequest:
    return reassessment_request(
        student=paper.m.world.student,
        tracker=paper.m.tracker,
        reason="I redid the practice.",
        standard=paper.m.standard_a,
    )


# ------------------------------------------------------------------ the scoring queue


def test_the_queue_shows_the_answers_escaped_and_scores_them_without_javascript(
    waiting: Waiting,
) -> None:
    paper, short, essay = waiting
    client = client_for(paper, "teacher")
    page = client.get(queue_url(paper)).content.decode()
    assert "A ratio compares two quantities &lt;b&gt;by division&lt;/b&gt;." in page
    assert SHORT_ANSWER not in page  # the student's markup is never markup
    assert 'name="level-1"' in page and "Fully" in page and "autofocus" in page
    response = client.post(queue_url(paper), {"response": short.pk, "points": "2"})
    assert response.status_code == 302
    response = client.post(
        queue_url(paper, by="student"),
        {"response": essay.pk, "criteria": "2", "level-0": "2", "level-1": "1"},
    )
    assert response.status_code == 302
    assert Evidence.objects.filter(assessment=paper.assessment).count() == 2
    assert "Nothing to score" in client.get(queue_url(paper)).content.decode()


def test_a_bad_score_is_named_and_nothing_saved(waiting: Waiting) -> None:
    paper, short, _essay = waiting
    response = client_for(paper, "teacher").post(
        queue_url(paper), {"response": short.pk, "points": "9"}
    )
    assert response.status_code == 400
    assert "Give points from 0 to 2." in response.content.decode()
    assert 'value="9"' in response.content.decode()
    short.refresh_from_db()
    assert short.points is None


def test_the_grid_counts_what_waits(waiting: Waiting) -> None:
    paper, _short, _essay = waiting
    ask(paper)
    page = client_for(paper, "teacher").get(reverse("tracker_grid", args=[paper.m.tracker.pk]))
    text = page.content.decode()
    assert "2 answers to score" in text and "1 reassessment request" in text
    leader = client_for(paper, "leader").get(reverse("tracker_grid", args=[paper.m.tracker.pk]))
    assert "answers to score" not in leader.content.decode()


def test_the_queue_reads_the_same_queries_for_a_small_and_a_large_class(
    waiting: Waiting, django_assert_num_queries: Any
) -> None:
    paper, _short, _essay = waiting
    client = client_for(paper, "teacher")
    client.get(queue_url(paper))
    with CaptureQueriesContext(connection) as small:
        client.get(queue_url(paper))
    for student in add_students(paper.m, 20):
        queued(paper, student)
    with django_assert_num_queries(len(small)):
        page = client.get(queue_url(paper))
    assert page.content.decode().count("data-queue-entry") == 42


@pytest.mark.parametrize("person", ["teacher", "collaborator", "leader"])
def test_the_trackers_teachers_and_leaders_open_the_queue(waiting: Waiting, person: str) -> None:
    paper, short, _essay = waiting
    if person == "collaborator":
        collaborator_add(
            actor=paper.m.world.teacher,
            tracker=paper.m.tracker,
            teacher=paper.m.world.other_teacher,
        )
        person = "other_teacher"
    client = client_for(paper, person)
    page = client.get(queue_url(paper)).content.decode()
    assert "&lt;b&gt;by division" in page
    assert ('name="points"' in page) == (person != "leader")
    status = client.post(queue_url(paper), {"response": short.pk, "points": "1"}).status_code
    assert status == (403 if person == "leader" else 302)


@pytest.mark.parametrize("person", OUTSIDERS)
def test_nobody_else_opens_or_scores_the_queue(waiting: Waiting, person: str) -> None:
    paper, short, _essay = waiting
    client = client_for(paper, person)
    assert client.get(queue_url(paper)).status_code == 404
    assert client.post(queue_url(paper), {"response": short.pk, "points": "1"}).status_code == 404
    short.refresh_from_db()
    assert short.points is None


def test_anonymous_is_sent_to_sign_in(waiting: Waiting) -> None:
    paper, _short, _essay = waiting
    client = client_for(paper, None)
    for url in (
        queue_url(paper),
        reverse("tracker_reassessments", args=[paper.m.tracker.pk]),
        reverse("tracker_grant_attempts", args=[paper.m.tracker.pk]),
        reverse("my_reassessments"),
        reverse("reassessment_new", args=[paper.m.tracker.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# ------------------------------------------------------------------ requests


def test_a_student_asks_from_the_form_and_reads_the_answer(paper: Paper) -> None:
    client = client_for(paper, "student")
    url = reverse("reassessment_new", args=[paper.m.tracker.pk])
    page = client.get(url + f"?standard={paper.m.standard_a.pk}").content.decode()
    assert f'value="standard-{paper.m.standard_a.pk}" selected' in page
    data = {"target": f"standard-{paper.m.standard_a.pk}", "reason": "I practised."}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400 and "already asked" in again.content.decode()
    asked = ReassessmentRequest.objects.get()
    assert asked.student == paper.m.world.student
    teacher = client_for(paper, "teacher")
    decide = reverse("tracker_reassessment_decide", args=[paper.m.tracker.pk, asked.pk])
    teacher.post(decide, {"action": "decline", "note": "Do the practice set first."})
    mine = client.get(reverse("my_reassessments")).content.decode()
    assert "Declined" in mine and "Do the practice set first." in mine


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"target": "standard-999999", "reason": "x"}, "Choose a standard or an assessment."),
        ({"target": "", "reason": "x"}, "Choose a standard or an assessment."),
        ({"target": "standard-{a}", "reason": ""}, "Say in a few words"),
        ({"target": "standard-{a}", "reason": "x" * 301}, "300 characters"),
    ],
)
def test_a_bad_request_is_named_and_nothing_saved(
    paper: Paper, data: dict[str, str], message: str
) -> None:
    data = {k: v.replace("{a}", str(paper.m.standard_a.pk)) for k, v in data.items()}
    response = client_for(paper, "student").post(
        reverse("reassessment_new", args=[paper.m.tracker.pk]), data
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not ReassessmentRequest.objects.exists()


@pytest.mark.parametrize(
    ("person", "status"),
    [("other_student", 404), ("school_b_student", 404), ("teacher", 403), ("parent", 403)],
)
def test_only_the_trackers_students_ask_in_it(paper: Paper, person: str, status: int) -> None:
    client = client_for(paper, person)
    url = reverse("reassessment_new", args=[paper.m.tracker.pk])
    assert client.get(url).status_code == status
    data = {"target": f"standard-{paper.m.standard_a.pk}", "reason": "me too"}
    assert client.post(url, data).status_code == status
    assert not ReassessmentRequest.objects.exists()


def test_a_student_reads_only_their_own_requests(paper: Paper) -> None:
    ask(paper)
    assert (
        "I redid the practice."
        in client_for(paper, "student").get(reverse("my_reassessments")).content.decode()
    )
    other = client_for(paper, "other_student").get(reverse("my_reassessments"))
    assert "I redid the practice." not in other.content.decode()


def test_the_teacher_approves_from_the_list(paper: Paper) -> None:
    asked = ask(paper)
    client = client_for(paper, "teacher")
    page = client.get(reverse("tracker_reassessments", args=[paper.m.tracker.pk])).content.decode()
    assert "I redid the practice." in page and "Unit 1 test" in page
    decide = reverse("tracker_reassessment_decide", args=[paper.m.tracker.pk, asked.pk])
    done = client.post(
        decide, {"action": "approve", "assessment": paper.assessment.pk}, follow=True
    )
    # Never given to the class: given to the student alone, and the teacher reads its Test ID.
    alone = Assignment.objects.get(student=paper.m.world.student)
    assert f"is given to {paper.m.world.student.display_name} alone" in done.content.decode()
    assert f"Test ID {alone.test_id}." in done.content.decode()
    asked.refresh_from_db()
    assert asked.status == RequestStatus.APPROVED
    assert AttemptGrant.objects.get().request == asked


@pytest.mark.parametrize(
    ("person", "reads", "decides"),
    [
        ("leader", 200, 403),
        ("other_teacher", 404, 404),
        ("other_leader", 404, 404),
        ("student", 404, 404),
        ("parent", 404, 404),
    ],
)
def test_who_reads_and_decides_requests(
    paper: Paper, person: str, reads: int, decides: int
) -> None:
    asked = ask(paper)
    client = client_for(paper, person)
    page = client.get(reverse("tracker_reassessments", args=[paper.m.tracker.pk]))
    assert page.status_code == reads
    if reads == 200:
        assert "I redid the practice." in page.content.decode()
        assert "Approve" not in page.content.decode()
    decide = reverse("tracker_reassessment_decide", args=[paper.m.tracker.pk, asked.pk])
    assert client.post(decide, {"action": "decline", "note": "no"}).status_code == decides
    grant = reverse("tracker_grant_attempts", args=[paper.m.tracker.pk])
    assert client.get(grant).status_code in {403, 404}
    asked.refresh_from_db()
    assert asked.is_pending


def test_a_group_gets_one_more_attempt_from_the_reteach_groups(paper: Paper) -> None:
    client = client_for(paper, "teacher")
    groups = client.get(
        reverse("tracker_reteach_groups", args=[paper.m.tracker.pk, paper.m.standard_a.pk])
    ).content.decode()
    assert "One more attempt for this group" in groups
    url = reverse("tracker_grant_attempts", args=[paper.m.tracker.pk])
    student = paper.m.world.student
    page = client.get(url + f"?student={student.pk}").content.decode()
    assert f'value="{student.pk}" data-check-group="grant" checked' in page
    refused = client.post(url, {"student": [student.pk]})
    assert refused.status_code == 400 and not AttemptGrant.objects.exists()
    other = client.post(
        url, {"student": [paper.m.world.other_student.pk], "assessment": paper.assessment.pk}
    )
    assert other.status_code == 400 and not AttemptGrant.objects.exists()
    done = client.post(url, {"student": [student.pk], "assessment": paper.assessment.pk})
    assert done.status_code == 302
    assert AttemptGrant.objects.get().student == student
    assert AttemptGrant.objects.get().assessment == paper.assessment


def test_the_requests_page_reads_the_same_queries_for_few_and_many_requests(
    paper: Paper, django_assert_num_queries: Any
) -> None:
    client = client_for(paper, "teacher")
    url = reverse("tracker_reassessments", args=[paper.m.tracker.pk])
    ask(paper)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for student in add_students(paper.m, 15):
        for standard in (paper.m.standard_a, paper.m.standard_b):
            reassessment_request(
                student=student, tracker=paper.m.tracker, reason="again", standard=standard
            )
    with django_assert_num_queries(len(few)):
        page = client.get(url)
    assert page.content.decode().count('name="action" value="approve"') == 31


def test_a_spanish_speaking_student_reads_what_each_request_is_about(paper: Paper) -> None:
    """The column of the standard or assessment asked about is "Sobre" (about) in Spanish:
    it shared the item versions' "On" (a date), "Fecha", above standards and titles."""
    ask(paper)
    student = paper.m.world.student
    student.preferred_language = "es"
    student.save(update_fields=["preferred_language"])
    page = client_for(paper, "student").get(reverse("my_reassessments")).content.decode()
    assert '<th scope="col">Sobre</th>' in page
    assert '<th scope="col">Fecha</th>' not in page
