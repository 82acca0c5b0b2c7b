"""Small CASE packages built in code, the shipped Common Core package, and table counts."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from masterly.core.models import AuditEvent
from masterly.demo.reference import CCSS_MATH_CASE, CCSS_MATH_PROGRESSIONS
from masterly.integrations.case.importer import import_case_package
from masterly.standards.models import (
    Association,
    CurriculumMap,
    Framework,
    Standard,
    StandardTerm,
    Unit,
    UnitStandard,
)

CCSS_PATH = CCSS_MATH_CASE
PROGRESSIONS_PATH = CCSS_MATH_PROGRESSIONS
DOC = "d0c00000-0000-4000-8000-000000000001"
URI = "https://case.example.org/uri/"


def ids(name: str) -> str:
    """A readable identifier: ids("6.RP.A.1") -> "item-6.RP.A.1"."""
    return f"item-{name}"


def item(
    code: str,
    statement: str,
    *,
    kind: str = "Standard",
    levels: tuple[str, ...] = ("06",),
    enumeration: str = "",
    identifier: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "identifier": identifier or ids(code),
        "uri": URI + (identifier or ids(code)),
        "fullStatement": statement,
        "CFItemType": kind,
        "educationLevel": list(levels),
        "language": "en",
        "lastChangeDateTime": "2024-05-01T12:00:00+00:00",
    }
    if code and kind not in {"Grade Level", "Domain"}:
        data["humanCodingScheme"] = code
    if enumeration:
        data["listEnumeration"] = enumeration
    data.update(extra)
    return data


def link(identifier: str, title: str = "") -> dict[str, str]:
    return {"title": title, "identifier": identifier, "uri": URI + identifier}


def association(
    origin: str, kind: str, destination: str, *, sequence: int | None = 0, **extra: Any
) -> dict[str, Any]:
    identifier = f"assoc-{origin}-{kind}-{destination}"
    data: dict[str, Any] = {
        "identifier": identifier,
        "uri": URI + identifier,
        "lastChangeDateTime": "2024-05-01T12:00:00+00:00",
        "associationType": kind,
        "originNodeURI": link(origin),
        "destinationNodeURI": link(destination),
    }
    if sequence is not None:
        data["sequenceNumber"] = sequence
    data.update(extra)
    return data


def small_package() -> dict[str, Any]:
    """Grade 6 → Ratios domain → 6.RP.A → three standards, one with a component."""
    items = [
        item("G6", "Grade 6", kind="Grade Level", enumeration="7"),
        item("RP", "Ratios & Proportional Relationships", kind="Domain", enumeration="1"),
        item(
            "6.RP.A",
            "Understand ratio concepts and use ratio reasoning to solve problems.",
            kind="Cluster",
            enumeration="A",
        ),
        item(
            "6.RP.A.1",
            "Understand the concept of a ratio and use ratio language.",
            enumeration="1.",
        ),
        item(
            "6.RP.A.2",
            "Understand the concept of a unit rate a/b associated with a ratio a:b.",
            enumeration="2.",
        ),
        item(
            "6.RP.A.3",
            "Use ratio and rate reasoning to solve real-world problems.",
            enumeration="3.",
        ),
        item(
            "6.RP.A.3.c",
            "Find a percent of a quantity as a rate per 100.",
            kind="Component",
            enumeration="c.",
        ),
    ]
    tree = [
        ("G6", DOC),
        ("RP", "G6"),
        ("6.RP.A", "RP"),
        ("6.RP.A.1", "6.RP.A"),
        ("6.RP.A.2", "6.RP.A"),
        ("6.RP.A.3", "6.RP.A"),
        ("6.RP.A.3.c", "6.RP.A.3"),
    ]
    associations = [
        association(ids(child), "isChildOf", ids(parent) if parent != DOC else DOC)
        for child, parent in tree
    ]
    associations.append(association(ids("6.RP.A.1"), "precedes", ids("6.RP.A.2")))
    return {
        "CFDocument": {
            "identifier": DOC,
            "uri": URI + DOC,
            "creator": "Example State",
            "title": "Example Math Standards",
            "lastChangeDateTime": "2024-05-01T12:00:00+00:00",
            "adoptionStatus": "Adopted",
            "language": "en",
        },
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {"CFItemTypes": []},
    }


def changed(package: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(package)


def dumps(package: Any) -> bytes:
    return json.dumps(package).encode()


def load(package: dict[str, Any], actor: Any = None) -> Framework:
    summary = import_case_package(actor=actor, data=dumps(package), source="test")
    return Framework.objects.get(pk=summary.framework_id)


def counts() -> dict[str, int]:
    """Rows of every standards table (and the audit log), to prove nothing was written."""
    return {
        model.__name__: model.objects.count()
        for model in (
            Framework,
            Standard,
            StandardTerm,
            Association,
            CurriculumMap,
            Unit,
            UnitStandard,
            AuditEvent,
        )
    }


def fingerprint() -> list[tuple[Any, ...]]:
    """Every standard's data that an import could change."""
    return list(
        Standard.objects.order_by("pk").values_list(
            "pk", "identifier", "full_statement", "tree_path", "parent_id", "retired_at"
        )
    )


@pytest.fixture
def ccss(db: None) -> Framework:
    """The shared Common Core math package, imported."""
    summary = import_case_package(actor=None, data=CCSS_PATH.read_bytes(), source="ccss")
    return Framework.objects.get(pk=summary.framework_id)
