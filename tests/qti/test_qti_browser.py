"""In Chromium, as the teacher: upload a QTI package from the bank, read the unsupported list,
confirm, and find the imported items in the bank; axe and the CSP watch on every page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from masterly.assessments.items.models import Item
from tests.browser import conftest as shared
from tests.browser.conftest import screenshot, serious_violations
from tests.conftest import World
from tests.items.conftest import Tree
from tests.items.test_item_bank_browser import sign_in
from tests.qti.conftest import choice_item, hotspot_item, manifest, resource, write_zip

pytestmark = pytest.mark.browser

_browser_test_setup = shared._browser_test_setup
browser = shared.browser
page = shared.page


def no_serious_violations(page: Any) -> None:
    found = serious_violations(page)
    assert not found, "axe found serious or critical problems:\n" + "\n".join(found)


def test_upload_a_package_confirm_the_unsupported_list_and_see_the_items(
    page: Any, world: World, tree: Tree, tmp_path: Path
) -> None:
    package = write_zip(
        tmp_path,
        {
            "imsmanifest.xml": manifest(
                resource("R1", "items/q1.xml", standards=(tree.rp_a_1.identifier,)),
                resource("R2", "items/q2.xml", standards=(tree.rp_a_3.identifier,)),
                resource("R3", "items/h1.xml", standards=(tree.rp_a_1.identifier,)),
            ),
            "items/q1.xml": choice_item("Q1", stem="<p>What is 3 + 4? (imported)</p>"),
            "items/q2.xml": choice_item("Q2", stem="<p>Which ratio is 2:3? (imported)</p>"),
            "items/h1.xml": hotspot_item("H1"),
        },
        name="ratios-qti.zip",
    )
    sign_in(page, "teacher")

    page.get_by_role("link", name="Item bank").click()
    page.get_by_role("link", name="Import items (QTI)").click()
    page.wait_for_load_state("networkidle")
    no_serious_violations(page)
    page.get_by_label("QTI package (.zip)").set_input_files(str(package))
    screenshot(page, "qti-import-form")
    page.get_by_role("button", name="Import").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_role("heading", name="Some items cannot be imported").is_visible()
    assert page.get_by_text("items/h1.xml (item H1): qti-hotspot-interaction").is_visible()
    assert not Item.objects.exists()
    screenshot(page, "qti-import-unsupported")
    no_serious_violations(page)
    page.get_by_role("button", name="Import the other items").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_role("heading", name="ratios-qti.zip imported").is_visible()
    assert page.get_by_text("Items: 2 created").is_visible()
    screenshot(page, "qti-import-done")
    no_serious_violations(page)
    page.get_by_role("link", name="See my items in the bank").click()
    page.wait_for_load_state("networkidle")

    assert page.get_by_role("heading", name="2 items found").is_visible()
    assert page.get_by_text("Which ratio is 2:3? (imported)").is_visible()
    assert page.get_by_role("link", name="Download these items (QTI)").is_visible()
    screenshot(page, "qti-imported-items-in-the-bank")
    assert Item.objects.filter(owner=world.teacher).count() == 2
