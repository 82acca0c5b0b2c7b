"""The Mastery View's two pictures as server-rendered SVG: the circle graph of levels and the
bar of the percent of standards assessed.

Each is ``role="img"`` with a name that says everything it shows, and the page prints the
same numbers as text beside it. Colours are presentation attributes (no ``style``
attribute: ADR 19), the level's own colour from the tracker's scale.
"""

from __future__ import annotations

from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from masterly.trackers.level_words import level_name
from masterly.trackers.selectors.student_mastery import LevelTab

# A circle of radius 15.9155 has a circumference of 100: dash lengths are percentages.
RADIUS = "15.9155"


def level_circle(tabs: list[LevelTab]) -> SafeString:
    """A ring split by how many standards are at each level."""
    total = sum(len(tab.standards) for tab in tabs)
    parts = [
        _("%(name)s: %(count)s")
        % {"name": level_name(tab.swatch.level), "count": len(tab.standards)}
        for tab in tabs
    ]
    label = _("Standards by level: %(parts)s") % {"parts": ", ".join(parts)}
    svg = [
        f'<svg class="mastery-circle" viewBox="0 0 42 42" width="168" height="168" role="img" '
        f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
        f'<circle cx="21" cy="21" r="{RADIUS}" fill="none" stroke="#e0e0e0" stroke-width="6"/>',
    ]
    start = 0.0
    for tab in tabs:
        count = len(tab.standards)
        if not total or not count:
            continue
        share = 100 * count / total
        # Dashes start at three o'clock and run clockwise; 25 moves the start to twelve.
        offset = (25 - start) % 100
        svg.append(
            f'<circle cx="21" cy="21" r="{RADIUS}" fill="none" '
            f'stroke="{escape(tab.swatch.background)}" stroke-width="6" '
            f'stroke-dasharray="{share:.3f} {100 - share:.3f}" stroke-dashoffset="{offset:.3f}">'
            f"<title>{escape(level_name(tab.swatch.level))}: {count}</title></circle>"
        )
        start += share
    svg.append(
        f'<text x="21" y="23.5" text-anchor="middle" font-size="7" fill="#212121">{total}</text>'
    )
    svg.append("</svg>")
    return mark_safe("".join(svg))  # noqa: S308 - every value above is escaped or a number


def assessed_bar(assessed: int, total: int) -> SafeString:
    """A bar filled to the share of the standards that have a score."""
    percent = round(100 * assessed / total) if total else 0
    label = _("%(assessed)s of %(total)s standards assessed (%(percent)s%%)") % {
        "assessed": assessed,
        "total": total,
        "percent": percent,
    }
    svg = (
        f'<svg class="mastery-bar" viewBox="0 0 200 16" width="100%" height="24" role="img" '
        f'preserveAspectRatio="none" aria-label="{escape(label)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<rect x="0" y="0" width="200" height="16" rx="3" fill="#e0e0e0"/>'
        f'<rect x="0" y="0" width="{2 * percent}" height="16" rx="3" fill="#1565c0">'
        f"<title>{escape(label)}</title></rect></svg>"
    )
    return mark_safe(svg)  # noqa: S308 - numbers and an escaped label only
