"""Export as CASE 1.1: import → export → import gives the same data."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from masterly.integrations.case.importer import import_case_package
from masterly.standards.models import Association, Framework, Standard, StandardTerm
from tests.case.case_packages import CCSS_PATH, PROGRESSIONS_PATH, counts, ids, load, small_package
from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

FRAMEWORK_COLUMNS = [
    f.name
    for f in Framework._meta.concrete_fields
    if f.name not in {"id", "created_at", "updated_at"}
]
STANDARD_COLUMNS = [
    f.name
    for f in Standard._meta.concrete_fields
    if f.name not in {"id", "framework", "parent", "domain", "created_at", "updated_at"}
]
ASSOCIATION_COLUMNS = [
    f.name
    for f in Association._meta.concrete_fields
    if f.name
    not in {"id", "framework", "origin", "destination", "source", "created_at", "updated_at"}
]


def snapshot() -> dict[str, Any]:
    """Everything imported, keyed by CASE identifiers (primary keys differ between runs)."""
    identifier_of = dict(Standard.objects.values_list("pk", "identifier"))
    framework = Framework.objects.values(*FRAMEWORK_COLUMNS).get()
    standards = {}
    for row in Standard.objects.values(*STANDARD_COLUMNS, "parent_id", "domain_id"):
        row["parent_id"] = identifier_of.get(row["parent_id"])
        row["domain_id"] = identifier_of.get(row["domain_id"])
        standards[row["identifier"]] = row
    associations = {}
    for row in Association.objects.values(*ASSOCIATION_COLUMNS, "origin_id", "destination_id"):
        row["origin_id"] = identifier_of.get(row["origin_id"])
        row["destination_id"] = identifier_of.get(row["destination_id"])
        associations[row["identifier"]] = row
    terms = sorted(
        (identifier_of[pk], term)
        for pk, term in StandardTerm.objects.values_list("standard", "term")
    )
    return {
        "framework": framework,
        "standards": standards,
        "associations": associations,
        "terms": terms,
    }


def wipe() -> None:
    StandardTerm.objects.all().delete()
    Association.objects.all().delete()
    Standard.objects.update(parent=None, domain=None)
    Standard.objects.all().delete()
    Framework.objects.all().delete()


def export(framework: Framework, tmp_path: Path) -> Path:
    path = tmp_path / "export.json"
    call_command("export_case", str(framework.pk), "-o", str(path), stderr=io.StringIO())
    return path


def test_round_trip_of_common_core_with_its_progressions(tmp_path: Path) -> None:
    import_case_package(actor=None, data=CCSS_PATH.read_bytes(), source="ccss")
    framework = Framework.objects.get()
    call_command(
        "import_progressions",
        str(PROGRESSIONS_PATH),
        framework=str(framework.pk),
        stdout=io.StringIO(),
    )
    before = snapshot()
    path = export(framework, tmp_path)

    wipe()
    summary = import_case_package(actor=None, data=path.read_bytes(), source="export")

    assert summary.format_version == "1.1"
    assert summary.items_created == 746
    assert summary.associations_created == 746 + 873
    after = snapshot()
    assert after == before


def test_exporting_then_importing_over_the_same_framework_changes_nothing(tmp_path: Path) -> None:
    framework = load(small_package())
    path = export(framework, tmp_path)
    before = counts()
    summary = import_case_package(actor=None, data=path.read_bytes(), source="export")
    assert summary.changes == 0
    assert counts() == before


def test_the_export_is_a_case_1_1_package(tmp_path: Path) -> None:
    framework = load(small_package())
    package = json.loads(export(framework, tmp_path).read_text())
    assert package["CFDocument"]["caseVersion"] == "1.1"
    assert package["CFDocument"]["identifier"] == framework.identifier
    first = package["CFItems"][0]
    assert first["CFDocumentURI"]["identifier"] == framework.identifier
    assert [i["humanCodingScheme"] for i in package["CFItems"] if "humanCodingScheme" in i] == [
        "6.RP.A",
        "6.RP.A.1",
        "6.RP.A.2",
        "6.RP.A.3",
        "6.RP.A.3.c",
    ]
    kinds = {a["associationType"] for a in package["CFAssociations"]}
    assert kinds == {"isChildOf", "precedes"}


def test_retired_items_are_not_exported(tmp_path: Path) -> None:
    package = small_package()
    framework = load(package)
    package["CFItems"] = [i for i in package["CFItems"] if i["identifier"] != ids("6.RP.A.3.c")]
    package["CFAssociations"] = [
        a
        for a in package["CFAssociations"]
        if a["originNodeURI"]["identifier"] != ids("6.RP.A.3.c")
    ]
    load(package)
    exported = json.loads(export(framework, tmp_path).read_text())
    assert ids("6.RP.A.3.c") not in {i["identifier"] for i in exported["CFItems"]}
    assert all(
        a["originNodeURI"]["identifier"] != ids("6.RP.A.3.c") for a in exported["CFAssociations"]
    )


def test_export_to_standard_output_and_by_case_identifier() -> None:
    framework = load(small_package())
    out = io.StringIO()
    call_command("export_case", framework.identifier, stdout=out)
    assert json.loads(out.getvalue())["CFDocument"]["title"] == "Example Math Standards"


def test_an_unknown_framework_lists_the_known_ones() -> None:
    load(small_package())
    with pytest.raises(
        CommandError, match=r"(?s)There is no framework .99.*Example Math Standards"
    ):
        call_command("export_case", "99")


def test_the_download_link_gives_the_package_to_anyone_signed_in(world: World) -> None:
    framework = load(small_package())
    url = reverse("case_export", args=[framework.pk])
    client = Client()
    assert client.get(url).status_code == 302  # to sign in
    client.login(username=world.student.username, password=PASSWORD)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="example-math-standards-case-1.1.json"'
    )
    assert json.loads(response.content)["CFDocument"]["identifier"] == framework.identifier
