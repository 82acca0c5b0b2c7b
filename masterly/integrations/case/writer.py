"""A framework as a CASE 1.1 CFPackage (what ``export-case`` and the download link give).

Empty optional fields are left out, and every field kept from the import (``extra``) is put
back, so importing an export gives the same data again.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from masterly.integrations.case.reader import PACKAGE_EXTRA_KEY
from masterly.standards.models import Association, Framework, Standard

CASE_VERSION = "1.1"


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _put(target: dict[str, Any], mapping: dict[str, Any]) -> None:
    for key, value in mapping.items():
        if value not in ("", None, [], {}):
            target[key] = _value(value)


def _link(identifier: str, uri: str, title: str) -> dict[str, str]:
    return {"title": title, "identifier": identifier, "uri": uri}


def export_package(framework: Framework) -> dict[str, Any]:
    document_link = _link(framework.identifier, framework.uri, framework.title)
    extra = dict(framework.extra)
    package_extra = extra.pop(PACKAGE_EXTRA_KEY, {})

    document: dict[str, Any] = {"identifier": framework.identifier}
    _put(
        document,
        {
            "uri": framework.uri,
            "creator": framework.creator,
            "title": framework.title,
            "lastChangeDateTime": framework.last_change_date_time,
            "officialSourceURL": framework.official_source_url,
            "publisher": framework.publisher,
            "description": framework.description,
            "subject": framework.subject,
            "language": framework.language,
            "version": framework.version,
            "adoptionStatus": framework.adoption_status,
            "statusStartDate": framework.status_start_date,
            "statusEndDate": framework.status_end_date,
            "notes": framework.notes,
            "frameworkType": framework.framework_type,
        },
    )
    document.update(extra)
    document["caseVersion"] = CASE_VERSION

    items = [
        _item(standard, document_link)
        for standard in Standard.objects.filter(
            framework=framework, retired_at__isnull=True
        ).order_by("tree_path")
    ]
    current = {item["identifier"] for item in items}
    associations = [
        _association(association, document_link)
        for association in Association.objects.filter(
            framework=framework, retired_at__isnull=True
        ).order_by("id")
        # An association whose item was retired would point at nothing in this package.
        if association.origin_identifier in current
        and (
            association.destination_identifier in current
            or association.destination_identifier == framework.identifier
            or association.destination_id is None
        )
    ]
    package: dict[str, Any] = {
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
    }
    if framework.definitions:
        package["CFDefinitions"] = framework.definitions
    if framework.rubrics:
        package["CFRubrics"] = framework.rubrics
    package.update(package_extra)
    return package


def _item(standard: Standard, document_link: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {"identifier": standard.identifier}
    _put(
        item,
        {
            "uri": standard.uri,
            "fullStatement": standard.full_statement,
            "humanCodingScheme": standard.human_coding_scheme,
            "abbreviatedStatement": standard.abbreviated_statement,
            "alternativeLabel": standard.alternative_label,
            "CFItemType": standard.item_type,
            "listEnumeration": standard.list_enumeration,
            "conceptKeywords": standard.concept_keywords,
            "notes": standard.notes,
            "language": standard.language,
            "educationLevel": standard.education_level,
            "statusStartDate": standard.status_start_date,
            "statusEndDate": standard.status_end_date,
            "lastChangeDateTime": standard.last_change_date_time,
        },
    )
    item.update(standard.extra)
    item["CFDocumentURI"] = document_link
    return item


def _association(association: Association, document_link: dict[str, str]) -> dict[str, Any]:
    extra = dict(association.extra)
    origin = _link(association.origin_identifier, association.origin_uri, association.origin_title)
    origin.update(extra.pop("@originNodeURI", {}))
    destination = _link(
        association.destination_identifier,
        association.destination_uri,
        association.destination_title,
    )
    destination.update(extra.pop("@destinationNodeURI", {}))
    result: dict[str, Any] = {"identifier": association.identifier}
    _put(
        result,
        {
            "uri": association.uri,
            "lastChangeDateTime": association.last_change_date_time,
        },
    )
    if association.sequence_number is not None:
        result["sequenceNumber"] = association.sequence_number
    result["associationType"] = association.association_type
    result["originNodeURI"] = origin
    result["destinationNodeURI"] = destination
    result.update(extra)
    result["CFDocumentURI"] = document_link
    return result


def export_json(framework: Framework) -> str:
    return json.dumps(export_package(framework), ensure_ascii=False, indent=1)


def export_filename(framework: Framework) -> str:
    base = "".join(ch if ch.isalnum() else "-" for ch in framework.title.lower()).strip("-")
    while "--" in base:
        base = base.replace("--", "-")
    return f"{base or 'framework'}-case-{CASE_VERSION}.json"
