"""In a real browser, a student takes an online test: with the keyboard alone (Test ID,
start, answer, navigate, flag, review, submit); through a lost connection (answers queued
on the page, sent when it returns, all kept after a reload); and until time runs out (the
server submits what was saved). axe finds nothing serious on the taking pages."""

from __future__ import annotations

import datetime
import re
import time
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from masterly.assessments.models import Attempt, Response
from masterly.trackers.services import taking
from tests.assessment_factories import Mastery, mastery  # noqa: F401 - a fixture
from tests.browser.conftest import screenshot
from tests.browser.test_browser_sign_in import assert_no_serious_violations, sign_in
from tests.taking.conftest import Online, make_online

pytestmark = pytest.mark.browser

SAVED = "All answers saved"


def wait_status(page: Any, starting: str) -> None:
    # A locator, not wait_for_function: the page's policy forbids evaluating strings.
    from playwright.sync_api import expect

    expect(page.locator("[data-save-status]")).to_have_text(re.compile("^" + re.escape(starting)))


def expect_focused(locator: Any) -> None:
    """Focus moved by a key's click lands after the key press returns: check until it does."""
    from playwright.sync_api import expect

    expect(locator).to_be_focused()


def wait_saved(page: Any) -> None:
    wait_status(page, SAVED)


def eventually(check: Any, seconds: float = 10) -> None:
    """Wait for the page's save to reach the database (it is sent in the background)."""
    ends = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < ends, "the answer never reached the server"
        time.sleep(0.1)


def back_online_and_reload(page: Any) -> None:
    """The connection returns: the queued answers are sent, then the page is drawn again."""
    page.context.set_offline(False)
    wait_saved(page)
    page.reload()
    page.wait_for_load_state("networkidle")


def answers(attempt: Attempt) -> dict[int, Response]:
    return {r.assessment_item_id: r for r in Response.objects.filter(attempt=attempt)}


def start_attempt(page: Any, online: Online) -> Attempt:
    sign_in(page, "student")
    page.goto(reverse("taking:start", args=[online.assignment.pk]))
    with page.expect_navigation():
        page.get_by_role("button", name="Start").click()
    page.wait_for_load_state("networkidle")
    return Attempt.objects.get(student=online.student)


def test_a_student_takes_a_test_with_the_keyboard_alone(
    page: Any,
    mastery: Mastery,  # noqa: F811
) -> None:
    online = make_online(mastery)
    sign_in(page, "student")
    page.goto(reverse("taking:find"))
    page.get_by_role("textbox", name="Test ID").focus()
    page.keyboard.type(online.assignment.test_id.lower())
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Unit 1 online"
    assert_no_serious_violations(page)
    screenshot(page, "taking-start")
    page.get_by_role("button", name="Start").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    attempt = Attempt.objects.get(student=online.student)

    # Item 1 (one answer): the first option, with the space bar.
    page.locator("#item-1-A").focus()
    page.keyboard.press("Space")
    wait_saved(page)
    assert_no_serious_violations(page)
    screenshot(page, "taking-item-1")
    page.get_by_role("button", name="Save and next").first.focus()
    page.keyboard.press("Enter")
    # Focus moves to the next item's heading (checked until it does: see the demo walk).
    expect_focused(page.locator("#item-2-title"))
    # Item 2 (every answer that is right): A and B.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    wait_saved(page)
    # Flag it, then jump to item 4 with the navigator.
    page.locator("#item-2 [data-flag]").focus()
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Item 4, not answered").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.type("4.29")
    placements = [p.pk for p in online.placements]
    eventually(lambda: placements[3] in answers(attempt))
    wait_saved(page)
    assert page.get_by_role("button", name="Item 2, answered, flagged").is_visible()
    screenshot(page, "taking-item-4-navigator")

    saved = answers(attempt)
    assert saved[placements[0]].choices == 0b1
    assert saved[placements[1]].choices == 0b11 and saved[placements[1]].flagged
    assert saved[placements[3]].number == Decimal("4.29")

    page.get_by_role("button", name="Review and submit").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "4 items not answered" in page.content() and "1 item flagged" in page.content()
    assert_no_serious_violations(page)
    screenshot(page, "taking-review")
    page.get_by_role("button", name="Submit my answers").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "Your answers were submitted" in page.content()
    assert_no_serious_violations(page)
    attempt.refresh_from_db()
    assert attempt.submitted_by == "student"
    assert answers(attempt)[placements[0]].points == Decimal(1)


def test_answers_given_offline_are_sent_when_the_connection_returns(
    page: Any,
    mastery: Mastery,  # noqa: F811
) -> None:
    online = make_online(mastery)
    attempt = start_attempt(page, online)
    page.locator("#item-1-B").check()
    wait_saved(page)

    page.context.set_offline(True)
    page.get_by_role("button", name="Save and next").first.click()
    page.locator("#item-2-C").check()
    page.get_by_role("button", name="Item 4, not answered").click()
    page.get_by_label("Item 4: your answer (a number)").fill("12.5")
    wait_status(page, "Not yet saved: 2")
    screenshot(page, "taking-offline")
    assert len(answers(attempt)) == 1

    back_online_and_reload(page)
    wait_saved(page)
    saved = answers(attempt)
    placements = [p.pk for p in online.placements]
    assert saved[placements[0]].choices == 0b10
    assert saved[placements[1]].choices == 0b100
    assert saved[placements[3]].number == Decimal("12.5")
    # The reload resumes on the item the student was on, with every answer shown.
    assert page.locator("#item-4").is_visible()
    assert page.get_by_label("Item 4: your answer (a number)").input_value() == "12.5"
    page.get_by_role("button", name="Item 2, answered").click()
    assert page.locator("#item-2-C").is_checked()


def test_when_time_runs_out_the_server_submits_what_was_saved(
    page: Any,
    mastery: Mastery,  # noqa: F811
    settings: Any,
) -> None:
    settings.TAKING_GRACE_SECONDS = 0
    online = make_online(mastery)
    attempt = start_attempt(page, online)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() + datetime.timedelta(seconds=4)
    )
    page.reload()
    page.locator("#item-1-A").check()
    wait_saved(page)
    page.wait_for_selector("[data-submitted]", timeout=15_000)
    assert "Time ran out" in page.content()
    screenshot(page, "taking-time-ran-out")
    assert_no_serious_violations(page)
    attempt.refresh_from_db()
    assert attempt.submitted_by == "time"
    assert answers(attempt)[online.placements[0].pk].points == Decimal(1)
    assert taking.grace() == datetime.timedelta(0)
