"""Who may open each Reports route: a guardian only their linked child, a student only
themself, nobody else (other families, other students, teachers of the school, anonymous)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from masterly.accounts.models import User
from masterly.roster.models import AcademicSession
from tests.assessment_factories import Mastery

pytestmark = pytest.mark.django_db

FAMILY_ROUTES = [
    "family_report_current",
    "family_report_current_print",
    "family_report_timeline",
    "family_report_timeline_print",
    "family_report_notes",
    "family_report_notes_print",
    "family_report_terms",
]
STUDENT_ROUTES = [
    "student_report_current",
    "student_report_current_print",
    "student_report_timeline",
    "student_report_timeline_print",
    "student_report_terms",
]


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _term(scored: Mastery) -> AcademicSession:
    return scored.world.section.terms.get()


def _family_urls(scored: Mastery, student: User) -> list[str]:
    kwargs = {"student_id": student.pk, "tracker_id": scored.tracker.pk}
    term = {"term_id": _term(scored).pk}
    return [reverse(name, kwargs=kwargs) for name in FAMILY_ROUTES] + [
        reverse("family_report_term_print", kwargs={**kwargs, **term}),
        reverse("family_report_term_pdf", kwargs={**kwargs, **term}),
    ]


def _student_urls(scored: Mastery) -> list[str]:
    kwargs = {"tracker_id": scored.tracker.pk}
    term = {"term_id": _term(scored).pk}
    return [reverse(name, kwargs=kwargs) for name in STUDENT_ROUTES] + [
        reverse("student_report_term_print", kwargs={**kwargs, **term}),
        reverse("student_report_term_pdf", kwargs={**kwargs, **term}),
    ]


def test_the_parent_opens_every_report_of_their_child(scored: Mastery) -> None:
    client = _client(scored.world.parent)
    for url in _family_urls(scored, scored.world.student):
        response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize(
    "who", ["other_parent", "teacher", "other_teacher", "leader", "other_leader", "student"]
)
def test_nobody_else_opens_a_childs_family_reports(scored: Mastery, who: str) -> None:
    client = _client(getattr(scored.world, who))
    for url in _family_urls(scored, scored.world.student):
        assert client.get(url).status_code == 404, url


def test_a_parent_cannot_reach_another_child_through_their_own_id(scored: Mastery) -> None:
    # other_student is in the shared tracker, not in this one; and is not the parent's child.
    client = _client(scored.world.parent)
    kwargs = {"student_id": scored.world.other_student.pk, "tracker_id": scored.shared.pk}
    assert client.get(reverse("family_report_current", kwargs=kwargs)).status_code == 404


def test_a_tracker_the_child_is_not_in_is_not_found(scored: Mastery) -> None:
    other = scored.shared
    other.tracker_sections.filter(section=scored.world.section).delete()
    client = _client(scored.world.parent)
    kwargs = {"student_id": scored.world.student.pk, "tracker_id": other.pk}
    assert client.get(reverse("family_report_current", kwargs=kwargs)).status_code == 404


def test_anonymous_is_sent_to_sign_in(scored: Mastery) -> None:
    for url in [*_family_urls(scored, scored.world.student), *_student_urls(scored)]:
        response = _client(None).get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


def test_the_student_opens_their_own_reports(scored: Mastery) -> None:
    client = _client(scored.world.student)
    for url in _student_urls(scored):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["other_student", "school_b_student", "parent", "teacher"])
def test_nobody_else_opens_the_student_reports_of_a_tracker_they_are_not_in(
    scored: Mastery, who: str
) -> None:
    client = _client(getattr(scored.world, who))
    for url in _student_urls(scored):
        assert client.get(url).status_code == 404, url


def test_students_see_no_notes_page(scored: Mastery) -> None:
    client = _client(scored.world.student)
    kwargs = {"student_id": scored.world.student.pk, "tracker_id": scored.tracker.pk}
    assert client.get(reverse("family_report_notes", kwargs=kwargs)).status_code == 404


def test_a_term_of_another_class_is_not_found(scored: Mastery) -> None:
    from tests.factories import TermFactory

    stranger = TermFactory(title="Not this class's term")
    client = _client(scored.world.parent)
    kwargs = {
        "student_id": scored.world.student.pk,
        "tracker_id": scored.tracker.pk,
        "term_id": stranger.pk,
    }
    assert client.get(reverse("family_report_term_pdf", kwargs=kwargs)).status_code == 404
