"""The taking pages: who may reach them (only a student, only their own attempts, only
assessments assigned to them), the Test ID box, saves as JSON and as a plain form, bad input
changing nothing, late answers named, no key sent to the page, and the page's query count."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.models import Attempt, Response
from masterly.trackers.services import taking
from tests.assessment_factories import Mastery
from tests.taking.conftest import Online, make_online


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def started(online: Online) -> Attempt:
    return taking.attempt_start(student=online.student, assignment=online.assignment)


def post_json(client: Client, url: str, data: object) -> object:
    return client.post(url, json.dumps(data), content_type="application/json")


def routes(online: Online, attempt: Attempt) -> list[tuple[str, str]]:
    return [
        ("get", reverse("taking:start", args=[online.assignment.pk])),
        ("post", reverse("taking:start", args=[online.assignment.pk])),
        ("get", reverse("taking:attempt", args=[attempt.pk])),
        ("post", reverse("taking:answer", args=[attempt.pk])),
        ("post", reverse("taking:flag", args=[attempt.pk])),
        ("get", reverse("taking:review", args=[attempt.pk])),
        ("post", reverse("taking:submit", args=[attempt.pk])),
    ]


@pytest.mark.parametrize("who", ["other_student", "school_b_student"])
def test_another_student_never_reaches_the_assessment_or_the_attempt(
    online: Online, who: str
) -> None:
    attempt = started(online)
    client = client_for(getattr(online.m.world, who))
    for method, url in routes(online, attempt):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    assert Attempt.objects.count() == 1
    attempt.refresh_from_db()
    assert attempt.submitted_at is None


@pytest.mark.parametrize(
    "who", ["teacher", "other_teacher", "parent", "other_parent", "leader", "other_leader"]
)
def test_staff_and_parents_cannot_take_or_post_answers(online: Online, who: str) -> None:
    attempt = started(online)
    client = client_for(getattr(online.m.world, who))
    for method, url in routes(online, attempt):
        assert getattr(client, method)(url).status_code == 403, (method, url)
    response = post_json(
        client,
        reverse("taking:answer", args=[attempt.pk]),
        {"item": online.placements[0].pk, "choices": [0]},
    )
    assert response.status_code == 403
    assert (
        client.get(reverse("taking:find"), {"test_id": online.assignment.test_id}).status_code
        == 403
    )
    assert not Response.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(online: Online) -> None:
    attempt = started(online)
    client = client_for(None)
    for method, url in routes(online, attempt):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_test_id_opens_the_assessment_however_it_is_typed(online: Online) -> None:
    client = client_for(online.student)
    typed = " " + " ".join(online.assignment.test_id.lower()) + " "
    response = client.get(reverse("taking:find"), {"test_id": typed})
    assert response["Location"] == reverse("taking:start", args=[online.assignment.pk])


def test_a_test_id_not_assigned_to_the_student_reads_as_unknown(mastery: Mastery) -> None:
    online = make_online(mastery)
    stranger = client_for(mastery.world.other_student)  # another section: not assigned
    theirs = stranger.get(reverse("taking:find"), {"test_id": online.assignment.test_id})
    nobody = stranger.get(reverse("taking:find"), {"test_id": "QQQQQQ"})
    assert theirs.status_code == nobody.status_code == 200
    said = [str(m).replace(online.assignment.test_id, "?") for m in theirs.context["messages"]]
    assert said == [str(m).replace("QQQQQQ", "?") for m in nobody.context["messages"]]
    assert "is assigned to you" in said[0]


def test_the_start_page_says_items_time_and_attempts_then_starts(online: Online) -> None:
    client = client_for(online.student)
    page = client.get(reverse("taking:start", args=[online.assignment.pk])).content.decode()
    assert "Unit 1 online" in page and "30 minutes" in page and "1 of 1" in page
    response = client.post(reverse("taking:start", args=[online.assignment.pk]))
    attempt = Attempt.objects.get()
    assert response["Location"] == reverse("taking:attempt", args=[attempt.pk]) + "?item=1"


def test_a_closed_window_refuses_with_a_message(mastery: Mastery) -> None:
    now = timezone.now()
    online = make_online(
        mastery,
        opens_at=now - timezone.timedelta(hours=2),
        closes_at=now - timezone.timedelta(hours=1),
    )
    client = client_for(online.student)
    page = client.get(reverse("taking:start", args=[online.assignment.pk])).content.decode()
    assert "window has closed" in page
    response = client.post(reverse("taking:start", args=[online.assignment.pk]), follow=True)
    assert "window has closed" in response.content.decode()
    assert not Attempt.objects.exists()


def test_the_page_never_carries_the_key(online: Online) -> None:
    attempt = started(online)
    page = client_for(online.student).get(reverse("taking:attempt", args=[attempt.pk]))
    html = page.content.decode()
    assert "3 + 4?" in html and "Equal to 6?" in html
    for secret in ("commutative", "4.29", "is_correct", "correct", "rationale", "Fully"):
        assert secret not in html.lower().replace("item-", ""), secret


def test_a_json_save_keeps_the_answer_and_returns_the_state(online: Online) -> None:
    attempt = started(online)
    client = client_for(online.student)
    url = reverse("taking:answer", args=[attempt.pk])
    pid = online.placements[1].pk  # multiple select
    response = post_json(client, url, {"item": pid, "choices": [0, 2], "current": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["kept"] is True
    assert body["state"]["answers"][str(pid)]["choices"] == [0, 2]
    assert body["state"]["current"] == 2
    assert Response.objects.get(assessment_item_id=pid).choices == 0b101


@pytest.mark.parametrize(
    ("number", "data"),
    [
        (1, {"choices": [0, 1]}),  # two answers to a one-answer item
        (1, {"choices": [7]}),  # no such option
        (1, {"choices": ["x"]}),
        (4, {"number": "twelve"}),
        (4, {"number": "1e400"}),
        (5, {"text": "x" * 501}),
        (1, {"choices": [0], "at": "yesterday"}),
    ],
)
def test_a_bad_answer_is_refused_with_a_message_and_changes_nothing(
    online: Online, number: int, data: dict[str, object]
) -> None:
    attempt = started(online)
    client = client_for(online.student)
    response = post_json(
        client,
        reverse("taking:answer", args=[attempt.pk]),
        {"item": online.placements[number - 1].pk, **data},
    )
    assert response.status_code == 400
    assert response.json()["error"]
    assert not Response.objects.exists()


def test_garbage_and_items_of_other_tests_are_refused(online: Online, mastery: Mastery) -> None:
    attempt = started(online)
    client = client_for(online.student)
    url = reverse("taking:answer", args=[attempt.pk])
    assert client.post(url, b"{not json", content_type="application/json").status_code == 400
    assert post_json(client, url, [1, 2]).status_code == 400
    other = make_online(mastery)
    assert (
        post_json(client, url, {"item": other.placements[0].pk, "choices": [0]}).status_code == 400
    )
    assert not Response.objects.exists()


def test_a_late_answer_is_refused_and_the_page_is_told(online: Online) -> None:
    attempt = started(online)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - taking.grace() - timezone.timedelta(seconds=1)
    )
    client = client_for(online.student)
    response = post_json(
        client,
        reverse("taking:answer", args=[attempt.pk]),
        {"item": online.placements[0].pk, "choices": [0]},
    )
    assert response.status_code == 409
    assert response.json()["late"] is True
    assert response.json()["state"]["submitted"] is True  # the lazy check submitted it
    assert Response.objects.filter(assessment_item=online.placements[0]).get().choices is None


def test_the_plain_form_saves_what_changed_and_moves_on(online: Online) -> None:
    attempt = started(online)
    client = client_for(online.student)
    page = client.get(reverse("taking:attempt", args=[attempt.pk])).context
    items = page["items"]
    first, numeric = items[0], next(i for i in items if i.interaction == "numeric")
    data = {
        "items": [i.placement_id for i in items],
        "current": "1",
        "go": "2",
        f"item-{first.placement_id}-choice": str(first.choices[0].position),
        f"item-{numeric.placement_id}-number": "4.29",
    }
    for item in items:
        data[f"item-{item.placement_id}-was"] = item.fingerprint
        data[f"item-{item.placement_id}-number-label"] = str(item.number)
    response = client.post(reverse("taking:answer", args=[attempt.pk]), data)
    assert response["Location"].endswith("?item=2")
    assert Response.objects.count() == 2  # the untouched items were not written
    assert Response.objects.get(assessment_item_id=numeric.placement_id).number == Decimal("4.29")
    response = client.post(
        reverse("taking:flag", args=[attempt.pk]),
        {**data, "flag_item": f"{first.placement_id}:1", "go": ""},
    )
    assert Response.objects.get(assessment_item_id=first.placement_id).flagged


def test_review_lists_unanswered_and_flagged_and_submit_happens_once(online: Online) -> None:
    attempt = started(online)
    client = client_for(online.student)
    pid = online.placements[0].pk
    post_json(client, reverse("taking:answer", args=[attempt.pk]), {"item": pid, "choices": [0]})
    post_json(client, reverse("taking:flag", args=[attempt.pk]), {"item": pid, "flagged": True})
    review = client.get(reverse("taking:review", args=[attempt.pk])).content.decode()
    assert "6 items not answered" in review and "1 item flagged" in review
    for _ in range(2):  # a double click
        response = client.post(reverse("taking:submit", args=[attempt.pk]))
        assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.submitted_by == "student"
    done = client.get(reverse("taking:attempt", args=[attempt.pk])).content.decode()
    assert "Your answers were submitted" in done


@pytest.mark.parametrize("count", [5, 7])
def test_the_attempt_page_reads_a_fixed_number_of_queries(
    mastery: Mastery, count: int, django_assert_max_num_queries, django_assert_num_queries
) -> None:
    online = make_online(mastery, machine_only=count == 5)
    attempt = started(online)
    client = client_for(online.student)
    client.get(reverse("taking:attempt", args=[attempt.pk]))
    # The student's tools (two queries) are read once, by taking_items, not again by the view.
    with django_assert_num_queries(9):
        assert client.get(reverse("taking:attempt", args=[attempt.pk])).status_code == 200
    # session, user, roles, attempt, item; the write (savepoint, lock, update, read, insert,
    # release); the state returned.
    with django_assert_max_num_queries(12):
        post_json(
            client,
            reverse("taking:answer", args=[attempt.pk]),
            {"item": online.placements[0].pk, "choices": [0]},
        )


def test_the_student_home_has_the_test_id_box(online: Online) -> None:
    page = client_for(online.student).get(reverse("student_home")).content.decode()
    assert 'action="/take/find/"' in page and 'name="test_id"' in page


def test_all_on_one_page_shows_every_item_and_one_per_screen_only_the_current(
    mastery: Mastery,
) -> None:
    online = make_online(mastery, one_item_per_screen=False)
    attempt = started(online)
    client = client_for(online.student)
    html = client.get(reverse("taking:attempt", args=[attempt.pk])).content.decode()
    assert html.count('class="taking-item"') == 7 and " hidden aria-labelledby" not in html
    type(online.assignment).objects.update(one_item_per_screen=True)
    html = client.get(reverse("taking:attempt", args=[attempt.pk]), {"item": 3}).content.decode()
    assert html.count(" hidden aria-labelledby") == 6
    assert 'id="item-3" data-item' in html
    attempt.refresh_from_db()
    assert attempt.current_item == 3  # another device resumes here


def test_the_assign_form_keeps_the_teachers_layout_choice() -> None:
    from masterly.portals.assessments.forms import AssignmentForm

    base = {"opens_at": "2026-10-05T08:00", "closes_at": "2026-10-05T09:00", "attempts_allowed": 1}
    assert AssignmentForm({**base, "one_item_per_screen": "0"}).is_valid()
    form = AssignmentForm({**base, "one_item_per_screen": "0"})
    form.is_valid()
    assert form.cleaned_data["one_item_per_screen"] is False
    form = AssignmentForm(base)
    form.is_valid()
    assert form.cleaned_data["one_item_per_screen"] == ""  # not sent: one per screen


def test_two_devices_the_latest_answer_wins_and_the_other_is_told(online: Online) -> None:
    attempt = started(online)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    laptop, tablet = client_for(online.student), client_for(online.student)
    url = reverse("taking:answer", args=[attempt.pk])
    pid = online.placements[0].pk
    now_ms = int(timezone.now().timestamp() * 1000)
    assert post_json(laptop, url, {"item": pid, "choices": [2], "at": now_ms - 1000}).json()["kept"]
    # The tablet was offline: its answer, given earlier, arrives later and loses.
    late = post_json(tablet, url, {"item": pid, "choices": [1], "at": now_ms - 60_000}).json()
    assert late["kept"] is False
    assert late["state"]["answers"][str(pid)]["choices"] == [2]  # the page redraws it
    assert Response.objects.get(assessment_item_id=pid).choices == 0b100


def test_a_refused_json_save_keeps_the_item_the_student_is_on(online: Online) -> None:
    attempt = started(online)
    client = client_for(online.student)
    url = reverse("taking:answer", args=[attempt.pk])
    numeric = online.placements[3].pk  # item 4
    response = post_json(client, url, {"item": numeric, "number": "twelve", "current": 4})
    assert response.status_code == 400
    assert response.json()["state"]["current"] == 4
    attempt.refresh_from_db()
    assert attempt.current_item == 4  # another device (or a reload) resumes here
    assert not Response.objects.exists()


@pytest.mark.parametrize("go", ["5", "review"])
def test_a_refused_form_save_stays_on_the_current_item(online: Online, go: str) -> None:
    attempt = started(online)
    client = client_for(online.student)
    items = client.get(reverse("taking:attempt", args=[attempt.pk]), {"item": 4}).context["items"]
    numeric = items[3]
    data = {
        "items": [numeric.placement_id],
        "current": "4",
        "go": go,
        f"item-{numeric.placement_id}-number": "twelve",
        f"item-{numeric.placement_id}-was": numeric.fingerprint,
        f"item-{numeric.placement_id}-number-label": "4",
    }
    response = client.post(reverse("taking:answer", args=[attempt.pk]), data)
    assert response["Location"].endswith("?item=4")
    page = client.get(response["Location"]).content.decode()
    assert "Item 4: “twelve” is not a number" in page
    assert 'id="item-4" data-item' in page
    attempt.refresh_from_db()
    assert attempt.current_item == 4
    assert not Response.objects.exists()


def test_the_home_and_a_wrong_test_id_show_the_same_box_keeping_what_was_typed(
    mastery: Mastery,
) -> None:
    client = client_for(mastery.world.student)
    home = client.get(reverse("student_home")).content.decode()
    again = client.get(reverse("taking:find"), {"test_id": "QQ QQ"}).content.decode()
    box = 'class="card test-id-box" role="search" aria-label="Open an assessment by its Test ID"'
    assert box in home and box in again
    assert 'name="test_id" value=""' in home and 'name="test_id" value="QQ QQ"' in again
    assert home.count('id="test-id"') == again.count('id="test-id"') == 1
