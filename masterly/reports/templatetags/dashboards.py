"""Small lookups the dashboard templates need (a dict by a variable key, a figure's shares)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from masterly.reports.dashboards.table_rows import rows_html
from masterly.trackers.selectors.dashboard_figures import Figure, Share, level_name

register = template.Library()

register.filter("level_name", level_name)


@register.filter
def shares(figure: Figure, levels: list[str]) -> list[Share]:
    return figure.shares(levels)


@register.filter
def figures(dated: list[tuple[Any, Figure]]) -> list[Figure]:
    return [figure for _, figure in dated]


@register.simple_tag
def chart(charts: dict[str, SafeString], name: str) -> SafeString:
    return charts[name]


@register.simple_tag
def row_link(links: dict[str, Any], figure: Figure) -> str:
    return str(links["rows"].get(figure.key, ""))


@register.simple_tag
def csv_link(links: dict[str, Any], name: str) -> str:
    return str(links["csv"][name])


@register.simple_tag(takes_context=True)
def table_rows(context: Any, rows: list[Figure], levels: list[str]) -> SafeString:
    """The rows of a dashboard table (:mod:`masterly.reports.dashboards.table_rows`)."""
    return rows_html(
        rows,
        levels,
        links=context["links"]["rows"],
        compare=context.get("compare") or (),
        choose=bool(context.get("choose")),
        printing=bool(context.get("printing")),
        minimum=context["dashboard"].minimum,
    )
