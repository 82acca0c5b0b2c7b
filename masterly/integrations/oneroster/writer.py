"""Writing OneRoster CSV sets (the demo district, benchmarks): the standard headers, streamed.

Rows are mappings from column name to text; columns a row lacks are written empty.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO

COMMON = ["sourcedId", "status", "dateLastModified"]
HEADERS_V12 = {
    "orgs.csv": [*COMMON, "name", "type", "identifier", "parentSourcedId"],
    "academicSessions.csv": [
        *COMMON,
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ],
    "courses.csv": [
        *COMMON,
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ],
    "classes.csv": [
        *COMMON,
        "title",
        "grades",
        "courseSourcedId",
        "classCode",
        "classType",
        "location",
        "schoolSourcedId",
        "termSourcedIds",
        "subjects",
        "subjectCodes",
        "periods",
    ],
    "users.csv": [
        *COMMON,
        "enabledUser",
        "username",
        "userIds",
        "givenName",
        "familyName",
        "middleName",
        "identifier",
        "email",
        "sms",
        "phone",
        "agentSourcedIds",
        "grades",
        "password",
        "userMasterIdentifier",
        "preferredGivenName",
        "preferredMiddleName",
        "preferredFamilyName",
        "primaryOrgSourcedId",
        "pronouns",
    ],
    "roles.csv": [
        *COMMON,
        "userSourcedId",
        "roleType",
        "role",
        "beginDate",
        "endDate",
        "orgSourcedId",
        "userProfileSourcedId",
    ],
    "enrollments.csv": [
        *COMMON,
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "primary",
        "beginDate",
        "endDate",
    ],
    "demographics.csv": [
        *COMMON,
        "birthDate",
        "sex",
        "americanIndianOrAlaskaNative",
        "asian",
        "blackOrAfricanAmerican",
        "nativeHawaiianOrOtherPacificIslander",
        "white",
        "demographicRaceTwoOrMoreRaces",
        "hispanicOrLatinoEthnicity",
        "countryOfBirthCode",
        "stateOfBirthAbbreviation",
        "cityOfBirth",
        "publicSchoolResidenceStatus",
    ],
}
FILE_KEYS = [
    "academicSessions",
    "categories",
    "classes",
    "classResources",
    "courses",
    "courseResources",
    "demographics",
    "enrollments",
    "lineItems",
    "orgs",
    "resources",
    "results",
    "roles",
    "users",
]


def manifest_rows(files: Iterable[str], *, version: str = "1.2") -> list[tuple[str, str]]:
    present = {name.removesuffix(".csv") for name in files}
    rows = [("manifest.version", "1.0"), ("oneroster.version", version)]
    rows += [(f"file.{key}", "bulk" if key in present else "absent") for key in FILE_KEYS]
    rows += [("source.systemName", "Masterly"), ("source.systemCode", "masterly")]
    return rows


def write_rows(stream: IO[str], header: list[str], rows: Iterable[Mapping[str, str]]) -> int:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
        count += 1
    return count


def write_manifest(stream: IO[str], files: Iterable[str], *, version: str = "1.2") -> None:
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(["propertyName", "value"])
    writer.writerows(manifest_rows(files, version=version))


def build_set(files: Mapping[str, Iterable[Mapping[str, str]]]) -> dict[str, bytes]:
    """A OneRoster 1.2 bulk set in memory (name → bytes), for a ``MemorySource``."""
    contents: dict[str, bytes] = {}
    for name, rows in files.items():
        out = io.StringIO()
        write_rows(out, HEADERS_V12[name], rows)
        contents[name] = out.getvalue().encode()
    out = io.StringIO()
    write_manifest(out, files)
    contents["manifest.csv"] = out.getvalue().encode()
    return contents


def write_set(folder: Path, files: Mapping[str, Iterable[Mapping[str, str]]]) -> dict[str, int]:
    """A OneRoster 1.2 bulk set written to a folder, rows streamed; returns rows per file."""
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, rows in files.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as stream:
            counts[name] = write_rows(stream, HEADERS_V12[name], rows)
    with (folder / "manifest.csv").open("w", encoding="utf-8", newline="") as stream:
        write_manifest(stream, files)
    return counts
