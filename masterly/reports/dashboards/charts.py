"""Dashboard charts as server-rendered SVG: one stacked bar per figure, each level's share.

Every number a chart shows is also in the table beside it; the chart is a picture of that
table (``role="img"`` with a name), colours from classes (no ``style`` attribute: ADR 19),
each segment titled with its level and share, and a suppressed figure drawn as an empty,
labelled bar.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe

from masterly.trackers.selectors.dashboard_figures import Figure, level_name

ROW = 22
LABEL = 170
WIDTH = 600


def _css_level(level: str) -> str:
    return "lvl-" + ("".join(c for c in level if c.isalnum()) or "NS")


def bars(figures: list[Figure], levels: list[str], *, label: str) -> SafeString:
    """A horizontal 100 % stacked bar per figure (empty markup for no figures)."""
    if not figures:
        return mark_safe("")
    height = ROW * len(figures) + 4
    span = WIDTH - LABEL - 10
    parts = [
        f'<svg class="dash-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, figure in enumerate(figures):
        y = index * ROW + 2
        parts.append(
            f'<text class="dash-chart__label" x="{LABEL - 6}" y="{y + 15}" '
            f'text-anchor="end">{escape(figure.label[:28])}</text>'
        )
        if figure.suppressed or not figure.total:
            parts.append(
                f'<rect class="dash-chart__empty" x="{LABEL}" y="{y}" width="{span}" '
                f'height="{ROW - 4}"><title>{escape(figure.label)}: not shown</title></rect>'
            )
            continue
        x = float(LABEL)
        for share in figure.shares(levels):
            if not share.count:
                continue
            width = span * share.count / figure.total
            parts.append(
                f'<rect class="{_css_level(share.level)}" x="{x:.1f}" y="{y}" '
                f'width="{width:.1f}" height="{ROW - 4}"><title>{escape(figure.label)}: '
                f"{escape(level_name(share.level))} {share.percent}%</title></rect>"
            )
            x += width
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
