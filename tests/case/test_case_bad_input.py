"""Each kind of bad CASE package is refused with a message naming the item, and nothing is
written: not into an empty database, and not over a framework already loaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from tests.case.case_packages import (
    association,
    changed,
    counts,
    dumps,
    fingerprint,
    ids,
    item,
    load,
    small_package,
)

pytestmark = pytest.mark.django_db


def _with(change: Callable[[dict[str, Any]], Any]) -> bytes:
    package = changed(small_package())
    # Every bad package also edits a statement, to prove no part of it is written.
    package["CFItems"][3]["fullStatement"] = "EDITED BY A BAD PACKAGE"
    change(package)
    return dumps(package)


def _unknown_origin(package: dict[str, Any]) -> None:
    package["CFAssociations"].append(association("ghost-item", "isChildOf", ids("6.RP.A")))


def _unknown_destination(package: dict[str, Any]) -> None:
    package["CFAssociations"].append(association(ids("6.RP.A.1"), "precedes", "nowhere-item"))


def _duplicate_item(package: dict[str, Any]) -> None:
    package["CFItems"].append(item("6.RP.A.1", "Twice"))


def _duplicate_association(package: dict[str, Any]) -> None:
    package["CFAssociations"].append(package["CFAssociations"][0])


def _cycle(package: dict[str, Any]) -> None:
    package["CFAssociations"].append(association(ids("6.RP.A"), "isChildOf", ids("6.RP.A.3.c")))


def _self_parent(package: dict[str, Any]) -> None:
    package["CFAssociations"].append(association(ids("6.RP.A.2"), "isChildOf", ids("6.RP.A.2")))


def _missing_statement(package: dict[str, Any]) -> None:
    del package["CFItems"][4]["fullStatement"]


def _bad_date(package: dict[str, Any]) -> None:
    package["CFItems"][5]["lastChangeDateTime"] = "last Tuesday"


BAD_PACKAGES = {
    "not JSON": (b'{"CFDocument": {', r"This file is not JSON \(line 1, column 17"),
    "not UTF-8": (b"\xff\xfe\x00garbage", "not JSON text"),
    "a JSON list": (b"[1, 2]", "This is not a CASE package: it has no CFDocument"),
    "JSON without CFDocument": (b'{"CFItems": []}', "not a CASE package: it has no CFDocument"),
    "CFItems not a list": (
        dumps({"CFDocument": {"identifier": "x", "title": "t"}, "CFItems": {"a": 1}}),
        "CFPackage: CFItems: Input should be a valid list",
    ),
    "document without title": (
        dumps({"CFDocument": {"identifier": "doc-1"}, "CFItems": []}),
        "CFDocument doc-1: title: Field required",
    ),
    "association from an unknown item": (
        _with(_unknown_origin),
        r"CFAssociation assoc-ghost-item-isChildOf-item-6\.RP\.A \(isChildOf\): its origin "
        "ghost-item is not a CFItem of this package",
    ),
    "association to an unknown item": (
        _with(_unknown_destination),
        "its destination nowhere-item is not a CFItem of this package",
    ),
    "duplicate item identifiers": (
        _with(_duplicate_item),
        r"Duplicate identifier: CFItem item-6\.RP\.A\.1 appears 2 times",
    ),
    "duplicate association identifiers": (
        _with(_duplicate_association),
        "Duplicate identifier: CFAssociation assoc-item-G6-isChildOf-",
    ),
    "a cycle in isChildOf": (
        _with(_cycle),
        r"isChildOf cycle: CFItem item-6\.RP\.A \(6\.RP\.A\) → item-6\.RP\.A\.3\.c "
        r"\(6\.RP\.A\.3\.c\) → item-6\.RP\.A\.3 \(6\.RP\.A\.3\) → item-6\.RP\.A \(6\.RP\.A\)",
    ),
    "an item its own parent": (
        _with(_self_parent),
        r"isChildOf cycle: CFItem item-6\.RP\.A\.2 \(6\.RP\.A\.2\) → item-6\.RP\.A\.2",
    ),
    "an item without its statement": (
        _with(_missing_statement),
        r"CFItem item-6\.RP\.A\.2: fullStatement: Field required",
    ),
    "an unreadable date": (
        _with(_bad_date),
        r"CFItem item-6\.RP\.A\.3: lastChangeDateTime: Input should be a valid datetime",
    ),
}


def _import(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_bytes(data)
    call_command("import_case", str(path))


@pytest.mark.parametrize("case", list(BAD_PACKAGES), ids=list(BAD_PACKAGES))
def test_bad_package_into_an_empty_database(case: str, tmp_path: Path) -> None:
    data, message = BAD_PACKAGES[case]
    before = counts()
    with pytest.raises(CommandError, match=message) as raised:
        _import(data, tmp_path)
    assert "nothing was changed" in str(raised.value)
    assert counts() == before


@pytest.mark.parametrize("case", list(BAD_PACKAGES), ids=list(BAD_PACKAGES))
def test_bad_package_over_a_loaded_framework(case: str, tmp_path: Path) -> None:
    load(small_package())
    data, message = BAD_PACKAGES[case]
    before, data_before = counts(), fingerprint()
    with pytest.raises(CommandError, match=message):
        _import(data, tmp_path)
    assert counts() == before
    assert fingerprint() == data_before


def test_every_problem_is_listed_not_only_the_first(tmp_path: Path) -> None:
    def several(package: dict[str, Any]) -> None:
        _unknown_origin(package)
        _duplicate_item(package)
        _unknown_destination(package)

    with pytest.raises(CommandError) as raised:
        _import(_with(several), tmp_path)
    text = str(raised.value)
    assert "ghost-item" in text and "nowhere-item" in text and "Duplicate identifier" in text


def test_an_outside_destination_is_kept_when_it_says_where_it_is() -> None:
    package = small_package()
    package["CFAssociations"].append(
        association(ids("6.RP.A.1"), "exactMatchOf", "other-framework-item")
    )
    load(package)  # no error: the destination has a URI


def test_an_outside_destination_without_uri_is_refused(tmp_path: Path) -> None:
    def outside(package: dict[str, Any]) -> None:
        extra = association(ids("6.RP.A.1"), "isRelatedTo", "lost-item")
        extra["destinationNodeURI"]["uri"] = ""
        package["CFAssociations"].append(extra)

    with pytest.raises(
        CommandError, match="lost-item is not a CFItem of this package and has no URI"
    ):
        _import(_with(outside), tmp_path)
