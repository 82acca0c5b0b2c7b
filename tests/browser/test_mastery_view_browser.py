"""In a real browser, as a student and as their parent: the home pages, the Mastery View's
tabs, Expand / Expand All / Collapse All with and without JavaScript, the circle graph and
bar with their text, the assessment page; axe on every new page; screenshots. On a phone a
standard's scores table scrolls in its box under a title read whole."""

from __future__ import annotations

from typing import Any

import pytest

from tests.assessment_factories import AssessmentFactory, Mastery
from tests.assessment_factories import mastery as mastery  # the fixture
from tests.browser.conftest import screenshot
from tests.browser.test_browser_sign_in import assert_no_serious_violations, sign_in
from tests.portals.mastery_world import assign, family_url, precedes, student_url

pytestmark = pytest.mark.browser


def story(m: Mastery) -> None:
    quiz = AssessmentFactory(title="Ratios quiz")
    assign(m, quiz, show_assessment="now", show_answer_key="now")
    m.record(earned=60, assessment=quiz)
    m.record(earned=80)
    m.record(earned=90)
    m.record(standard=m.standard_b, earned=30, assessment=quiz)
    precedes(m.standard_a, m.standard_b)
    assign(m, AssessmentFactory(title="Unit 2 test"))


def opened(page: Any) -> int:
    return int(page.locator("[data-panel]:not([hidden]) details[open]").count())


def test_student_walks_the_mastery_view(page: Any, mastery: Mastery) -> None:
    story(mastery)
    sign_in(page, "student")
    assert page.get_by_role("heading", level=1).inner_text() == "My classes"
    assert page.get_by_role("textbox", name="Test ID").is_visible()
    assert (
        "Unit 2 test"
        in page.get_by_role("heading", name="Open now")
        .locator("xpath=following-sibling::ul[1]")
        .inner_text()
    )
    screenshot(page, "mastery-student-home")
    assert_no_serious_violations(page)

    page.get_by_role("link", name="Period 1").click()
    page.wait_for_load_state()
    assert page.url.endswith(student_url(mastery.tracker))
    circle = page.get_by_role(
        "img",
        name="Standards by level: Mastery: 1, Near Mastery: 0, Remediation: 1, Not assessed: 1",
    )
    assert circle.is_visible()
    assert page.get_by_role("img", name="2 of 3 standards assessed (67%)").is_visible()
    assert page.get_by_text("2 of 3 standards assessed (67%)").first.is_visible()

    # Tabs switch without a reload (JavaScript) and the URL follows.
    page.get_by_role("link", name="Remediation").click()
    assert page.locator('[data-panel="R"]').is_visible()
    assert not page.locator('[data-panel="M"]').is_visible()
    assert page.url.endswith("?level=R")
    page.get_by_role("link", name="Mastery", exact=False).first.click()
    panel = page.locator('[data-panel="M"]')
    assert panel.is_visible()

    # Expand one standard, then all, then none.
    panel.locator("summary").first.click()
    assert opened(page) == 1
    assert "84.1% is Mastery (M), which starts at 80%." in panel.inner_text()
    assert "Ratios quiz" in panel.inner_text()
    panel.get_by_role("button", name="Collapse All").click()
    assert opened(page) == 0
    panel.get_by_role("button", name="Expand All").click()
    assert opened(page) == 1
    screenshot(page, "mastery-student-view")
    assert_no_serious_violations(page)

    page.get_by_role("link", name="Assessment: Ratios quiz").first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Ratios quiz"
    page.get_by_role("link", name="Answer Key").click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Print").is_visible()
    assert "Item analysis: available when every student has finished" not in page.inner_text("main")
    screenshot(page, "mastery-student-assessment")
    assert_no_serious_violations(page)


def test_parent_walks_it_without_javascript(
    browser: Any, live_server: Any, mastery: Mastery
) -> None:
    story(mastery)
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    try:
        sign_in(page, "parent")
        assert (
            page.get_by_role("link", name="Current Classes").get_attribute("aria-current") == "page"
        )
        screenshot(page, "mastery-family-home")
        page.get_by_role("link", name="Period 1").click()
        page.wait_for_load_state()
        w = mastery.world
        assert page.url.endswith(family_url(w.student, mastery.tracker))
        assert page.get_by_role("link", name="Parent Notes").is_visible()
        assert page.get_by_role("link", name="View Reports").is_visible()
        assert (
            page.get_by_role("link", name="Email Teacher")
            .get_attribute("href")
            .startswith(f"mailto:{w.teacher.email}")
        )
        # Tabs and Expand All go through the server.
        page.get_by_role("link", name="Remediation").click()
        page.wait_for_load_state()
        assert "level=R" in page.url and page.locator('[data-panel="R"]').is_visible()
        page.locator('[data-panel="R"]').get_by_role("link", name="Expand All").click()
        page.wait_for_load_state()
        assert "expand=all" in page.url and opened(page) == 1
        page.locator('[data-panel="R"]').get_by_role("link", name="Collapse All").click()
        page.wait_for_load_state()
        assert opened(page) == 0
        # <details> opens without JavaScript.
        page.locator('[data-panel="R"] summary').first.click()
        assert opened(page) == 1
        screenshot(page, "mastery-family-view-no-js")
    finally:
        context.close()


def test_parent_pages_pass_axe(page: Any, mastery: Mastery) -> None:
    story(mastery)
    sign_in(page, "parent")
    assert_no_serious_violations(page)
    page.goto(family_url(mastery.world.student, mastery.tracker) + "?expand=all")
    screenshot(page, "mastery-family-view")
    assert_no_serious_violations(page)


def test_on_a_phone_a_standards_scores_table_keeps_its_title_in_view(
    phone_page: Any, mastery: Mastery
) -> None:
    """The table scrolls sideways in its box; its title, above the box, is read whole."""
    story(mastery)
    sign_in(phone_page, "parent")
    phone_page.goto(family_url(mastery.world.student, mastery.tracker) + "?expand=all")
    table = phone_page.get_by_role("table", name="The scores on this standard, oldest first")
    table.first.wait_for()
    title = phone_page.get_by_text("The scores on this standard, oldest first").first
    box = title.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    assert phone_page.locator("html").evaluate("html => html.scrollWidth") <= 390
    screenshot(phone_page, "mastery-view-phone-scores")
