"""The headers of Masterly's answers: pages holding student data are never kept by the browser
(``Cache-Control: no-store`` for every signed-in person), every page carries the
Content-Security-Policy, Permissions-Policy and Referrer-Policy, and the level-colour
stylesheet is the one thing a signed-in person may cache (it holds colours only)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from masterly.trackers.services.scoring import quick_check_create
from tests.tracker_pages import conftest as tracker_pages
from tests.tracker_pages.conftest import DAY, Pages

pages = tracker_pages.pages  # the fixture: a teacher's tracker on a curriculum map

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self' https://accounts.google.com https://clever.com"
)


def _directives(header: str) -> dict[str, str]:
    return dict(part.strip().partition(" ")[::2] for part in header.split(";"))


def _student_data_pages(pages: Pages) -> dict[str, tuple[str, str]]:
    """Pages holding student data: who opens them, and where."""
    world, tracker = pages.world, pages.tracker
    quick_check = quick_check_create(
        actor=world.teacher,
        tracker=tracker,
        title="Ratios check",
        assessed_on=DAY,
        standards=[pages.ratio_1],
        points_possible=4,
    )
    cell = [tracker.pk, world.student.pk, pages.ratio_1.pk]
    return {
        "grid": ("teacher", reverse("tracker_grid", args=[tracker.pk])),
        "CSV export": ("teacher", reverse("tracker_export", args=[tracker.pk])),
        "cell": ("teacher", reverse("tracker_cell", args=cell)),
        "quick check": (
            "teacher",
            reverse("quick_check_scores", args=[tracker.pk, quick_check.pk]),
        ),
        "class": ("teacher", reverse("section_detail", args=[world.section.pk])),
        "student's own page": ("student", reverse("student_detail", args=[world.student.pk])),
        "student home": ("student", reverse("student_home")),
        "family home": ("parent", reverse("family_home")),
        "family's child": ("parent", reverse("student_detail", args=[world.student.pk])),
        "leader home": ("leader", reverse("leader_home")),
        "admin site": ("admin", reverse("admin:accounts_user_change", args=[world.student.pk])),
    }


def test_pages_holding_student_data_are_never_stored(pages: Pages) -> None:
    pages.record(pages.world.student, pages.ratio_1, 4)
    for name, (persona, url) in _student_data_pages(pages).items():
        response = pages.client(persona).get(url)
        assert response.status_code == 200, name
        directives = {d.strip() for d in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= directives, (name, response["Cache-Control"])
        assert "public" not in directives, name


def test_the_csv_export_is_not_stored_and_is_a_download(pages: Pages) -> None:
    response = pages.client("teacher").get(reverse("tracker_export", args=[pages.tracker.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]


def test_every_page_carries_the_policies(pages: Pages) -> None:
    for client, url in [
        (Client(), reverse("account_login")),
        (pages.client("teacher"), reverse("tracker_grid", args=[pages.tracker.pk])),
    ]:
        response = client.get(url)
        assert _directives(response["Content-Security-Policy"]) == _directives(POLICY)
        assert "camera=()" in response["Permissions-Policy"]
        assert "microphone=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]
        assert "speaker" not in response["Permissions-Policy"]  # read-aloud stays possible
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_a_page_for_anyone_is_not_forced_to_no_store(db: None) -> None:
    response = Client().get(reverse("about"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_level_colour_stylesheet_defines_a_class_per_colour(pages: Pages) -> None:
    url = reverse("level_colours", args=["2e7d32-f9a825"])
    for client in (Client(), pages.client("teacher")):  # the same for everyone: colours only
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "text/css; charset=utf-8"
        assert response.content.decode().splitlines() == [
            ".lc-2e7d32 { --cell-bg: #2e7d32; --cell-fg: #FFFFFF; }",
            ".lc-f9a825 { --cell-bg: #f9a825; --cell-fg: #000000; }",
        ]
        assert "public" in response["Cache-Control"]
        assert "immutable" in response["Cache-Control"]


@pytest.mark.parametrize(
    "address",
    [
        "/trackers/colours/2E7D32.css",  # upper case: one spelling per colour
        "/trackers/colours/2e7d3.css",
        "/trackers/colours/2e7d32;}body{display:none.css",
        "/trackers/colours/red.css",
        "/trackers/colours/.css",
        "/trackers/colours/" + "-".join(["2e7d32"] * 33) + ".css",  # more than one sheet holds
    ],
)
def test_the_stylesheet_route_admits_only_colours(db: None, address: str) -> None:
    assert Client().get(address).status_code == 404


def test_the_grid_links_the_stylesheet_of_its_colours_and_has_no_style_attribute(
    pages: Pages,
) -> None:
    pages.record(pages.world.student, pages.ratio_1, 4)
    html = pages.client("teacher").get(reverse("tracker_grid", args=[pages.tracker.pk]))
    text = html.content.decode()
    # The three-level scale's traffic-light colours, and "not assessed" grey.
    colours = reverse("level_colours", args=["2e7d32-9e9e9e-c62828-f9a825"])
    assert f'<link rel="stylesheet" href="{colours}">' in text
    assert 'class="cell level-m lc-2e7d32"' in text
    assert "style=" not in text
