"""A new tracker whose first levels are still being calculated says so, with the progress,
instead of showing NS in every cell beside headers that count assessments; a later
recompute says the levels shown are the previous ones; a failed one says so."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from masterly.trackers import services
from masterly.trackers.models import RecomputeRun, Tracker
from masterly.trackers.rollups import run_recompute
from tests.tracker_pages.conftest import Pages

pytestmark = pytest.mark.django_db


def new_tracker_on_old_evidence(pages: Pages) -> Tracker:
    """A second tracker of the class, made after its scores: only its first recompute (queued,
    not yet run) gives it levels."""
    pages.record(pages.world.student, pages.ratio_1, 4)  # 100 % → M
    return services.tracker_create(
        actor=pages.world.teacher,
        name="Period 1 math, second look",
        owner=pages.world.teacher,
        sections=[pages.world.section],
        curriculum_map=pages.curriculum_map,
    )


def grid_html(pages: Pages, tracker: Tracker) -> str:
    response = pages.client("teacher").get(reverse("tracker_grid", args=[tracker.pk]))
    assert response.status_code == 200
    return response.content.decode()


def body_cells(html: str) -> list[str]:
    """The text of each cell of the grid's rows (its visible part)."""
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return re.findall(r'<a class="cell[^"]*"[^>]*>([^<]*)<span', body)


def test_a_new_tracker_says_its_levels_are_being_calculated(pages: Pages) -> None:
    tracker = new_tracker_on_old_evidence(pages)
    run = RecomputeRun.objects.get(tracker=tracker)

    html = grid_html(pages, tracker)
    assert "Mastery is being calculated for this new tracker:" in html
    assert "waiting to start." in html
    assert set(body_cells(html)) == {"…"}  # not NS: nothing is calculated yet
    assert 'class="grid-distribution"' not in html  # no "everyone at NS" tally either
    assert "being calculated, 6.RP.A.1" in html
    assert reverse("trackers:recompute_progress", args=[tracker.pk, run.pk]) in html
    groups = pages.client("teacher").get(
        reverse("tracker_reteach_groups", args=[tracker.pk, pages.ratio_1.pk])
    )
    assert "Mastery is being calculated for this new tracker:" in groups.content.decode()
    assert "are listed under Not assessed" in groups.content.decode()

    # Halfway (what the worker writes after each batch).
    Tracker.objects.filter(pk=tracker.pk).update(rollup_generation=1)
    RecomputeRun.objects.filter(pk=run.pk).update(
        status=RecomputeRun.Status.RUNNING, generation=1, total_cells=3, done_cells=1
    )
    html = grid_html(pages, tracker)
    assert "<span data-recompute-percent>33 %</span> done." in html
    assert '<progress max="100" value="33"' in html

    # The worker runs it from the start (the halfway state above was only written).
    Tracker.objects.filter(pk=tracker.pk).update(rollup_generation=0)
    RecomputeRun.objects.filter(pk=run.pk).update(status=RecomputeRun.Status.QUEUED)
    run_recompute(run.pk)
    html = grid_html(pages, tracker)
    assert "being calculated" not in html and "data-recompute-url" not in html
    assert body_cells(html) == ["M", "NS", "NS"]
    assert 'class="grid-distribution"' in html


def test_a_recompute_of_an_older_tracker_keeps_its_levels_on_show(pages: Pages) -> None:
    pages.record(pages.world.student, pages.ratio_1, 4)
    services.tracker_recompute(actor=pages.world.teacher, tracker=pages.tracker, reason="test")
    html = grid_html(pages, pages.tracker)
    assert "Mastery is being recalculated:" in html
    assert "Until it is done, the levels shown are the previous ones." in html
    assert body_cells(html) == ["M", "NS", "NS"]


def test_a_failed_recompute_is_told(pages: Pages) -> None:
    run = services.tracker_recompute(
        actor=pages.world.teacher, tracker=pages.tracker, reason="test"
    )
    RecomputeRun.objects.filter(pk=run.pk).update(
        status=RecomputeRun.Status.FAILED, error="OperationalError: disk full"
    )
    html = grid_html(pages, pages.tracker)
    assert "Mastery could not be recalculated." in html
    assert "data-recompute-url" not in html  # nothing to follow: it has ended
    assert body_cells(html) == ["NS", "NS", "NS"]
