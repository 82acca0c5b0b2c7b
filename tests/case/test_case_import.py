"""`masterly import-case`: the Common Core package, re-imports, retiring, URLs, CASE 1.1."""

from __future__ import annotations

import io
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masterly.core.models import AuditEvent
from masterly.standards import services
from masterly.standards.models import Association, Framework, Standard
from masterly.standards.selectors import StandardFilters, standards_search
from tests.case.case_packages import (
    CCSS_PATH,
    DOC,
    association,
    changed,
    counts,
    dumps,
    ids,
    item,
    load,
    small_package,
)
from tests.case.case_server import LoopbackCaseApi
from tests.conftest import World

pytestmark = pytest.mark.django_db


def run(source: str) -> str:
    out = io.StringIO()
    call_command("import_case", source, stdout=out)
    return out.getvalue()


def test_common_core_loads_746_items_in_the_right_tree() -> None:
    output = run(str(CCSS_PATH))

    assert "746 created" in output
    framework = Framework.objects.get()
    assert framework.identifier == "c6496676-d7cb-11e8-824f-0242ac160002"
    assert framework.creator == "CCSSO"
    assert framework.adoption_status == "Draft"
    assert Standard.objects.count() == 746
    assert Association.objects.filter(association_type="isChildOf").count() == 746
    types = Counter(Standard.objects.values_list("item_type", flat=True))
    assert types["Standard"] == 393 and types["Component"] == 124 and types["Domain"] == 65

    component = Standard.objects.get(human_coding_scheme="6.RP.A.3.c")
    standard = component.parent
    cluster = standard.parent
    domain = cluster.parent
    grade = domain.parent
    assert (standard.human_coding_scheme, cluster.human_coding_scheme) == ("6.RP.A.3", "6.RP.A")
    assert domain.item_type == "Domain"
    assert domain.full_statement == "Ratios & Proportional Relationships"
    assert grade.full_statement == "Grade 6" and grade.education_level == ["06"]
    assert component.domain == domain and standard.domain == domain
    assert component.depth == grade.depth + 4
    assert component.tree_path.startswith(standard.tree_path + ".")
    # Siblings follow the list enumeration ("a.", "b.", "c.", "d.").
    parts = list(standard.children.order_by("position").values_list("list_enumeration", flat=True))
    assert parts == ["a.", "b.", "c.", "d."]
    # What Masterly does not read is kept, to be exported again.
    assert component.extra["CFItemTypeURI"]["title"] == "Component"


def test_importing_it_again_changes_nothing_and_writes_nothing() -> None:
    run(str(CCSS_PATH))
    before = counts()
    stamps = dict(Standard.objects.values_list("pk", "updated_at"))

    with CaptureQueriesContext(connection) as queries:
        output = run(str(CCSS_PATH))

    assert "already up to date: 0 changes" in output
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []
    assert len(queries.captured_queries) <= 8
    assert counts() == before
    assert dict(Standard.objects.values_list("pk", "updated_at")) == stamps


def test_a_changed_statement_is_updated_in_place_and_links_survive(world: World) -> None:
    package = small_package()
    framework = load(package)
    course = world.section.course
    curriculum_map = services.curriculum_map_create(
        actor=world.teacher, course=course, title="Mine", scope="teacher", framework=framework
    )
    unit = services.unit_create(actor=world.teacher, curriculum_map=curriculum_map, title="U1")
    original = Standard.objects.get(human_coding_scheme="6.RP.A.1")
    placed = services.unit_standard_add(actor=world.teacher, unit=unit, standard=original)

    newer = changed(package)
    newer["CFItems"][3]["fullStatement"] = "Understand ratios using tape diagrams."
    summary = load_summary(newer)

    assert summary.items_updated == 1 and summary.items_created == 0
    updated = Standard.objects.get(pk=original.pk)
    assert updated.full_statement == "Understand ratios using tape diagrams."
    placed.refresh_from_db()
    assert placed.standard_id == original.pk
    found = standards_search(StandardFilters(query="tape diagrams"))
    assert list(found) == [updated]


def load_summary(package: dict) -> services.ImportSummary:
    from masterly.integrations.case.importer import import_case_package

    return import_case_package(actor=None, data=dumps(package), source="test")


def test_an_item_gone_upstream_is_retired_never_deleted_and_comes_back(world: World) -> None:
    package = small_package()
    framework = load(package)
    gone = Standard.objects.get(human_coding_scheme="6.RP.A.2")
    curriculum_map = services.curriculum_map_create(
        actor=world.admin, course=world.section.course, title="D", scope="district"
    )
    unit = services.unit_create(actor=world.admin, curriculum_map=curriculum_map, title="U")
    services.unit_standard_add(actor=world.admin, unit=unit, standard=gone)

    without = changed(package)
    without["CFItems"] = [i for i in without["CFItems"] if i["identifier"] != ids("6.RP.A.2")]
    without["CFAssociations"] = [
        a
        for a in without["CFAssociations"]
        if ids("6.RP.A.2")
        not in (a["originNodeURI"]["identifier"], a["destinationNodeURI"]["identifier"])
    ]
    summary = load_summary(without)

    assert summary.items_retired == 1 and summary.associations_retired == 2
    gone.refresh_from_db()
    assert gone.retired_at is not None
    assert unit.unit_standards.get().standard_id == gone.pk
    assert gone not in standards_search(StandardFilters(query="unit rate", framework=framework))

    back = load_summary(package)
    # 6.RP.A.2 comes back; 6.RP.A.3 and its component move back down a place.
    assert back.items_updated == 3 and back.associations_updated == 2
    gone.refresh_from_db()
    assert gone.retired_at is None


def test_siblings_follow_the_sequence_number_before_the_enumeration() -> None:
    package = small_package()
    for a in package["CFAssociations"]:
        if a["destinationNodeURI"]["identifier"] == ids("6.RP.A"):
            # Publish them in reverse order through sequenceNumber.
            a["sequenceNumber"] = {"6.RP.A.1": 3, "6.RP.A.2": 2, "6.RP.A.3": 1}[
                a["originNodeURI"]["identifier"].removeprefix("item-")
            ]
    load(package)
    cluster = Standard.objects.get(human_coding_scheme="6.RP.A")
    order = list(
        cluster.children.order_by("tree_path").values_list("human_coding_scheme", flat=True)
    )
    assert order == ["6.RP.A.3", "6.RP.A.2", "6.RP.A.1"]


def test_a_case_1_1_package_with_its_extra_fields_is_read_and_kept() -> None:
    package = small_package()
    package["CFDocument"].update(caseVersion="1.1", frameworkType="State standards")
    package["CFDocument"]["extensions"] = {"district": "x"}
    for i in package["CFItems"]:
        i["CFDocumentURI"] = {"identifier": DOC, "uri": "u", "title": "t"}
    package["CFItems"][3]["statusStartDate"] = "2024-01-01"
    package["CFItems"][3]["customField"] = [1, 2]
    package["CFAssociations"].append(
        association(
            ids("6.RP.A.1"),
            "exactMatchOf",
            "elsewhere-1",
            CFAssociationGroupingURI={"identifier": "g", "uri": "g", "title": "G"},
        )
    )
    wrapped = {"CFPackage": package}

    summary = load_summary(wrapped)

    assert summary.format_version == "1.1"
    framework = Framework.objects.get()
    assert framework.framework_type == "State standards"
    assert framework.extra == {"extensions": {"district": "x"}}
    one = Standard.objects.get(human_coding_scheme="6.RP.A.1")
    assert one.extra == {"customField": [1, 2]}
    assert str(one.status_start_date) == "2024-01-01"
    external = Association.objects.get(association_type="exactMatchOf")
    assert external.destination is None and external.destination_identifier == "elsewhere-1"
    assert external.extra["CFAssociationGroupingURI"]["title"] == "G"


@pytest.fixture
def case_server(settings: Any) -> Iterator[str]:
    """A CASE API on the loopback interface only, which the import is allowed to reach."""
    settings.CASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    api = LoopbackCaseApi()
    yield api.url(path="/ims/case/v1p0")
    api.close()


def test_a_package_is_read_from_a_case_api_url(case_server: str) -> None:
    output = run(f"{case_server}/CFPackages/{DOC}")
    assert "7 created" in output
    assert Framework.objects.get().identifier == DOC


def test_a_cfdocuments_url_means_that_documents_package(case_server: str) -> None:
    run(f"{case_server}/CFDocuments/{DOC}")
    assert Standard.objects.count() == 7


def test_a_url_that_fails_says_so_and_writes_nothing(case_server: str) -> None:
    before = counts()
    with pytest.raises(CommandError, match="answered 404 Not Found"):
        run(f"{case_server}/CFPackages/not-there")
    assert counts() == before


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"There is no file .*nothing\.json"):
        run(str(tmp_path / "nothing.json"))


def test_the_import_is_audited_once_with_its_counts() -> None:
    load(small_package())
    event = AuditEvent.objects.get(action="standards.framework_imported")
    assert event.details["items_created"] == 7
    assert event.details["source"] == "test"


def test_items_without_a_parent_sit_at_the_top_in_enumeration_order() -> None:
    package = {
        "CFDocument": {"identifier": DOC, "title": "Loose"},
        "CFItems": [
            item("B", "Second", enumeration="2"),
            item("A", "First", enumeration="1"),
        ],
        "CFAssociations": [],
    }
    load(package)
    assert list(Standard.objects.values_list("human_coding_scheme", "tree_path", "depth")) == [
        ("A", "00001", 0),
        ("B", "00002", 0),
    ]


def test_the_shared_package_file_is_valid_json() -> None:
    # The demo and these tests depend on it; a clear failure if the shared data moved.
    assert json.loads(CCSS_PATH.read_bytes())["CFDocument"]["title"]
