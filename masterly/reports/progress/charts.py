"""The Progress Timeline as server-rendered SVG: a row per standard, a column per checkpoint,
each cell filled with the level's colour and labelled with its abbreviation (colour is never
the only signal; the table beside it holds the same facts)."""

from __future__ import annotations

from html import escape

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from masterly.trackers.level_words import level_name
from masterly.trackers.selectors.progress_report import ProgressTimeline

ROW = 26
CODE = 120
COLUMN = 58
HEAD = 30


def timeline_svg(timeline: ProgressTimeline, *, label: str) -> SafeString:
    """The timeline's picture (empty markup when it has no standards)."""
    if not timeline.rows:
        return mark_safe("")
    width = CODE + COLUMN * len(timeline.checkpoints) + 4
    height = HEAD + ROW * len(timeline.rows) + 4
    parts = [
        f'<svg class="timeline-chart" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(label)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    # Translators: a short day in the timeline, as a Django date format ("Sep 30", "30 sep").
    short_day = gettext("M j")
    for column, day in enumerate(timeline.checkpoints):
        x = CODE + column * COLUMN + COLUMN / 2
        parts.append(
            f'<text font-size="11" x="{x:.0f}" y="{HEAD - 10}" text-anchor="middle" '
            f'fill="#333">{escape(date_format(day, short_day))}</text>'
        )
    for index, row in enumerate(timeline.rows):
        y = HEAD + index * ROW
        parts.append(
            f'<text font-size="12" x="{CODE - 6}" y="{y + 17}" text-anchor="end" '
            f'fill="#111">{escape(row.code[:16])}</text>'
        )
        for column, level in enumerate(row.levels):
            x = CODE + column * COLUMN
            colour = level.colours.traffic_light
            ink = "#111" if _light(colour) else "#fff"
            parts.append(
                f'<rect x="{x + 2}" y="{y + 2}" width="{COLUMN - 4}" height="{ROW - 4}" '
                f'fill="{colour}" stroke="#666" stroke-width="0.5"><title>'
                f"{escape(row.code)}, {escape(date_format(timeline.checkpoints[column]))}: "
                f'{escape(level_name(level))}</title></rect><text font-size="11" '
                f'x="{x + COLUMN / 2:.0f}" y="{y + 17}" text-anchor="middle" fill="{ink}">'
                f"{escape(level.abbreviation)}</text>"
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above


def _light(colour: str) -> bool:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue > 150
