"""CASE 1.0 / 1.1 JSON, typed at the edge (pydantic).

Field names are CASE's own. Fields Masterly does not read are allowed and kept
(``model_extra``), so an export gives back everything a publisher sent. Optional text may be
null or missing in real packages; both read as "".
"""

from __future__ import annotations

import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


class CaseModel(BaseModel):
    model_config = ConfigDict(extra="allow", str_strip_whitespace=False)

    @property
    def extra(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def _text(value: Any) -> Any:
    return "" if value is None else value


class LinkURI(CaseModel):
    identifier: str = Field(min_length=1)
    uri: str = ""
    title: str = ""

    _blank = field_validator("uri", "title", mode="before")(_text)


class CFDocument(CaseModel):
    identifier: str = Field(min_length=1)
    uri: str = ""
    title: str = Field(min_length=1)
    creator: str = ""
    publisher: str = ""
    description: str = ""
    version: str = ""
    adoptionStatus: str = ""
    officialSourceURL: str = ""
    language: str = ""
    notes: str = ""
    subject: list[str] = Field(default_factory=list)
    frameworkType: str = ""
    caseVersion: str = ""
    statusStartDate: datetime.date | None = None
    statusEndDate: datetime.date | None = None
    lastChangeDateTime: datetime.datetime | None = None
    # Derived from the document itself on export, so not kept.
    CFPackageURI: LinkURI | None = None

    _blank = field_validator(
        "uri",
        "creator",
        "publisher",
        "description",
        "version",
        "adoptionStatus",
        "officialSourceURL",
        "language",
        "notes",
        "frameworkType",
        "caseVersion",
        mode="before",
    )(_text)

    @field_validator("subject", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        return _as_list(value)


def _as_list(value: Any) -> Any:
    """Some publishers send "06,07" or null where CASE has a list."""
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class CFItem(CaseModel):
    identifier: str = Field(min_length=1)
    uri: str = ""
    fullStatement: str = Field(min_length=1)
    humanCodingScheme: str = ""
    abbreviatedStatement: str = ""
    alternativeLabel: str = ""
    CFItemType: str = ""
    educationLevel: list[str] = Field(default_factory=list)
    listEnumeration: str = ""
    language: str = ""
    notes: str = ""
    conceptKeywords: list[str] = Field(default_factory=list)
    statusStartDate: datetime.date | None = None
    statusEndDate: datetime.date | None = None
    lastChangeDateTime: datetime.datetime | None = None
    # Which document the item belongs to: the package says that already.
    CFDocumentURI: LinkURI | None = None

    _blank = field_validator(
        "uri",
        "humanCodingScheme",
        "abbreviatedStatement",
        "alternativeLabel",
        "CFItemType",
        "listEnumeration",
        "language",
        "notes",
        mode="before",
    )(_text)

    @field_validator("educationLevel", "conceptKeywords", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("listEnumeration", mode="before")
    @classmethod
    def _enumeration(cls, value: Any) -> Any:
        # Some publishers send the list enumeration as a number.
        return str(value) if isinstance(value, int) else _text(value)


class CFAssociation(CaseModel):
    identifier: str = Field(min_length=1)
    uri: str = ""
    associationType: str = Field(min_length=1)
    sequenceNumber: int | None = None
    originNodeURI: LinkURI
    destinationNodeURI: LinkURI
    lastChangeDateTime: datetime.datetime | None = None
    CFDocumentURI: LinkURI | None = None

    _blank = field_validator("uri", mode="before")(_text)


class CFPackage(CaseModel):
    """The package's outline; items and associations are read one by one (see reader)."""

    CFDocument: dict[str, Any]
    CFItems: list[Any] = Field(default_factory=list)
    CFAssociations: list[Any] = Field(default_factory=list)
    CFDefinitions: dict[str, Any] = Field(default_factory=dict)
    CFRubrics: list[Any] = Field(default_factory=list)

    @field_validator("CFItems", "CFAssociations", "CFRubrics", mode="before")
    @classmethod
    def _list(cls, value: Any) -> Any:
        return [] if value is None else value

    @field_validator("CFDefinitions", mode="before")
    @classmethod
    def _dict(cls, value: Any) -> Any:
        return {} if value is None else value
