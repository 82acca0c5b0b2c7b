"""``{% level_colours_stylesheet swatches %}`` and ``{{ swatch|colour_class }}`` (see
portals/trackers/colours.py: level colours without a ``style`` attribute)."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from masterly.portals.trackers import colours
from masterly.trackers.selectors.grid import Swatch

register = template.Library()


@register.filter
def colour_class(swatch: Swatch) -> str:
    return colours.colour_class(swatch)


@register.simple_tag
def level_colours_stylesheet(swatches: Iterable[Swatch]) -> SafeString:
    """The ``<link>`` elements of the stylesheets that colour ``swatches``."""
    return format_html_join(
        "",
        '<link rel="stylesheet" href="{}">',
        ((url,) for url in colours.stylesheet_urls(swatches)),
    )
