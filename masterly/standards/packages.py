"""A framework as plain data: what an import hands to the standards services.

Integrations (CASE JSON, a future spreadsheet importer) parse their format at the edge into
these dataclasses; the services never see raw JSON. Field names are the model columns'.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

# The association types Masterly gives meaning to (all others are kept as published).
IS_CHILD_OF = "isChildOf"  # the tree
PRECEDES = "precedes"  # origin is a prerequisite of destination
IS_RELATED_TO = "isRelatedTo"


@dataclass(frozen=True)
class NodeRef:
    """One end of an association: an item, the framework itself, or something elsewhere."""

    identifier: str
    uri: str = ""
    title: str = ""


@dataclass
class FrameworkData:
    identifier: str
    title: str
    uri: str = ""
    creator: str = ""
    publisher: str = ""
    description: str = ""
    version: str = ""
    adoption_status: str = ""
    official_source_url: str = ""
    language: str = ""
    notes: str = ""
    subject: list[str] = field(default_factory=list)
    framework_type: str = ""
    status_start_date: datetime.date | None = None
    status_end_date: datetime.date | None = None
    last_change_date_time: datetime.datetime | None = None
    definitions: dict[str, Any] = field(default_factory=dict)
    rubrics: list[Any] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class ItemData:
    identifier: str
    full_statement: str
    uri: str = ""
    human_coding_scheme: str = ""
    abbreviated_statement: str = ""
    alternative_label: str = ""
    item_type: str = ""
    education_level: list[str] = field(default_factory=list)
    list_enumeration: str = ""
    language: str = ""
    notes: str = ""
    concept_keywords: list[str] = field(default_factory=list)
    status_start_date: datetime.date | None = None
    status_end_date: datetime.date | None = None
    last_change_date_time: datetime.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class AssociationData:
    identifier: str
    association_type: str
    origin: NodeRef
    destination: NodeRef
    uri: str = ""
    sequence_number: int | None = None
    last_change_date_time: datetime.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class FrameworkPackage:
    framework: FrameworkData
    items: list[ItemData]
    associations: list[AssociationData]
    # The format version the package declared ("1.0", "1.1"), reported back, not stored.
    format_version: str = ""


# The columns an import compares and writes, in one place for import and export alike.
FRAMEWORK_FIELDS = (
    "uri",
    "title",
    "creator",
    "publisher",
    "description",
    "version",
    "adoption_status",
    "official_source_url",
    "language",
    "notes",
    "subject",
    "framework_type",
    "status_start_date",
    "status_end_date",
    "last_change_date_time",
    "definitions",
    "rubrics",
    "extra",
)
ITEM_FIELDS = (
    "uri",
    "human_coding_scheme",
    "full_statement",
    "abbreviated_statement",
    "alternative_label",
    "item_type",
    "education_level",
    "list_enumeration",
    "language",
    "notes",
    "concept_keywords",
    "status_start_date",
    "status_end_date",
    "last_change_date_time",
    "extra",
)
# The fields whose words are searchable (with concept_keywords); notes are prose about a
# group of standards and would make every search match them.
ITEM_TEXT_FIELDS = ("full_statement", "abbreviated_statement", "alternative_label")
ASSOCIATION_FIELDS = (
    "uri",
    "association_type",
    "sequence_number",
    "origin_identifier",
    "origin_uri",
    "origin_title",
    "destination_identifier",
    "destination_uri",
    "destination_title",
    "last_change_date_time",
    "extra",
)
