"""In Chromium, every page each role reaches passes the Content-Security-Policy: starting from
the sign-in page and each person's home, every link is followed (each route once) and the
browser reports no violation and no Permissions-Policy error; every page carries the policy,
and a signed-in person's pages ``Cache-Control: no-store``. The watch itself is shown to catch
a violation, so a silent run means the pages passed."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from masterly.integrations.case.models import CaseImportRun
from masterly.integrations.oneroster.models import ImportRun
from masterly.trackers import services
from masterly.trackers.services.paper_scores import paper_scores_save
from masterly.trackers.services.scoring import quick_check_create
from tests.browser.conftest import policy_violations
from tests.browser.test_browser_sign_in import sign_in
from tests.scoring.conftest import make_paper
from tests.tracker_pages import conftest as tracker_pages
from tests.tracker_pages.conftest import DAY, Pages

pytestmark = pytest.mark.browser
pages = tracker_pages.pages  # the fixture: a teacher's tracker on a curriculum map

# Links not followed: they sign out, switch language or role, or download a file.
NOT_FOLLOWED = re.compile(r"/logout/|/i18n/|/role/|\.csv$|\.json$|\.zip$|\.pdf$")
# The admin site alone has hundreds of routes; this many pages reach each model's list, forms
# and history with room to spare (the count is asserted, so a cut-short crawl shows).
PAGE_BUDGET = 250
_ID = re.compile(r"\d+|[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}")
HOMES = {
    "teacher": "teacher_home",
    "student": "student_home",
    "parent": "family_home",
    "leader": "leader_home",
    "admin": "district_home",
}
# Pages no link leads to: a person's own account and two-factor settings; the admin site.
ACCOUNT_PAGES = ["account_change_password", "mfa_index", "mfa_activate_totp"]


def _route(url: str) -> str:
    """``/trackers/N/cells/N/N/``: a page's route, its ids and query left out."""
    segments = urlsplit(url).path.split("/")
    return "/".join("N" if _ID.fullmatch(segment) else segment for segment in segments)


def crawl(page: Any, starts: list[str], *, signed_in: bool) -> list[str]:
    """Visit ``starts`` and every same-site page linked from them, one page per route; assert
    each page's headers and that no policy was broken. Returns the routes visited."""
    origin = urlsplit(starts[0]).netloc
    queue = list(starts)
    routes: list[str] = []
    while queue and len(routes) < PAGE_BUDGET:
        url = queue.pop(0)
        route = _route(url)
        if route in routes or NOT_FOLLOWED.search(urlsplit(url).path):
            continue
        routes.append(route)
        response = page.goto(url)
        assert response is not None and response.ok, f"{url}: {response and response.status}"
        headers = response.headers
        assert "script-src 'self'" in headers["content-security-policy"], url
        assert "permissions-policy" in headers, url
        if signed_in:
            assert "no-store" in headers.get("cache-control", ""), url
        links = page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)")
        queue += [link for link in links if urlsplit(link).netloc == origin]
        assert not policy_violations(page), f"on {url}:\n" + "\n".join(policy_violations(page))
    return routes


@pytest.fixture
def school_year(pages: Pages) -> Pages:
    """The tracker pages' world with what every page shows filled in: scores, an override, a
    quick check, and a finished roster and standards import."""
    world = pages.world
    pages.record(world.student, pages.ratio_1, 4)
    pages.record(world.student, pages.expressions, 1)
    services.override_set(
        actor=world.teacher,
        tracker=pages.tracker,
        student=world.student,
        standard=pages.ratio_2,
        level="NM",
        reason="Shown in class",
    )
    quick_check_create(
        actor=world.teacher,
        tracker=pages.tracker,
        title="Ratios check",
        assessed_on=DAY,
        standards=[pages.ratio_1, pages.ratio_2],
        points_possible=4,
    )
    # A paper test with a student's answers: its score sheet, item analysis and key pages.
    paper, placements = make_paper(world.teacher, pages.tracker, pages.ratio_1, pages.ratio_2)
    paper_scores_save(
        actor=world.teacher,
        tracker=pages.tracker,
        assessment=paper,
        cells={(world.student.pk, p.pk): "-" for p in placements},
    )
    ImportRun.objects.create(filename="district.zip", status=ImportRun.Status.SUCCEEDED)
    CaseImportRun.objects.create(
        source_name="standards.json", status=CaseImportRun.Status.SUCCEEDED
    )
    return pages


def test_signed_out_pages_pass_the_policy(page: Any, live_server: Any) -> None:
    page.goto(reverse("account_login"))
    routes = crawl(page, [page.url], signed_in=False)
    assert "/accounts/login/" in routes and "/accounts/password/reset/" in routes


@pytest.mark.parametrize("persona", sorted(HOMES))
def test_every_page_of_each_role_passes_the_policy(
    page: Any, live_server: Any, school_year: Pages, persona: str
) -> None:
    sign_in(page, persona)
    site = live_server.url
    starts = [page.url] + [site + reverse(name) for name in ACCOUNT_PAGES]
    if persona == "admin":
        starts.append(site + reverse("admin:index"))
    if persona == "teacher":  # linked from the grid only while a recompute runs
        run = school_year.tracker.recompute_runs.latest("pk")
        starts.append(
            site + reverse("trackers:recompute_progress", args=[school_year.tracker.pk, run.pk])
        )
    routes = crawl(page, starts, signed_in=True)
    assert len(routes) < PAGE_BUDGET, "the crawl was cut short; raise PAGE_BUDGET"
    assert reverse(HOMES[persona]) in routes
    if persona == "teacher":
        tracker = "/trackers/N/"
        assert {tracker, tracker + "cells/N/N/", tracker + "quick-checks/N/"} <= set(routes)
        paper = tracker + "assessments/N/"
        assert {paper + "responses/", paper + "analysis/", paper + "items/N/key/"} <= set(routes)
        assert tracker + "recompute/N/" in routes
    if persona == "admin":
        assert {"/admin/", "/oneroster/runs/N/", "/admin/accounts/user/N/change/"} <= set(routes)


def test_the_watch_catches_a_violation(page: Any, school_year: Pages) -> None:
    """A style attribute set from a script is refused and reported (then cleared, so the
    page fixture's own check at the end passes)."""
    sign_in(page, "teacher")
    page.goto(reverse("tracker_grid", args=[school_year.tracker.pk]))
    page.evaluate("document.body.setAttribute('style', 'outline: 5px solid red')")
    page.wait_for_function("document.readyState === 'complete'")
    page.wait_for_timeout(200)
    found = policy_violations(page)
    assert any("style-src-attr blocked inline" in line for line in found), found
    found.clear()
