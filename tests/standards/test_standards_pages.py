"""The standards browser's pages: who may see them, what they show, fixed query counts."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.standards import services
from masterly.standards.models import Framework, Standard
from tests.case.case_packages import association, ids, item, load, small_package
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def framework_with(many: int) -> Framework:
    """The small framework plus ``many`` standards that all match "photosynthesis"."""
    package = small_package()
    for n in range(many):
        code = f"6.RP.B.{n + 1}"
        package["CFItems"].append(
            item(code, f"Photosynthesis item {n} with many words", enumeration=f"{n + 1}.")
        )
        package["CFAssociations"].append(association(ids(code), "isChildOf", ids("6.RP.A")))
    return load(package)


def test_pages_need_a_signed_in_person(world: World) -> None:
    framework = load(small_package())
    standard = Standard.objects.get(human_coding_scheme="6.RP.A.1")
    for url in (
        reverse("standards_browser"),
        reverse("standards_framework", args=[framework.pk]),
        reverse("standards_standard", args=[standard.pk]),
    ):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        for who in ("teacher", "admin", "student", "parent", "leader"):
            assert signed_in(getattr(world, who)).get(url).status_code == 200, (who, url)


def test_unknown_ids_are_404(world: World) -> None:
    client = signed_in(world.teacher)
    assert client.get(reverse("standards_standard", args=[999999])).status_code == 404
    assert client.get(reverse("standards_framework", args=[999999])).status_code == 404


def test_search_page_queries_do_not_grow_with_the_results(world: World) -> None:
    framework_with(30)
    client = signed_in(world.teacher)
    url = reverse("standards_browser")

    def queries_for(query: str) -> int:
        client.get(url, {"q": query})  # warm the session
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"q": query})
        assert response.status_code == 200
        return len(captured)

    few = queries_for("unit rate")  # one result
    many = queries_for("photosynthesis item")  # 25 on the page, 30 in all
    assert few == many
    assert many <= 10


def test_search_results_paginate(world: World) -> None:
    framework_with(30)
    client = signed_in(world.teacher)
    first = client.get(reverse("standards_browser"), {"q": "photosynthesis"}).content.decode()
    assert "30 standards found" in first and "Page 1 of 2" in first
    second = client.get(reverse("standards_browser"), {"q": "photosynthesis", "page": 2})
    text = second.content.decode()
    assert "Page 2 of 2" in text and text.count('class="std-code"') == 5


def test_a_very_long_result_stops_counting_and_says_so(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from masterly.standards import selectors

    monkeypatch.setattr(selectors, "SEARCH_CAP", 10)
    framework_with(30)
    text = signed_in(world.teacher).get(reverse("standards_browser"), {"q": "photosynthesis"})
    assert "More than 10 standards found" in text.content.decode()


def test_a_search_by_code_lists_the_codes_and_links_to_them(world: World) -> None:
    load(small_package())
    page = signed_in(world.teacher).get(reverse("standards_browser"), {"q": "6.RP.A.3"})
    text = page.content.decode()
    assert "2 standards found" in text
    standard = Standard.objects.get(human_coding_scheme="6.RP.A.3")
    assert reverse("standards_standard", args=[standard.pk]) in text


def test_a_framework_page_has_its_tree_download_and_notice(world: World, ccss: Framework) -> None:
    page = signed_in(world.teacher).get(
        reverse("standards_framework", args=[ccss.pk]), {"grade": "06"}
    )
    text = page.content.decode()
    assert reverse("case_export", args=[ccss.pk]) in text
    assert text.count("<details") == text.count("</details>") > 10
    assert "6.RP.A.3" in text and "7.RP.A.1" not in text
    assert text.count("© Copyright 2010 National Governors Association") == 1


def test_the_whole_framework_tree_renders_without_javascript(world: World, ccss: Framework) -> None:
    text = (
        signed_in(world.teacher)
        .get(reverse("standards_framework", args=[ccss.pk]))
        .content.decode()
    )
    assert text.count("<details") == text.count("</details>")
    assert "HSA-APR.A.1" in text and "K.CC.A.1" in text


def test_a_standard_page_shows_its_place_prerequisites_and_what_builds_on_it(
    world: World, ccss: Framework
) -> None:
    from django.core.management import call_command

    from tests.case.case_packages import PROGRESSIONS_PATH

    call_command("import_progressions", str(PROGRESSIONS_PATH), framework=str(ccss.pk), stdout=None)
    standard = Standard.objects.get(human_coding_scheme="6.RP.A.2")
    client = signed_in(world.teacher)
    with CaptureQueriesContext(connection) as captured:
        text = client.get(reverse("standards_standard", args=[standard.pk])).content.decode()
    crumbs = re.search(r'<ol class="std-crumbs">(.*?)</ol>', text, re.S)[1]  # type: ignore[index]
    for above in (
        "Common Core State Standards for Math",
        "Grade 6",
        "Ratios &amp; Proportional",
        "6.RP.A",
    ):
        assert above in crumbs
    prerequisites = text.split("<h2>Prerequisites</h2>")[1].split("</section>")[0]
    assert "6.RP.A.1" in prerequisites
    builds = text.split("<h2>What builds on it</h2>")[1].split("</section>")[0]
    assert "6.RP.A.3.b" in builds
    assert "© Copyright 2010" in text
    assert len(captured) <= 12


def test_statements_keep_emphasis_but_never_other_markup(world: World) -> None:
    package = small_package()
    package["CFItems"][3]["fullStatement"] = (
        "Use x<sup>2</sup>; <em>for example</em> <script>alert(1)</script> when a < b."
    )
    load(package)
    standard = Standard.objects.get(human_coding_scheme="6.RP.A.1")
    text = (
        signed_in(world.teacher)
        .get(reverse("standards_standard", args=[standard.pk]))
        .content.decode()
    )
    assert "x<sup>2</sup>" in text and "<em>for example</em>" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "a &lt; b" in text


def test_the_about_page_carries_the_notices(db: None) -> None:
    text = Client().get(reverse("about")).content.decode()
    assert (
        "The Common Core State Standards are © Copyright 2010 National Governors Association "
        "Center for Best Practices and Council of Chief State School Officers" in text
    )
    assert "flywheelmath" in text and "MIT License" in text and "Jeff Baumes" in text


def test_choosing_standards_for_a_unit_offers_add_buttons_only_to_its_editor(world: World) -> None:
    framework = load(small_package())
    curriculum_map = services.curriculum_map_create(
        actor=world.teacher,
        course=world.section.course,
        title="M",
        scope="teacher",
        framework=framework,
    )
    unit = services.unit_create(actor=world.teacher, curriculum_map=curriculum_map, title="Ratios")
    services.unit_standard_add_by_code(actor=world.teacher, unit=unit, code="6.RP.A.1")
    params = {"unit": unit.pk, "q": "ratio"}
    mine = signed_in(world.teacher).get(reverse("standards_browser"), params).content.decode()
    assert "Choosing standards for the unit “Ratios”" in mine
    assert reverse("curriculum_map_standard_add", args=[unit.pk]) in mine
    assert "In the unit" in mine  # 6.RP.A.1 is already there
    theirs = (
        signed_in(world.other_teacher).get(reverse("standards_browser"), params).content.decode()
    )
    assert reverse("curriculum_map_standard_add", args=[unit.pk]) not in theirs
