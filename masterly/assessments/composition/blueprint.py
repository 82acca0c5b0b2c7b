"""The blueprint: standards × items with each cell's points and DOK, totals per standard and
per item, and a warning in words for each standard with too few items or points to judge
mastery (``BLUEPRINT_MIN_ITEMS``, ``BLUEPRINT_MIN_POINTS``). A rubric criterion counts toward
its own standard with its best level's points."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from masterly.assessments.composition.selectors import (
    Part,
    Placed,
    points_label,
    version_alignments,
)
from masterly.standards.models import Standard


@dataclass
class StandardRow:
    standard: Standard
    cells: dict[int, Decimal] = field(default_factory=dict)  # item number → points
    doks: set[int] = field(default_factory=set)

    @property
    def items(self) -> int:
        return len(self.cells)

    @property
    def points(self) -> Decimal:
        return sum(self.cells.values(), Decimal(0))

    @property
    def dok_range(self) -> str:
        low, high = min(self.doks), max(self.doks)
        return str(low) if low == high else f"{low}–{high}"


@dataclass
class Blueprint:
    items: list[Placed]
    rows: list[StandardRow]
    warnings: list[str]

    def row_cells(self) -> list[tuple[StandardRow, list[tuple[Decimal, int] | None]]]:
        """Each standard's row: per item, (points, DOK) where the item counts toward it."""
        return [
            (
                row,
                [
                    (row.cells[p.number], p.version.dok) if p.number in row.cells else None
                    for p in self.items
                ],
            )
            for row in self.rows
        ]


def blueprint(parts: list[Part], *, min_items: int, min_points: Decimal) -> Blueprint:
    items = [placed for part in parts for placed in part.placed]
    rows: dict[int, StandardRow] = {}
    for placed in items:
        version = placed.version
        for standard, points in version_alignments(version):
            row = rows.setdefault(standard.pk, StandardRow(standard))
            row.cells[placed.number] = row.cells.get(placed.number, Decimal(0)) + points
            row.doks.add(version.dok)
    ordered = sorted(
        rows.values(), key=lambda r: (r.standard.framework_id, r.standard.tree_path, r.standard.pk)
    )
    return Blueprint(
        items, ordered, [w for r in ordered if (w := _warning(r, min_items, min_points))]
    )


def _warning(row: StandardRow, min_items: int, min_points: Decimal) -> str:
    if row.items >= min_items and row.points >= min_points:
        return ""
    has = ngettext(
        "%(code)s has %(n)d item (%(points)s)",
        "%(code)s has %(n)d items (%(points)s)",
        row.items,
    ) % {"code": row.standard.label, "n": row.items, "points": points_label(row.points)}
    if row.items < min_items:
        need = ngettext(
            "at least %(n)d item is needed to judge mastery",
            "at least %(n)d items are needed to judge mastery",
            min_items,
        ) % {"n": min_items}
    else:
        need = _("at least %(points)s are needed to judge mastery") % {
            "points": points_label(min_points)
        }
    return f"{has}; {need}."
