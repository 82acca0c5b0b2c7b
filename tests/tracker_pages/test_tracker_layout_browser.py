"""In Debian's Chromium at 1366×900 and 390×844: the grid, score-entry and tracker-list pages
never scroll sideways as a whole (only their tables do, in their own box), and their tables
start on the first screen; the grid's names and headers stay put while it scrolls; on paper
the grid keeps every standard, with the students' names and the legend on every page; a new
tracker's grid says its levels are being calculated and shows them when they are; statements'
<em> is formatting. axe finds nothing serious on these pages at either size."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from masterly.accounts.models import User
from masterly.assessments.models import Assessment
from masterly.standards.models import Standard
from masterly.trackers import services
from masterly.trackers.models import Tracker
from masterly.trackers.rollups import run_recompute
from masterly.trackers.services.scoring import quick_check_create
from tests.browser.conftest import (  # noqa: F401 - the autouse fixture of browser tests
    _browser_test_setup,
    _new_page,
    in_ci,
    screenshot,
)
from tests.queued_tasks import run_queued_tasks
from tests.tracker_pages.conftest import DAY, Pages, make_map
from tests.tracker_pages.test_tracker_grid_computing import new_tracker_on_old_evidence
from tests.tracker_pages.test_tracker_pages_browser import assert_accessible, sign_in

pytestmark = pytest.mark.browser

SIZES = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
UNITS = ["Ratios and Proportional Relationships", "The Number System", "Expressions"]


@dataclass
class Wide:
    """A tracker as wide as a real one: 30 standards in three units, 40 students."""

    tracker: Tracker
    standards: list[Standard]
    students: list[User]
    quick_check: Assessment


def wide_tracker(pages: Pages, *, students: int = 40) -> Wide:
    from tests.assessment_factories import FrameworkFactory, StandardFactory

    framework = FrameworkFactory()
    units = [
        (
            title,
            [
                StandardFactory(framework=framework, human_coding_scheme=f"7.U{unit}.{n}")
                for n in range(1, 11)
            ],
        )
        for unit, title in enumerate(UNITS, start=1)
    ]
    curriculum_map = make_map(pages.world, units, title="Grade 7 math")
    pupils = [pages.world.student, *pages.add_students(students - 1)]
    tracker = services.tracker_create(
        actor=pages.world.teacher,
        name="Grade 7 math, all periods",
        owner=pages.world.teacher,
        sections=[pages.world.section],
        curriculum_map=curriculum_map,
    )
    standards = [standard for _, unit in units for standard in unit]
    run_recompute(tracker.recompute_runs.get().pk)
    quick_check = quick_check_create(
        actor=pages.world.teacher,
        tracker=tracker,
        title="Unit 1 check",
        assessed_on=DAY,
        standards=standards[:6],
        points_possible=4,
    )
    for number, pupil in enumerate(pupils):
        for standard in (standards[number % 30], standards[(number * 7) % 30], standards[-1]):
            pages.record(pupil, standard, number % 5)
    return Wide(tracker, standards, pupils, quick_check)


@pytest.fixture
def wide(pages: Pages) -> Wide:
    return wide_tracker(pages)


def sized_page(browser: Any, live_server: Any, size: str) -> Iterator[Any]:
    yield from _new_page(browser, live_server, SIZES[size])


def layout(page: Any, table: str) -> dict[str, float]:
    """The document's width, the window's, and where ``table`` starts (from the top)."""
    return page.evaluate(
        """(selector) => ({
            document: document.documentElement.scrollWidth,
            window: window.innerWidth,
            height: window.innerHeight,
            tableTop: document.querySelector(selector).getBoundingClientRect().top + window.scrollY,
        })""",
        table,
    )


def assert_fits(page: Any, table: str) -> None:
    measured = layout(page, table)
    assert measured["document"] <= measured["window"], f"the page scrolls sideways: {measured}"
    assert measured["tableTop"] < measured["height"], f"the table starts below: {measured}"


# ------------------------------------------------------------------ the three pages, two sizes


@pytest.mark.parametrize("size", list(SIZES))
def test_pages_fit_the_window_and_their_tables_start_on_the_first_screen(
    browser: Any, live_server: Any, wide: Wide, size: str
) -> None:
    for page in sized_page(browser, live_server, size):
        pages_fit(page, wide, size)


def pages_fit(page: Any, wide: Wide, size: str) -> None:
    sign_in(page, "teacher")
    tracker = wide.tracker

    page.goto(reverse("tracker_grid", args=[tracker.pk]))
    page.locator(".mastery-grid").wait_for()
    assert_fits(page, ".mastery-grid")
    screenshot(page, f"layout-grid-{size}")
    assert_accessible(page)
    # Only the table's box scrolls; the names and the headers stay in view while it does.
    box = page.evaluate(
        """() => {
            const box = document.querySelector('.grid-scroll');
            const wider = box.scrollWidth > box.clientWidth;
            box.scrollLeft = 600;
            box.scrollTop = 200;
            const edge = box.getBoundingClientRect();
            const name = document.querySelector('.grid-student').getBoundingClientRect();
            const head = document.querySelector('.grid-units').getBoundingClientRect();
            return {wider, scrolled: box.scrollLeft, nameLeft: name.left - edge.left,
                    headTop: head.top - edge.top};
        }"""
    )
    assert box["wider"] and box["scrolled"] == 600
    assert 0 <= box["nameLeft"] <= 2, box
    assert 0 <= box["headTop"] <= 2, box
    options = page.locator(".grid-options")
    sort = page.get_by_role("combobox", name="Sort students by")
    if size == "phone":  # folded into a bar that opens on a tap
        assert not sort.is_visible()
        options.locator("summary").click()
        assert sort.is_visible()
        screenshot(page, "layout-grid-phone-options")
        assert_accessible(page)
    else:  # always open on a wide screen
        assert sort.is_visible()
        assert not options.locator("summary").is_visible()

    page.goto(reverse("quick_check_scores", args=[tracker.pk, wide.quick_check.pk]))
    page.locator(".score-table").wait_for()
    assert_fits(page, ".score-table")
    assert page.locator("input.score-input").count() == 6 * len(wide.students)  # none hidden
    screenshot(page, f"layout-score-entry-{size}")
    assert_accessible(page)

    page.goto(reverse("tracker_list"))
    page.locator(".tracker-list").first.wait_for()
    assert_fits(page, ".tracker-list")
    assert page.locator(".tracker-list").first.locator("thead th").count() == 5  # none hidden
    screenshot(page, f"layout-tracker-list-{size}")
    assert_accessible(page)


# ------------------------------------------------------------------ on paper


def pdf_pages(pdf: Path) -> list[str]:
    out = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-layout", str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [page for page in out.split("\f") if page.strip()]


def test_the_printed_grid_has_every_standard_and_the_names_and_legend_on_every_page(
    browser: Any, live_server: Any, pages: Pages, tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        message = "pdftotext (poppler-utils) is needed to read the printed grid"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    wide = wide_tracker(pages, students=70)  # each part of the grid takes two pages
    for page in sized_page(browser, live_server, "desktop"):
        sign_in(page, "teacher")
        page.goto(reverse("tracker_grid", args=[wide.tracker.pk]))
        pdf = tmp_path / "grid.pdf"
        page.pdf(path=str(pdf), format="Letter", landscape=True, print_background=True)
    printed = pdf_pages(pdf)
    whole = "\n".join(printed)
    assert len(printed) >= 6  # three parts of ten standards, two pages each
    for standard in wide.standards:
        assert standard.human_coding_scheme in whole, f"{standard} is not printed"
    for student in wide.students:  # once in each of the three parts
        assert whole.count(student.sort_name) == 3, f"{student.sort_name} is not in every part"
    for number, text in enumerate(printed, start=1):
        assert any(s.last_name in text for s in wide.students), f"no names on page {number}"
        assert "Not assessed" in text and "set by the teacher (override)" in text, (
            f"no legend on page {number}"
        )
    shots = Path("/tmp/masterly-shots")  # noqa: S108 - outside the repository on purpose
    shots.mkdir(parents=True, exist_ok=True)
    shutil.copy(pdf, shots / "tracker-grid-printed.pdf")


# ------------------------------------------------------------------ a new tracker


def shown_cells(page: Any) -> list[str]:
    """What each cell of the grid shows (its first line; the rest is for screen readers)."""
    return [text.split("\n")[0] for text in page.locator(".grid-cell").all_inner_texts()]


def test_a_new_trackers_grid_shows_its_levels_once_they_are_calculated(
    page: Any, pages: Pages
) -> None:
    tracker = new_tracker_on_old_evidence(pages)  # 6.RP.A.1 at 100 % → M, once calculated
    sign_in(page, "teacher")
    page.goto(reverse("tracker_grid", args=[tracker.pk]))
    page.get_by_text("Mastery is being calculated for this new tracker:").wait_for()
    assert set(shown_cells(page)) == {"…"}
    screenshot(page, "tracker-grid-being-calculated")
    assert_accessible(page)
    # The worker runs the recompute; the page notices and shows the levels.
    run_queued_tasks()
    page.locator(".grid-cell .level-m").wait_for(timeout=15_000)
    assert not page.get_by_text("being calculated").count()
    assert shown_cells(page) == ["M", "NS", "NS"]


# ------------------------------------------------------------------ inline markup


def test_emphasis_in_a_statement_is_an_em_element(page: Any, pages: Pages) -> None:
    pages.ratio_1.full_statement = "Use <em>ratio</em> language."
    pages.ratio_1.save(update_fields=["full_statement"])
    student = pages.world.student
    sign_in(page, "teacher")
    for address in (
        reverse("tracker_cell", args=[pages.tracker.pk, student.pk, pages.ratio_1.pk]),
        reverse("tracker_reteach_groups", args=[pages.tracker.pk, pages.ratio_1.pk]),
    ):
        page.goto(address)
        statement = page.locator(".standard-statement")
        assert statement.locator("em").inner_text() == "ratio"
        assert "<em>" not in statement.inner_text()
