"""manifest.csv: which OneRoster version, and for each file whether it is bulk, delta or absent."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from masterly.integrations.oneroster.binding import MANIFEST_COLUMNS
from masterly.integrations.oneroster.csvreader import CsvFile
from masterly.integrations.oneroster.errors import ErrorList
from masterly.integrations.oneroster.source import MANIFEST, RosterSource

VERSIONS = {"1.1": "1.1", "1.1.0": "1.1", "1.2": "1.2", "1.2.0": "1.2"}


class Mode(enum.StrEnum):
    BULK = "bulk"
    DELTA = "delta"
    ABSENT = "absent"


@dataclass
class Manifest:
    version: str
    modes: dict[str, Mode] = field(default_factory=dict)

    def mode(self, filename: str) -> Mode:
        """A file the manifest does not mention is absent: left untouched."""
        return self.modes.get(filename, Mode.ABSENT)


def read_manifest(source: RosterSource, errors: ErrorList) -> Manifest | None:
    if not source.exists(MANIFEST):
        errors.add(
            MANIFEST,
            f"{source.name} has no manifest.csv. A OneRoster CSV set always has one beside "
            "orgs.csv and users.csv, saying the version and which files are in the set; export "
            "the whole set again from your student information system.",
        )
        return None
    csv_file = CsvFile(source, MANIFEST, errors, required=MANIFEST_COLUMNS)
    properties: dict[str, tuple[int, str]] = {}
    for line, row in csv_file.rows():
        properties[row["propertyName"].strip()] = (line, row["value"].strip())
    if errors:
        return None

    line, raw_version = properties.get("oneroster.version", (1, ""))
    version = VERSIONS.get(raw_version)
    if version is None:
        errors.add(
            MANIFEST,
            f"oneroster.version is “{raw_version}”; Masterly reads OneRoster 1.1 and 1.2 CSV. "
            "Add the row oneroster.version,1.2 (or 1.1) as your files are.",
            line=line,
            column="value",
        )
        return None

    manifest = Manifest(version=version)
    for name, (line, value) in properties.items():
        if not name.startswith("file."):
            continue
        filename = name.removeprefix("file.") + ".csv"
        try:
            mode = Mode(value.lower())
        except ValueError:
            errors.add(
                MANIFEST,
                f"{name} is “{value}”; use bulk, delta or absent.",
                line=line,
                column="value",
            )
            continue
        if mode is Mode.DELTA:
            errors.add(
                MANIFEST,
                f"{name} is delta, but only bulk is supported: Masterly imports complete "
                "(bulk) OneRoster sets. Export a full set and import that.",
                line=line,
                column="value",
            )
            continue
        if mode is Mode.BULK and not source.exists(filename):
            errors.add(
                filename,
                f"manifest.csv lists {filename} as bulk, but the file is not in {source.name}. "
                "Add the file, or mark it absent in manifest.csv.",
            )
            continue
        manifest.modes[filename] = mode
    return None if errors else manifest
