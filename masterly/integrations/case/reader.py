"""CASE JSON -> the standards domain's plain data, with a message for every bad input."""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.utils.translation import gettext
from pydantic import ValidationError

from masterly.integrations.case.schema import CFAssociation, CFDocument, CFItem, CFPackage
from masterly.standards.packages import (
    AssociationData,
    FrameworkData,
    FrameworkPackage,
    ItemData,
    NodeRef,
)
from masterly.standards.services import FrameworkImportError

# A package's own top-level fields beyond CASE's, kept with the framework under this key.
PACKAGE_EXTRA_KEY = "@package"
MAX_PROBLEMS = 50


class CaseFormatError(FrameworkImportError):
    """The data is not a readable CASE package (not JSON, not a CFPackage, bad fields)."""


def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    # CASE timestamps are UTC; a publisher that leaves the offset off still means UTC.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=datetime.UTC)


def _field_errors(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "value"
        parts.append(f"{where}: {problem['msg']}")
    return "; ".join(parts)


def _name(raw: Any, kind: str, index: int) -> str:
    identifier = raw.get("identifier") if isinstance(raw, dict) else None
    if isinstance(identifier, str) and identifier:
        return f"{kind} {identifier}"
    return f"{kind} number {index + 1} (no identifier)"


def parse_json(data: bytes | str) -> Any:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CaseFormatError(
                [
                    "This file is not JSON text (it is not UTF-8). Export the framework from your "
                    "CASE server as a JSON CFPackage and upload that file."
                ]
            ) from None
    try:
        return json.loads(data)
    except json.JSONDecodeError as error:
        raise CaseFormatError(
            [
                f"This file is not JSON (line {error.lineno}, column {error.colno}: {error.msg}). "
                "A CASE package is the JSON a CASE server returns for CFPackages/{id}."
            ]
        ) from None
    except RecursionError:
        # Arrays or objects nested thousands deep: no CASE package is, a hostile file can be.
        raise CaseFormatError(
            [
                gettext(
                    "This file nests its values too deeply to be a CASE package (it is built to "
                    "exhaust the reader). Export the framework again as a JSON CFPackage."
                )
            ]
        ) from None
    except ValueError as error:
        # Python refuses to read an integer of thousands of digits (a denial-of-service guard).
        raise CaseFormatError(
            [
                gettext("This file holds a value that cannot be read (%(reason)s).")
                % {"reason": error}
            ]
        ) from None


def read_package(data: bytes | str) -> FrameworkPackage:
    """Parse a CASE 1.0 or 1.1 CFPackage; raises CaseFormatError listing every problem."""
    raw = parse_json(data)
    if isinstance(raw, dict) and isinstance(raw.get("CFPackage"), dict):
        raw = raw["CFPackage"]  # some servers wrap the package in one more object
    if not isinstance(raw, dict) or not isinstance(raw.get("CFDocument"), dict):
        raise CaseFormatError(
            [
                "This is not a CASE package: it has no CFDocument. Download the whole "
                "framework as a CFPackage (the CASE API's CFPackages/{id}) and try again."
            ]
        )
    try:
        outline = CFPackage.model_validate(raw)
    except ValidationError as error:
        raise CaseFormatError([f"CFPackage: {_field_errors(error)}"]) from None

    problems: list[str] = []
    try:
        document = CFDocument.model_validate(outline.CFDocument)
    except ValidationError as error:
        raise CaseFormatError(
            [f"{_name(outline.CFDocument, 'CFDocument', 0)}: {_field_errors(error)}"]
        ) from None

    items: list[ItemData] = []
    for index, raw_item in enumerate(outline.CFItems):
        try:
            items.append(_item(CFItem.model_validate(raw_item)))
        except ValidationError as error:
            problems.append(f"{_name(raw_item, 'CFItem', index)}: {_field_errors(error)}")
    associations: list[AssociationData] = []
    for index, raw_association in enumerate(outline.CFAssociations):
        try:
            associations.append(_association(CFAssociation.model_validate(raw_association)))
        except ValidationError as error:
            problems.append(
                f"{_name(raw_association, 'CFAssociation', index)}: {_field_errors(error)}"
            )
    if problems:
        if len(problems) > MAX_PROBLEMS:
            problems = [*problems[:MAX_PROBLEMS], f"… and {len(problems) - MAX_PROBLEMS} more."]
        raise CaseFormatError(problems)

    framework = _framework(document, outline)
    version = document.caseVersion or ("1.1" if document.frameworkType else "1.0")
    return FrameworkPackage(
        framework=framework, items=items, associations=associations, format_version=version
    )


def _framework(document: CFDocument, outline: CFPackage) -> FrameworkData:
    extra = document.extra
    package_extra = outline.extra
    if package_extra:
        extra[PACKAGE_EXTRA_KEY] = package_extra
    return FrameworkData(
        identifier=document.identifier,
        uri=document.uri,
        title=document.title,
        creator=document.creator,
        publisher=document.publisher,
        description=document.description,
        version=document.version,
        adoption_status=document.adoptionStatus,
        official_source_url=document.officialSourceURL,
        language=document.language,
        notes=document.notes,
        subject=list(document.subject),
        framework_type=document.frameworkType,
        status_start_date=document.statusStartDate,
        status_end_date=document.statusEndDate,
        last_change_date_time=_aware(document.lastChangeDateTime),
        definitions=outline.CFDefinitions,
        rubrics=outline.CFRubrics,
        extra=extra,
    )


def _item(item: CFItem) -> ItemData:
    return ItemData(
        identifier=item.identifier,
        uri=item.uri,
        full_statement=item.fullStatement,
        human_coding_scheme=item.humanCodingScheme,
        abbreviated_statement=item.abbreviatedStatement,
        alternative_label=item.alternativeLabel,
        item_type=item.CFItemType,
        education_level=list(item.educationLevel),
        list_enumeration=item.listEnumeration,
        language=item.language,
        notes=item.notes,
        concept_keywords=list(item.conceptKeywords),
        status_start_date=item.statusStartDate,
        status_end_date=item.statusEndDate,
        last_change_date_time=_aware(item.lastChangeDateTime),
        extra=item.extra,
    )


def _node(link: Any) -> NodeRef:
    return NodeRef(identifier=link.identifier, uri=link.uri, title=link.title)


def _association(association: CFAssociation) -> AssociationData:
    extra = association.extra
    # Fields a publisher adds to a node reference ride along with the association.
    for key, link in (
        ("originNodeURI", association.originNodeURI),
        ("destinationNodeURI", association.destinationNodeURI),
    ):
        if link.extra:
            extra[f"@{key}"] = link.extra
    return AssociationData(
        identifier=association.identifier,
        uri=association.uri,
        association_type=association.associationType,
        sequence_number=association.sequenceNumber,
        origin=_node(association.originNodeURI),
        destination=_node(association.destinationNodeURI),
        last_change_date_time=_aware(association.lastChangeDateTime),
        extra=extra,
    )
