"""Level colours as classes from a generated stylesheet, so pages need no ``style`` attribute.

The Content-Security-Policy allows styles only from Masterly's own files (``style-src 'self'``,
ADR 19), yet a tracker's scale may have any colours. Each colour becomes a class named after
it (``lc-2e7d32``), and the page links a stylesheet whose address lists its colours
(``/trackers/colours/2e7d32-9e9e9e.css``); the stylesheet sets the ``--cell-bg`` and
``--cell-fg`` variables trackers.css draws cells and chips with. The address says everything
the stylesheet holds, so it is the same for every user and may be cached for good.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from masterly.core.headers import holds_no_student_data
from masterly.mastery import readable_text_colour
from masterly.trackers.selectors.grid import Swatch

# Colours per stylesheet address (a longer scale gets a second stylesheet): keeps addresses
# short, and bounds what one request makes the server write.
PER_STYLESHEET = 32
# The route's pattern: lower-case #RRGGBB without the "#", joined by "-"; nothing else matches.
COLOURS_PATTERN = rf"[0-9a-f]{{6}}(?:-[0-9a-f]{{6}}){{0,{PER_STYLESHEET - 1}}}"


def colour_class(swatch: Swatch) -> str:
    """``lc-2e7d32``: the class that draws ``swatch``'s colours (a ``#RRGGBB`` background)."""
    return "lc-" + swatch.background.removeprefix("#").lower()


def stylesheet_urls(swatches: Iterable[Swatch]) -> list[str]:
    """The stylesheets defining the classes of ``swatches`` (one unless there are very many)."""
    colours = sorted({colour_class(swatch).removeprefix("lc-") for swatch in swatches})
    return [
        reverse("level_colours", args=["-".join(colours[start : start + PER_STYLESHEET])])
        for start in range(0, len(colours), PER_STYLESHEET)
    ]


@holds_no_student_data
@require_GET
@cache_control(public=True, max_age=365 * 24 * 3600, immutable=True)
def level_colours(request: HttpRequest, colours: str) -> HttpResponse:
    """``.lc-2e7d32 { --cell-bg: #2e7d32; --cell-fg: #FFFFFF; }`` for each colour in the address
    (the route admits only hexadecimal colours, so nothing else can reach the stylesheet)."""
    rules = [
        f".lc-{colour} {{ --cell-bg: #{colour}; --cell-fg: {readable_text_colour('#' + colour)}; }}"
        for colour in colours.split("-")
    ]
    return HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
