"""Learning progressions: prerequisite and related-standard edges between codes.

Edges become associations of the framework (``precedes`` or ``isRelatedTo``) with an
identifier derived from their ends, so re-running the same file changes nothing. They are
marked as coming from a progressions file, so a later CASE re-import does not retire them.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from masterly.core.audit import record
from masterly.standards.models import Association, Framework, Standard
from masterly.standards.packages import IS_RELATED_TO, PRECEDES
from masterly.standards.text import code_key

# What each relationship word of a progressions file means in CASE.
RELATIONSHIPS = {
    "dependency": PRECEDES,  # source is a prerequisite of target
    "prerequisite": PRECEDES,
    "precedes": PRECEDES,
    "conceptual connection": IS_RELATED_TO,
    "related": IS_RELATED_TO,
    "isrelatedto": IS_RELATED_TO,
}
NAMESPACE = uuid.UUID("6f1f3a52-54a4-4a0f-9c51-6a8f3f0b6c1e")


@dataclass(frozen=True)
class ProgressionEdge:
    row: int  # line number in the file, for messages
    source: str
    target: str
    relationship: str


class ProgressionImportError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ProgressionSummary:
    created: int = 0
    unchanged: int = 0
    skipped: int = 0
    # code -> the rows it appears on, for every code the framework does not have
    unknown_codes: dict[str, list[int]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        lines = [
            f"Progressions: {self.created} created, {self.unchanged} already present, "
            f"{self.skipped} skipped."
        ]
        if self.unknown_codes:
            lines.append(f"Unknown codes ({len(self.unknown_codes)}), their rows skipped:")
            lines.extend(_unknown_lines(self.unknown_codes))
        return lines


def _unknown_lines(unknown: dict[str, list[int]]) -> list[str]:
    return [
        f"  {code} (row{'s' if len(rows) > 1 else ''} {', '.join(map(str, rows))})"
        for code, rows in sorted(unknown.items())
    ]


def association_identifier(framework: Framework, kind: str, origin: str, target: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{framework.identifier}:{kind}:{origin}:{target}"))


def progressions_import(
    *,
    actor: Any | None,
    framework: Framework,
    edges: Iterable[ProgressionEdge],
    skip_unknown: bool = False,
) -> ProgressionSummary:
    """Add the edges to ``framework``.

    A code the framework lacks stops the import (nothing written) with the list of such codes
    and their rows; with ``skip_unknown`` their rows are skipped and the list is returned.
    """
    edges = list(edges)
    by_key: dict[str, list[Standard]] = defaultdict(list)
    for standard in Standard.objects.filter(framework=framework, retired_at__isnull=True).only(
        "pk", "identifier", "uri", "human_coding_scheme", "code_key"
    ):
        if standard.code_key:
            by_key[standard.code_key].append(standard)

    problems: list[str] = []
    unknown: dict[str, list[int]] = defaultdict(list)
    resolved: list[tuple[str, Standard, Standard]] = []
    skipped = 0
    for edge in edges:
        kind = RELATIONSHIPS.get(edge.relationship.strip().lower())
        if kind is None:
            problems.append(
                f"Row {edge.row}: relationship {edge.relationship!r} is not known; use "
                "'dependency' or 'conceptual connection'."
            )
            continue
        ends = []
        for code in (edge.source, edge.target):
            matches = by_key.get(code_key(code), [])
            if len(matches) > 1:
                problems.append(f"Row {edge.row}: code {code} matches several standards.")
            elif not matches:
                unknown[code].append(edge.row)
            else:
                ends.append(matches[0])
        if len(ends) == 2:
            resolved.append((kind, ends[0], ends[1]))
        else:
            skipped += 1
    if unknown and not skip_unknown:
        problems.append(
            f"{len(unknown)} codes are not in “{framework.title}” (nothing was imported; "
            "check the framework, or skip these rows with --skip-unknown):"
        )
        problems.extend(_unknown_lines(unknown))
    if problems:
        raise ProgressionImportError(problems)

    summary = ProgressionSummary(unknown_codes=dict(unknown), skipped=skipped)
    existing = set(
        Association.objects.filter(framework=framework).values_list("identifier", flat=True)
    )
    to_create: dict[str, Association] = {}
    for kind, origin, destination in resolved:
        identifier = association_identifier(
            framework, kind, origin.identifier, destination.identifier
        )
        if identifier in existing or identifier in to_create:
            summary.unchanged += 1
            continue
        to_create[identifier] = Association(
            framework=framework,
            source=Association.Source.PROGRESSIONS,
            identifier=identifier,
            uri=f"urn:uuid:{identifier}",
            association_type=kind,
            origin=origin,
            origin_identifier=origin.identifier,
            origin_uri=origin.uri,
            origin_title=origin.human_coding_scheme,
            destination=destination,
            destination_identifier=destination.identifier,
            destination_uri=destination.uri,
            destination_title=destination.human_coding_scheme,
        )
    if to_create:
        with transaction.atomic():
            Association.objects.bulk_create(list(to_create.values()), batch_size=500)
            summary.created = len(to_create)
            record(
                actor=actor,
                action="standards.progressions_imported",
                target=framework,
                summary=" ".join(summary.lines())[:300],
                details={"created": summary.created, "unknown_codes": sorted(unknown)},
            )
    return summary
