"""Dashboard charts as server-rendered SVG: one stacked bar per figure, each level's share.

Every number a chart shows is also in the table beside it; the chart is a picture of that
table (``role="img"`` with a name), colours from classes (no ``style`` attribute: ADR 19),
each segment titled with its level and share, and a suppressed figure drawn as an empty,
labelled bar.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext

from masterly.trackers.selectors.dashboard_figures import Figure, level_name

MAX_BARS = 60
"""A longer table is not drawn (a chart of hundreds of bars is not read; the table is)."""

ROW = 22
LABEL = 220
LABEL_CHARS = 30
"""What fits in LABEL at 12 px; a longer name is cut with an ellipsis (whole in its title)."""
WIDTH = 600


# Presentation attributes, not CSS: WeasyPrint (the PDF) does not apply CSS to SVG, and the
# policy (ADR 19) forbids ``style`` attributes, not these.
FILLS = {"A": "#1565c0", "M": "#2e7d32", "NM": "#f9a825", "R": "#c62828", "": "#bdbdbd"}
OTHER_FILL = "#6a1b9a"


def bars(figures: list[Figure], levels: list[str], *, label: str) -> SafeString:
    """A horizontal 100 % stacked bar per figure (empty markup for no figures)."""
    if not figures:
        return mark_safe("")
    height = ROW * len(figures) + 4
    span = WIDTH - LABEL - 10
    hidden = gettext("%(label)s: not shown")
    parts = [
        f'<svg class="dash-chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, figure in enumerate(figures):
        y = index * ROW + 2
        parts.append(  # the title beside the text, not in it: WeasyPrint would draw it
            f"<g><title>{escape(figure.label)}</title>"
            f'<text class="dash-chart__label" font-size="12" x="{LABEL - 6}" y="{y + 15}" '
            f'text-anchor="end">{escape(Truncator(figure.label).chars(LABEL_CHARS))}</text></g>'
        )
        if figure.suppressed or not figure.total:
            parts.append(
                f'<rect fill="#fff" stroke="#777" stroke-dasharray="4 3" '
                f'x="{LABEL}" y="{y}" width="{span}" '
                f'height="{ROW - 4}"><title>{escape(hidden % {"label": figure.label})}'
                "</title></rect>"
            )
            continue
        x = float(LABEL)
        for share in figure.shares(levels):
            if not share.count:
                continue
            width = span * share.count / figure.total
            parts.append(
                f'<rect fill="{FILLS.get(share.level, OTHER_FILL)}" x="{x:.1f}" y="{y}" '
                f'width="{width:.1f}" height="{ROW - 4}"><title>{escape(figure.label)}: '
                f"{escape(level_name(share.level))} {escape(share.percent_text)}</title></rect>"
            )
            x += width
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
