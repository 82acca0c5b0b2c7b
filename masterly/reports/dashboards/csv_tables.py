"""A dashboard's table as CSV: the same figures as the page, suppressed the same way, every
cell formula-safe (``trackers.csv_export.safe_cell``), its headings in the reader's language
chosen by the table's stable name, never worked out from its display title."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext

from masterly.trackers.csv_export import safe_cell
from masterly.trackers.selectors.dashboard import Dashboard
from masterly.trackers.selectors.dashboard_figures import Figure, level_name


def _rows(
    figures: Iterable[Figure], levels: list[str], first: str, minimum: int
) -> Iterator[list[object]]:
    header: list[object] = [first, gettext("Students")]
    for level in levels:
        name = level_name(level)
        header += [
            gettext("%(level)s (count)") % {"level": name},
            gettext("%(level)s (%%)") % {"level": name},
        ]
    yield header
    note = gettext("not shown: fewer than %(n)s students, or would reveal such a group") % {
        "n": minimum
    }
    for figure in figures:
        if figure.suppressed:
            yield [figure.label, note]
            continue
        row: list[object] = [figure.label, figure.students]
        for share in figure.shares(levels):
            row += [share.count, share.percent]
        yield row


def table_csv(dashboard: Dashboard, table: str) -> str:
    if table == "over_time":
        figures = [figure for _, figure in dashboard.over_time]
        first, levels = gettext("As of"), dashboard.levels
    else:
        chosen = dashboard.tables[table]
        figures, levels, first = chosen.rows, chosen.levels, chosen.heading
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in _rows(figures, levels, first, dashboard.minimum):
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()
