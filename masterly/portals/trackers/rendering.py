"""The grid's cells as HTML, built in Python.

A large tracker has thousands of cells (40 students × 80 standards = 3,200); rendering each
through template tags (a ``{% url %}`` and a dozen lookups per cell) costs far more than the
database work of the whole page, so each row's cells are written here, once, with every
value escaped. The markup is what ``grid.html`` would write for a cell.
"""

from __future__ import annotations

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from masterly.trackers.grid import Grid, Row


def _cell_base(tracker_id: int) -> str:
    """``/trackers/<id>/cells/`` (a cell's URL is this, then ``<student>/<standard>/``)."""
    sample = reverse("tracker_cell", args=[tracker_id, 1, 1])
    return sample[: -len("1/1/")]


def row_cells_html(grid: Grid) -> list[tuple[Row, SafeString]]:
    """Each row of ``grid`` with the HTML of its cells (``<td>`` elements)."""
    base = _cell_base(grid.tracker.pk)
    override = escape(gettext("override"))
    set_by_teacher = escape(gettext("set by the teacher"))
    columns = [(escape(column.code), column.standard_id) for column in grid.columns]
    out: list[tuple[Row, SafeString]] = []
    for row in grid.rows:
        student = row.student.pk
        parts: list[str] = []
        for cell, (code, standard_id) in zip(row.cells, columns, strict=True):
            swatch = cell.swatch
            abbreviation = escape(swatch.abbreviation)
            name = escape(swatch.name)
            score = f"{cell.score_text} %" if cell.raw_score is not None else ""
            title = (
                name
                + (f" · {score}" if score else "")
                + (f" · {override}" if cell.is_overridden else "")
            )
            hidden = (
                f" {name}"
                + (f", {score}" if score else "")
                + (f", {set_by_teacher}" if cell.is_overridden else "")
                + f", {code}"
            )
            parts.append(
                f'<td class="grid-cell"><a class="cell level-{abbreviation.lower()}" '
                f'style="--cell-bg: {swatch.background}; --cell-fg: {swatch.text}" '
                f'href="{base}{student}/{standard_id}/" title="{title}">'
                f"{abbreviation}{'*' if cell.is_overridden else ''}"
                f'<span class="visually-hidden">{hidden}</span></a></td>'
            )
        out.append((row, mark_safe("".join(parts))))  # noqa: S308 - every value escaped above
    return out
