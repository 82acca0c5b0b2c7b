"""A CASE package with hostile addresses imports, and no page that shows them links to them.

The addresses are kept exactly as published (an export gives them back); only the pages decide
what becomes a link. Every page that shows a framework, a standard or an association is
rendered for the people who can see it, and every link on it is read as a browser reads it.
"""

from __future__ import annotations

import html.parser
import re

import pytest
from django.test import Client
from django.urls import reverse

from masterly.standards.models import Association, Framework, Standard
from masterly.trackers import services
from masterly.trackers.models import Tracker
from tests.case.case_packages import URI, association, ids, load, small_package
from tests.conftest import World
from tests.tracker_pages.conftest import make_map

pytestmark = pytest.mark.django_db

HOSTILE_SOURCE = "java\tscript:alert(document.cookie)"
HOSTILE_DOCUMENT_URI = "JaVaScRiPt:alert(1)"
HOSTILE_ITEM_URIS = {
    "6.RP.A.1": "javascript:alert(1)",
    "6.RP.A.2": " javascript:alert(2)",
    "6.RP.A.3": "data:text/html,<script>alert(3)</script>",
    "6.RP.A.3.c": "vbscript:msgbox(4)",
    "6.RP.A": "&#106;avascript:alert(5)",
}
HOSTILE_DESTINATION = "java\nscript:alert(6)"
SAFE_DESTINATION = "https://elsewhere.example.org/uri/item-9"
FORBIDDEN_SCHEMES = ("javascript", "data", "vbscript")


def hostile_package() -> dict[str, object]:
    package = small_package()
    document = package["CFDocument"]
    document["uri"] = HOSTILE_DOCUMENT_URI
    document["officialSourceURL"] = HOSTILE_SOURCE
    for raw in package["CFItems"]:
        code = raw.get("humanCodingScheme")
        if code in HOSTILE_ITEM_URIS:
            raw["uri"] = HOSTILE_ITEM_URIS[code]
    for destination, uri in (
        ("elsewhere-1", HOSTILE_DESTINATION),
        ("elsewhere-2", SAFE_DESTINATION),
    ):
        outside = association(ids("6.RP.A.1"), "exactMatchOf", destination)
        outside["destinationNodeURI"] = {
            "identifier": destination,
            "uri": uri,
            "title": destination,
        }
        package["CFAssociations"].append(outside)
    return package


class _Links(html.parser.HTMLParser):
    """Every address a browser would follow or load from a page, entities decoded."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src", "action", "formaction", "xlink:href"} and value is not None:
                self.addresses.append(value)


def scheme(address: str) -> str:
    """The scheme as the URL parser reads it: outer spaces/controls and tabs/newlines dropped."""
    cleaned = re.sub(r"^[\x00-\x20]+|[\x00-\x20]+$", "", re.sub(r"[\t\n\r]", "", address))
    found = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return found[1].lower() if found else ""


def links_on(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Links()
    parser.feed(response.content.decode())
    return parser.addresses


@pytest.fixture
def hostile(world: World) -> Framework:
    framework = load(hostile_package())
    # A class tracks two of its standards, so the student, family and tracker pages show them.
    standards = list(Standard.objects.filter(human_coding_scheme__in=["6.RP.A.1", "6.RP.A.2"]))
    services.tracker_create(
        actor=world.teacher,
        name="Period 1 math",
        owner=world.teacher,
        sections=[world.section],
        curriculum_map=make_map(world, [("Ratios", standards)]),
    )
    return framework


def test_the_package_imports_and_keeps_its_addresses_as_published(hostile: Framework) -> None:
    assert hostile.official_source_url == HOSTILE_SOURCE
    assert hostile.uri == HOSTILE_DOCUMENT_URI
    for code, uri in HOSTILE_ITEM_URIS.items():
        assert Standard.objects.get(human_coding_scheme=code).uri == uri
    assert Association.objects.get(destination_identifier="elsewhere-1").destination_uri == (
        HOSTILE_DESTINATION
    )


def page_addresses(world: World, framework: Framework) -> dict[str, list[str]]:
    """Every page showing the package's addresses, for each person who can open it."""
    standard_pages = [
        reverse("standards_standard", args=[pk])
        for pk in Standard.objects.filter(framework=framework).values_list("pk", flat=True)
    ]
    shared = [
        reverse("standards_browser") + f"?framework={framework.pk}&q=ratio",
        reverse("standards_framework", args=[framework.pk]),
        *standard_pages,
    ]
    grid = reverse("tracker_grid", args=[Tracker.objects.get().pk])
    admin_pages = [
        reverse("admin:standards_framework_change", args=[framework.pk]),
        reverse("admin:standards_framework_changelist"),
        reverse("admin:standards_standard_changelist"),
        reverse("admin:standards_association_changelist"),
        *(
            reverse("admin:standards_standard_change", args=[pk])
            for pk in Standard.objects.filter(framework=framework).values_list("pk", flat=True)
        ),
        *(
            reverse("admin:standards_association_change", args=[pk])
            for pk in Association.objects.filter(framework=framework).values_list("pk", flat=True)
        ),
    ]
    visits = {
        "student": [*shared, reverse("student_home")],
        "parent": [*shared, reverse("family_home")],
        "teacher": [*shared, grid, reverse("student_detail", args=[world.student.pk])],
        "admin": [*shared, *admin_pages],
    }
    found: dict[str, list[str]] = {}
    for who, urls in visits.items():
        client = Client()
        client.force_login(getattr(world, who))
        for url in urls:
            found[f"{who} {url}"] = links_on(client, url)
    return found


def test_no_page_links_to_a_hostile_address(world: World, hostile: Framework) -> None:
    pages = page_addresses(world, hostile)
    assert len(pages) > 20
    followed = {
        (page, address)
        for page, addresses in pages.items()
        for address in addresses
        if scheme(address) in FORBIDDEN_SCHEMES
    }
    assert followed == set()


def framework_page(person: object, framework: Framework) -> str:
    client = Client()
    client.force_login(person)  # type: ignore[arg-type]
    return client.get(reverse("standards_framework", args=[framework.pk])).content.decode()


def standard_page(person: object, code: str) -> str:
    client = Client()
    client.force_login(person)  # type: ignore[arg-type]
    standard = Standard.objects.get(human_coding_scheme=code)
    return client.get(reverse("standards_standard", args=[standard.pk])).content.decode()


def test_hostile_addresses_are_shown_as_text_and_a_safe_one_stays_a_link(
    world: World, hostile: Framework
) -> None:
    assert "java\tscript:alert(document.cookie)" in framework_page(world.student, hostile)
    page = standard_page(world.student, "6.RP.A.1")
    assert "<dd>javascript:alert(1)</dd>" in page
    assert f'<a href="{SAFE_DESTINATION}" rel="noopener noreferrer">elsewhere-2</a>' in page
    assert "elsewhere-1" in page and 'href="java' not in page


def test_a_web_address_from_a_package_is_a_link(world: World) -> None:
    package = small_package()
    package["CFDocument"]["officialSourceURL"] = "https://standards.example.org/math"
    framework = load(package)
    assert '<a href="https://standards.example.org/math" rel="noopener noreferrer">' in (
        framework_page(world.parent, framework)
    )
    assert f'<a href="{URI}{ids("6.RP.A.1")}" rel="noopener noreferrer">' in (
        standard_page(world.parent, "6.RP.A.1")
    )
