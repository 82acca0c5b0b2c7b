"""The grid's cells as HTML, built in Python.

A large tracker has thousands of cells (40 students × 80 standards = 3,200); rendering each
through template tags (a ``{% url %}`` and a dozen lookups per cell) costs far more than the
database work of the whole page, so each row's cells are written here, once, with every
value escaped. The markup is what ``grid.html`` would write for a cell.

The printed grid is a second, compact rendering (:func:`print_parts`): a browser cannot split
a wide table across pages, so the standards are cut into page-wide parts, each a table of its
own with the students' names, and only those parts are shown on paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from masterly.portals.trackers.colours import colour_class
from masterly.trackers.selectors.grid import Column, Grid, Row, Swatch, UnitGroup, units_of

# Standards per printed table: with the names' column they fill a landscape Letter page
# (the narrower of Letter and A4) at 8 pt without being cut off.
PRINT_COLUMNS = 12


def _cell_base(tracker_id: int) -> str:
    """``/trackers/<id>/cells/`` (a cell's URL is this, then ``<student>/<standard>/``)."""
    sample = reverse("tracker_cell", args=[tracker_id, 1, 1])
    return sample[: -len("1/1/")]


def row_cells_html(grid: Grid, *, pending: bool = False) -> list[tuple[Row, SafeString]]:
    """Each row of ``grid`` with the HTML of its cells (``<td>`` elements).

    ``pending``: the tracker's first levels are still being calculated, so a cell with no level
    yet shows "…" instead of an NS it may wrongly read (its link still opens the explained
    calculation); cells whose evidence came after the tracker was made have theirs already.
    """
    base = _cell_base(grid.tracker.pk)
    override = escape(gettext("override"))
    set_by_teacher = escape(gettext("set by the teacher"))
    being_calculated = escape(gettext("being calculated"))
    not_assessed = grid.scale.not_assessed.abbreviation
    columns = [(escape(column.code), column.standard_id) for column in grid.columns]
    out: list[tuple[Row, SafeString]] = []
    for row in grid.rows:
        student = row.student.pk
        parts: list[str] = []
        for cell, (code, standard_id) in zip(row.cells, columns, strict=True):
            href = f"{base}{student}/{standard_id}/"
            if pending and cell.swatch.abbreviation == not_assessed and not cell.is_overridden:
                parts.append(
                    f'<td class="grid-cell"><a class="cell cell--pending" href="{href}" '
                    f'title="{being_calculated}">…<span class="visually-hidden"> '
                    f"{being_calculated}, {code}</span></a></td>"
                )
                continue
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
                f'<td class="grid-cell"><a class="cell level-{abbreviation.lower()} '
                f'{colour_class(swatch)}" href="{href}" title="{title}">'
                f"{abbreviation}{'*' if cell.is_overridden else ''}"
                f'<span class="visually-hidden">{hidden}</span></a></td>'
            )
        out.append((row, mark_safe("".join(parts))))  # noqa: S308 - every value escaped above
    return out


# ------------------------------------------------------------------ the printed grid


@dataclass
class PrintPart:
    """Standards ``first``–``last`` (counted from 1) of the grid, as one printed table."""

    first: int
    last: int
    units: list[UnitGroup]
    columns: list[Column]
    rows: list[tuple[Row, SafeString]]
    distribution: list[tuple[Swatch, list[int]]]


def _print_cells(grid: Grid, *, pending: bool) -> dict[tuple[str, bool], str]:
    """Each printed cell's HTML, by its level's abbreviation and whether it is overridden."""
    cells: dict[tuple[str, bool], str] = {}
    for swatch in grid.legend:
        for overridden in (False, True):
            mark = "*" if overridden else ""
            cells[swatch.abbreviation, overridden] = (
                f'<td class="{colour_class(swatch)}">{escape(swatch.abbreviation)}{mark}</td>'
            )
    if pending:  # no level yet: "…", as on the screen (see row_cells_html)
        cells[grid.scale.not_assessed.abbreviation, False] = "<td>…</td>"
    return cells


def print_parts(
    grid: Grid, *, pending: bool = False, per_part: int = PRINT_COLUMNS
) -> list[PrintPart]:
    """The grid cut into parts of at most ``per_part`` standards, each with every student's row."""
    cells = _print_cells(grid, pending=pending)
    distribution = grid.distribution
    # Parts of nearly equal size (40 standards: four of 10, not three of 12 and one of 4), so
    # every printed table has columns of about the same width.
    count = -(-len(grid.columns) // per_part)
    size = -(-len(grid.columns) // count) if count else per_part
    parts: list[PrintPart] = []
    for start in range(0, len(grid.columns), size):
        stop = start + size
        columns = grid.columns[start:stop]
        rows: list[tuple[Row, SafeString]] = []
        for row in grid.rows:
            html = "".join(
                cells[cell.swatch.abbreviation, cell.is_overridden]
                for cell in row.cells[start:stop]
            )
            rows.append((row, mark_safe(html)))  # noqa: S308 - every value escaped above
        parts.append(
            PrintPart(
                first=start + 1,
                last=start + len(columns),
                units=units_of(columns),
                columns=columns,
                rows=rows,
                distribution=[(swatch, counts[start:stop]) for swatch, counts in distribution],
            )
        )
    return parts
