"""The tracker grid as CSV (levels and scores), safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be read by
spreadsheets as a formula (CSV injection, OWASP); such cells are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from masterly.trackers.selectors.grid import Grid

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """``value`` as text a spreadsheet will never evaluate."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def grid_rows(grid: Grid) -> Iterable[list[str]]:
    """The header then one row per student: name, then level and score per standard."""
    header = ["Student", "Username"]
    for column in grid.columns:
        header += [f"{column.code} level", f"{column.code} score"]
    yield [safe_cell(value) for value in header]
    for row in grid.rows:
        values: list[object] = [row.student.sort_name, row.student.username]
        for cell in row.cells:
            values += [cell.swatch.abbreviation, cell.score_text]
        yield [safe_cell(value) for value in values]


def grid_csv(grid: Grid) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(grid_rows(grid))
    return buffer.getvalue()
