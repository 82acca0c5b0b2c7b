"""In a real browser: the standards pages and a curriculum map, checked with axe, and the
expand/collapse tree working without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from masterly.standards import services
from masterly.standards.models import Framework, Standard
from tests.browser import conftest as shared
from tests.browser.conftest import screenshot, serious_violations
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

# The browser tests' fixtures (Chromium, a page, the live-server set-up), for these tests too.
_browser_test_setup = shared._browser_test_setup
browser = shared.browser
page = shared.page


def sign_in(page: Any, login: str) -> None:
    page.goto(reverse("account_login"))
    page.get_by_label("Username or email address").fill(login)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def no_serious_violations(page: Any) -> None:
    found = serious_violations(page)
    assert not found, "axe found serious or critical problems:\n" + "\n".join(found)


def test_standards_pages_pass_axe(page: Any, world: World, ccss: Framework) -> None:
    sign_in(page, "teacher")
    standard = Standard.objects.get(human_coding_scheme="6.RP.A.3")
    for name, url in [
        ("standards-browser", reverse("standards_browser")),
        ("standards-search", reverse("standards_browser") + "?q=unit+rate&grade=06"),
        ("standards-framework", reverse("standards_framework", args=[ccss.pk]) + "?grade=06"),
        ("standards-standard", reverse("standards_standard", args=[standard.pk])),
        ("about", reverse("about")),
    ]:
        page.goto(url)
        screenshot(page, name)
        no_serious_violations(page)


def test_the_tree_opens_and_closes_without_javascript(
    browser: Any, live_server: Any, world: World, ccss: Framework
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "teacher")
        page.goto(reverse("standards_framework", args=[ccss.pk]) + "?grade=06")
        ratios = page.locator("summary", has_text="Ratios & Proportional Relationships").first
        cluster = page.get_by_text("Understand ratio concepts and use ratio reasoning").first
        assert not cluster.is_visible()
        ratios.click()
        assert cluster.is_visible()
        ratios.click()
        assert not cluster.is_visible()
    finally:
        context.close()


def test_a_curriculum_map_passes_axe_and_builds_without_javascript(
    browser: Any, live_server: Any, world: World, ccss: Framework
) -> None:
    curriculum_map = services.curriculum_map_create(
        actor=world.teacher,
        course=world.section.course,
        title="Math 6",
        scope="teacher",
        framework=ccss,
    )
    unit = services.unit_create(actor=world.teacher, curriculum_map=curriculum_map, title="Ratios")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "teacher")
        page.goto(reverse("curriculum_map", args=[curriculum_map.pk]))
        page.get_by_label("Add a standard by its code").fill("6.RP.A.1")
        page.get_by_role("button", name="Add", exact=True).click()
        page.get_by_label("Add a standard by its code").fill("6.RP.A.3")
        page.get_by_role("button", name="Add", exact=True).click()
        page.get_by_role("button", name="Flag as power 6.RP.A.3").click()
        page.get_by_role("button", name="Move 6.RP.A.3 up").click()
        page.get_by_label("New unit").fill("The Number System")
        page.get_by_role("button", name="Add unit").click()
        page.get_by_label("Add a standard by its code").first.fill("6.RP.A.99")
        page.get_by_role("button", name="Add", exact=True).first.click()
        assert page.get_by_role("alert").first.inner_text().startswith("No standard has the code")
        screenshot(page, "curriculum-map-teacher")
        placed = unit.unit_standards.order_by("position")
        assert [row.standard.human_coding_scheme for row in placed] == ["6.RP.A.3", "6.RP.A.1"]
    finally:
        context.close()

    with_js = browser.new_context(base_url=live_server.url)
    page = with_js.new_page()
    try:
        sign_in(page, "teacher")
        page.goto(reverse("curriculum_map", args=[curriculum_map.pk]))
        no_serious_violations(page)
        page.goto(reverse("curriculum_maps"))
        no_serious_violations(page)
        page.goto(reverse("curriculum_map_create"))
        no_serious_violations(page)
    finally:
        with_js.close()


def test_the_import_pages_pass_axe(page: Any, world: World) -> None:
    sign_in(page, "admin")
    page.goto(reverse("case_import"))
    screenshot(page, "case-import")
    no_serious_violations(page)
