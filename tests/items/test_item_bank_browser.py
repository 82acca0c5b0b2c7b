"""In Chromium, as the teacher: find items by standard, write a multiple-choice item with
math and an image, and check the bank's pages with axe."""

from __future__ import annotations

from typing import Any

import pytest

from masterly.assessments.items import services
from masterly.assessments.items.models import Item, ItemVersion, Scope
from tests.browser import conftest as shared
from tests.browser.conftest import screenshot, serious_violations
from tests.conftest import World
from tests.factories import PASSWORD
from tests.items.conftest import Tree, extended, multiple_choice

pytestmark = pytest.mark.browser

_browser_test_setup = shared._browser_test_setup
browser = shared.browser
page = shared.page


def sign_in(page: Any, login: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username or email address").fill(login)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("networkidle")


def no_serious_violations(page: Any) -> None:
    found = serious_violations(page)
    assert not found, "axe found serious or critical problems:\n" + "\n".join(found)


def test_find_by_standard_then_write_an_item_with_math_and_an_image(
    page: Any, world: World, tree: Tree, png: bytes, tmp_path: Any
) -> None:
    services.item_create(
        actor=world.other_teacher,
        draft=multiple_choice(tree.rp_a_3, stem="A car goes 60 miles in 2 hours. Its speed?"),
        scope=Scope.SCHOOL,
    )
    services.item_create(
        actor=world.other_teacher, draft=extended(tree.ns_b_2, tree.ns_b_2), scope=Scope.SCHOOL
    )
    sign_in(page, "teacher")

    page.get_by_role("link", name="Item bank").click()
    page.get_by_label("Standard, cluster or domain").fill("6.RP.A")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="1 item found").is_visible()
    assert page.get_by_text("A car goes 60 miles").is_visible()
    screenshot(page, "item-bank-by-standard")
    no_serious_violations(page)

    page.get_by_role("link", name="Write a new item").click()
    page.get_by_label("Question (stem)").fill("<p>Which decimal equals \\(\\frac{3}{4}\\)?</p>")
    image = tmp_path / "dot.png"
    image.write_bytes(png)
    page.get_by_label("Image file (PNG, JPEG, GIF, WebP or SVG)").set_input_files(str(image))
    page.get_by_label("Alt text: what the image shows").fill("A red square")
    page.get_by_role("button", name="Upload and add to the stem").click()
    page.wait_for_load_state("networkidle")
    assert "/assessments/images/" in page.get_by_label("Question (stem)").input_value()

    page.get_by_label("Standard 1 code").fill("6.RP.A.3")
    for letter, text in zip("ABCD", ["0.75", "0.34", "1.33", "3.4"], strict=True):
        page.get_by_label(f"Choice {letter} text").fill(text)
    page.get_by_label("Choice A is correct").check()
    page.get_by_label("Why a student might choose B").fill("Read the digits as a decimal.")
    page.get_by_label("Drop D for reduced answer choices").check()
    page.get_by_label("Keep C in place when the options are shuffled").check()
    assert page.get_by_label("Options may be shuffled").is_checked()
    screenshot(page, "item-editor-multiple-choice")
    no_serious_violations(page)
    page.get_by_role("button", name="Save item").click()
    page.wait_for_load_state("networkidle")

    item = Item.objects.get(owner=world.teacher)
    version = ItemVersion.objects.get(pk=item.current_id)
    assert page.url.endswith(f"/assessments/items/{item.pk}/")
    assert version.choices.filter(is_correct=True).get().content_source == "0.75"
    assert [c.fixed for c in version.choices.all()] == [False, False, True, False]
    assert page.get_by_role("cell", name="Keeps its place").count() == 1
    shown = page.locator(".item-stem img")
    assert shown.get_attribute("alt") == "A red square"
    assert shown.evaluate("img => img.complete && img.naturalWidth") == 120
    if "<math" in version.stem_html:  # the content pipeline turns LaTeX into MathML
        assert page.locator(".item-stem math").count() == 1
    screenshot(page, "item-page-new-multiple-choice")
    no_serious_violations(page)


def test_the_rubric_editor_and_an_empty_search_pass_axe(
    page: Any, world: World, tree: Tree
) -> None:
    item = services.item_create(actor=world.teacher, draft=extended(tree.rp_a_1, tree.ns_b_2))
    sign_in(page, "teacher")
    for name, url in [
        ("item-bank-empty", "/assessments/items/?standard=6.NS&type=numeric"),
        ("item-page-rubric", f"/assessments/items/{item.pk}/"),
        ("item-editor-rubric", f"/assessments/items/{item.pk}/edit/"),
        ("item-editor-numeric", "/assessments/items/new/?type=numeric"),
    ]:
        page.goto(url)
        screenshot(page, name)
        no_serious_violations(page)
