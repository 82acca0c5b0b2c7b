"""A dashboard table's rows as HTML, built in Python (ADR 25).

The district's section table has a row per tracked section (1,200 in a district of 30,000
students): the template language spends about a millisecond a row on the loops, tags and
translations of a row, so the rows are built here, every value escaped, and the table's
caption and header stay in ``reports/dashboards/_table.html``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext

from masterly.trackers.selectors.dashboard_figures import Figure


def rows_html(
    rows: list[Figure],
    levels: list[str],
    *,
    links: Mapping[str, str],
    compare: Collection[str],
    choose: bool,
    printing: bool,
    minimum: int,
) -> SafeString:
    """The ``<tr>`` of each figure: its label (a link to drill down to, unless printing), its
    students and each level's share, or "not shown" across them when suppressed."""
    hidden = escape(
        gettext("Not shown: fewer than %(n)s students, or it would reveal such a group")
        % {"n": minimum}
    )
    span = len(levels) + 1
    compare_label = gettext("Compare %(label)s")
    parts: list[str] = []
    for row in rows:
        label = escape(row.label)
        parts.append("<tr>")
        if choose:
            slug = escape(slugify(row.key))
            checked = " checked" if row.key in compare else ""
            parts.append(
                f'<td><input type="checkbox" name="compare" value="{escape(row.key)}" '
                f'id="cmp-{slug}"{checked}><label class="visually-hidden" for="cmp-{slug}">'
                f"{escape(compare_label % {'label': row.label})}</label></td>"
            )
        href = links.get(row.key, "")
        if href and not printing:
            parts.append(f'<th scope="row"><a href="{escape(href)}">{label}</a></th>')
        else:
            parts.append(f'<th scope="row">{label}</th>')
        if row.suppressed:
            parts.append(f'<td class="dash-suppressed" colspan="{span}">{hidden}</td>')
        else:
            parts.append(f'<td class="num">{row.students}</td>')
            parts.extend(
                f'<td class="num">{escape(share.percent_text)}</td>' for share in row.shares(levels)
            )
        parts.append("</tr>")
    return mark_safe("".join(parts))  # noqa: S308 - every value escaped above
