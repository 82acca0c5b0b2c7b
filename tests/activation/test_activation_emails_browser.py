"""In a real browser: the leader opens a school's activation emails from its letters page,
sees the count, confirms, and reads the summary; both pages pass axe."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from masterly.reports.activation_emails import activation_emails_send
from tests.browser.conftest import (  # noqa: F401 - fixtures
    _browser_test_setup,
    browser,
    page,
    screenshot,
    serious_violations,
)
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def _no_serious(page: Any) -> None:  # noqa: F811 - the fixture's name
    found = serious_violations(page)
    assert not found, "axe found serious or critical problems:\n" + "\n".join(found)


def test_the_leader_confirms_and_reads_the_summary(page: Any, world: World) -> None:  # noqa: F811
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill("leader")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")
    page.goto(f"/activation/letters/{world.school.pk}/")
    page.get_by_role("link", name="Email every guardian who has an email address").click()
    page.wait_for_load_state("networkidle")
    assert "2 guardians will get an email." in page.content()
    screenshot(page, "activation-emails-confirm")
    _no_serious(page)
    page.get_by_role("button", name="Send 2 emails").click()
    page.wait_for_load_state("networkidle")
    run_id = page.url.rstrip("/").split("/")[-1]
    if "Finished." not in page.content():  # the database queue: run the task as the worker does
        activation_emails_send.call(run_id, "http://testserver")
        page.reload()
    assert "Finished." in page.content() and len(mail.outbox) == 2
    screenshot(page, "activation-emails-summary")
    _no_serious(page)
