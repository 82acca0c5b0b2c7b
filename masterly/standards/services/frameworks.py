"""Loading a framework package: create or update by identifier, retire what disappeared.

Everything is checked before the first write (``tree.find_problems``); the writes then run in
one transaction, in bulk, and only for rows whose values differ, so re-importing an unchanged
package writes nothing at all.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from masterly.core.audit import record
from masterly.core.bulk import insert_rows
from masterly.standards.models import Association, Framework, Standard, StandardTerm
from masterly.standards.packages import (
    ASSOCIATION_FIELDS,
    FRAMEWORK_FIELDS,
    ITEM_FIELDS,
    ITEM_TEXT_FIELDS,
    FrameworkPackage,
    ItemData,
)
from masterly.standards.text import GRADE_ORDER, code_key, grade_keys, search_terms
from masterly.standards.tree import Placement, find_problems, place_items

logger = logging.getLogger(__name__)
BATCH = 500
ANALYZE_AFTER = 1000  # items created or updated before table statistics are refreshed
# Item columns derived on import (compared like the published ones).
TREE_FIELDS = ("code_key", "grade_keys", "position", "depth", "tree_path", "retired_at")
LINK_FIELDS = ("parent_id", "domain_id")

Progress = Callable[[str, int, int], None]


class FrameworkImportError(Exception):
    """The package cannot be imported; ``problems`` says why, naming each item."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportSummary:
    framework_id: int
    framework_title: str
    format_version: str = ""
    framework_created: bool = False
    framework_updated: bool = False
    items_created: int = 0
    items_updated: int = 0
    items_retired: int = 0
    items_unchanged: int = 0
    associations_created: int = 0
    associations_updated: int = 0
    associations_retired: int = 0
    associations_unchanged: int = 0

    @property
    def changes(self) -> int:
        return (
            int(self.framework_created)
            + int(self.framework_updated)
            + self.items_created
            + self.items_updated
            + self.items_retired
            + self.associations_created
            + self.associations_updated
            + self.associations_retired
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "changes": self.changes}

    def lines(self) -> list[str]:
        """The summary as a person reads it (command line and run page)."""
        if self.framework_created:
            head = f"Created framework “{self.framework_title}”."
        elif self.changes:
            head = f"Updated framework “{self.framework_title}”."
        else:
            head = f"“{self.framework_title}” is already up to date: 0 changes."
        return [
            head,
            f"Items: {self.items_created} created, {self.items_updated} updated, "
            f"{self.items_retired} retired, {self.items_unchanged} unchanged.",
            f"Associations: {self.associations_created} created, "
            f"{self.associations_updated} updated, {self.associations_retired} retired, "
            f"{self.associations_unchanged} unchanged.",
        ]


def _no_progress(phase: str, done: int, total: int) -> None:
    return None


def framework_import(
    *,
    actor: Any | None,
    package: FrameworkPackage,
    source: str = "",
    progress: Progress | None = None,
) -> ImportSummary:
    """Create or update the package's framework, its items and associations.

    Raises ``FrameworkImportError`` (and writes nothing) when the package is inconsistent.
    """
    report = progress or _no_progress
    report("Checking the package", 0, len(package.items))
    problems = find_problems(package)
    if problems:
        raise FrameworkImportError(problems)
    placements = place_items(package)

    with transaction.atomic():
        framework, created, updated = _sync_framework(package)
        summary = ImportSummary(
            framework_id=framework.pk,
            framework_title=framework.title,
            format_version=package.format_version,
            framework_created=created,
            framework_updated=updated,
        )
        pk_of = _sync_items(framework, package.items, placements, summary, report)
        _sync_associations(framework, package, pk_of, summary, report)
        if summary.items_created + summary.items_updated >= ANALYZE_AFTER:
            _refresh_statistics()
        if summary.changes:
            record(
                actor=actor,
                action="standards.framework_imported",
                target=framework,
                summary=" ".join(summary.lines())[:300],
                details={**summary.as_dict(), "source": source},
            )
    report("Done", len(package.items), len(package.items))
    return summary


def _refresh_statistics() -> None:
    """After a bulk load PostgreSQL's planner still believes the tables are as they were, and
    its visibility map is empty, until autovacuum comes by: searches meanwhile take several
    times longer. Vacuuming and analyzing the search tables once the import has committed
    (VACUUM cannot run inside a transaction) puts them in their steady state at once."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(model._meta.db_table for model in (Standard, StandardTerm, Association))

    def vacuum() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"VACUUM (ANALYZE) {tables}")
        except DatabaseError:
            logger.warning("Could not vacuum the standards tables after an import", exc_info=True)

    transaction.on_commit(vacuum)


def _changed(existing: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    return [name for name, value in desired.items() if existing.get(name) != value]


def _education_levels(items: list[ItemData]) -> list[str]:
    used = {level for item in items for level in item.education_level}
    order = {level: n for n, level in enumerate(GRADE_ORDER)}
    return sorted(used, key=lambda level: (order.get(level, len(order)), level))


def _sync_framework(package: FrameworkPackage) -> tuple[Framework, bool, bool]:
    data = package.framework
    desired = {name: getattr(data, name) for name in FRAMEWORK_FIELDS}
    desired["education_levels"] = _education_levels(package.items)
    framework = Framework.objects.select_for_update().filter(identifier=data.identifier).first()
    if framework is None:
        return Framework.objects.create(identifier=data.identifier, **desired), True, False
    existing = {name: getattr(framework, name) for name in desired}
    changed = _changed(existing, desired)
    if changed:
        for name in changed:
            setattr(framework, name, desired[name])
        framework.save(update_fields=[*changed, "updated_at"])
    return framework, False, bool(changed)


def _item_values(item: ItemData, placement: Placement) -> dict[str, Any]:
    values = {name: getattr(item, name) for name in ITEM_FIELDS}
    values.update(
        code_key=code_key(item.human_coding_scheme),
        grade_keys=grade_keys(item.education_level),
        position=placement.position,
        depth=placement.depth,
        tree_path=placement.path,
        retired_at=None,
    )
    return values


def _terms_of(values: dict[str, Any]) -> set[str]:
    texts = [values[name] for name in ITEM_TEXT_FIELDS]
    return search_terms([*texts, *values["concept_keywords"]])


def _sync_items(
    framework: Framework,
    items: list[ItemData],
    placements: dict[str, Placement],
    summary: ImportSummary,
    report: Progress,
) -> dict[str, int]:
    """Create, update and retire items; returns identifier -> primary key."""
    total = len(items)
    fields = (*ITEM_FIELDS, *TREE_FIELDS, *LINK_FIELDS)
    existing = {
        row["identifier"]: row
        for row in Standard.objects.filter(framework=framework).values("pk", "identifier", *fields)
    }
    pk_of = {identifier: row["pk"] for identifier, row in existing.items()}
    desired = {item.identifier: _item_values(item, placements[item.identifier]) for item in items}
    now = timezone.now()

    # New items go in level by level, so each level's parents already have primary keys.
    new_by_depth: dict[int, list[str]] = defaultdict(list)
    for item in items:
        if item.identifier not in existing:
            new_by_depth[placements[item.identifier].depth].append(item.identifier)
    text_changed: list[int] = []
    done = 0
    for depth in sorted(new_by_depth):
        rows = []
        for identifier in new_by_depth[depth]:
            placement = placements[identifier]
            rows.append(
                Standard(
                    framework=framework,
                    identifier=identifier,
                    parent_id=pk_of[placement.parent] if placement.parent else None,
                    domain_id=pk_of[placement.domain] if placement.domain else None,
                    **desired[identifier],
                )
            )
        for start in range(0, len(rows), BATCH):
            created = Standard.objects.bulk_create(rows[start : start + BATCH])
            for row in created:
                pk_of[row.identifier] = row.pk
                text_changed.append(row.pk)
            done += len(created)
            report("Writing items", done, total)
    summary.items_created = done

    # Existing items: write only the columns that differ.
    to_update: list[Standard] = []
    update_fields: set[str] = set()
    for item in items:
        old = existing.get(item.identifier)
        if old is None:
            continue
        placement = placements[item.identifier]
        want = {
            **desired[item.identifier],
            "parent_id": pk_of[placement.parent] if placement.parent else None,
            "domain_id": pk_of[placement.domain] if placement.domain else None,
        }
        changed = _changed(old, want)
        if not changed:
            summary.items_unchanged += 1
            continue
        row = Standard(pk=old["pk"], updated_at=now, **want)
        to_update.append(row)
        update_fields.update(changed)
        if any(name in changed for name in (*ITEM_TEXT_FIELDS, "concept_keywords")):
            text_changed.append(old["pk"])
    if to_update:
        Standard.objects.bulk_update(to_update, [*sorted(update_fields), "updated_at"], BATCH)
    summary.items_updated = len(to_update)
    report("Writing items", total, total)

    # Gone upstream: retired, never deleted (maps, alignments and evidence point at them).
    gone = [
        row["pk"]
        for identifier, row in existing.items()
        if identifier not in desired and row["retired_at"] is None
    ]
    if gone:
        Standard.objects.filter(pk__in=gone).update(retired_at=now, updated_at=now)
    summary.items_retired = len(gone)

    if text_changed:
        _rebuild_terms(text_changed, {pk_of[i]: v for i, v in desired.items()})
    return pk_of


def _rebuild_terms(pks: list[int], values_by_pk: dict[int, dict[str, Any]]) -> None:
    for start in range(0, len(pks), BATCH):
        StandardTerm.objects.filter(standard_id__in=pks[start : start + BATCH]).delete()
    # Ten thousand words for a whole framework: through the one bulk writer, not an ORM
    # instance each, so the import's write transaction stays short (bench/case_import.py).
    insert_rows(
        StandardTerm,
        (
            {"standard_id": pk, "term": term}
            for pk in pks
            for term in sorted(_terms_of(values_by_pk[pk]))
        ),
    )


def rebuild_search_terms(standards: Iterable[Standard]) -> None:
    """Re-index the given standards' words (after a change of the search rules)."""
    rows = list(standards)
    values = {row.pk: {name: getattr(row, name) for name in ITEM_FIELDS} for row in rows}
    _rebuild_terms([row.pk for row in rows], values)


def _sync_associations(
    framework: Framework,
    package: FrameworkPackage,
    pk_of: dict[str, int],
    summary: ImportSummary,
    report: Progress,
) -> None:
    fields = (*ASSOCIATION_FIELDS, "origin_id", "destination_id", "retired_at")
    existing = {
        row["identifier"]: row
        for row in Association.objects.filter(framework=framework).values(
            "pk", "identifier", "source", *fields
        )
    }
    now = timezone.now()
    to_create: list[Association] = []
    to_update: list[Association] = []
    update_fields: set[str] = set()
    for association in package.associations:
        want: dict[str, Any] = {
            "uri": association.uri,
            "association_type": association.association_type,
            "sequence_number": association.sequence_number,
            "origin_identifier": association.origin.identifier,
            "origin_uri": association.origin.uri,
            "origin_title": association.origin.title,
            "destination_identifier": association.destination.identifier,
            "destination_uri": association.destination.uri,
            "destination_title": association.destination.title,
            "last_change_date_time": association.last_change_date_time,
            "extra": association.extra,
            "origin_id": pk_of.get(association.origin.identifier),
            "destination_id": pk_of.get(association.destination.identifier),
            "retired_at": None,
        }
        old = existing.get(association.identifier)
        if old is None:
            to_create.append(
                Association(framework=framework, identifier=association.identifier, **want)
            )
            continue
        changed = _changed(old, want)
        if not changed:
            summary.associations_unchanged += 1
            continue
        to_update.append(Association(pk=old["pk"], updated_at=now, **want))
        update_fields.update(changed)
    total = len(package.associations)
    for start in range(0, len(to_create), BATCH):
        Association.objects.bulk_create(to_create[start : start + BATCH])
        report("Writing associations", min(start + BATCH, total), total)
    if to_update:
        Association.objects.bulk_update(to_update, [*sorted(update_fields), "updated_at"], BATCH)
    summary.associations_created = len(to_create)
    summary.associations_updated = len(to_update)

    # Only the package's own associations can disappear from it; progression edges added
    # from a separate file are kept.
    published = {a.identifier for a in package.associations}
    gone = [
        row["pk"]
        for identifier, row in existing.items()
        if identifier not in published
        and row["source"] == Association.Source.CASE
        and row["retired_at"] is None
    ]
    if gone:
        Association.objects.filter(pk__in=gone).update(retired_at=now, updated_at=now)
    summary.associations_retired = len(gone)
    report("Writing associations", total, total)
