"""``{{ address|web_link }}``: a link only for a safe http(s) address, text for anything else."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString

from masterly.core.web_links import web_url

register = template.Library()


@register.filter
def web_link(address: object, label: object = None) -> SafeString:
    """A link to ``address`` showing ``label`` (the address itself when no label is given).

    An address that is not a plain http(s) one (see ``masterly.core.web_links``) is shown as
    text, so a hostile ``javascript:`` address from an imported package can never be followed.
    """
    shown = address if label in (None, "") else label
    url = web_url(address)
    if url is None:
        return conditional_escape("" if shown is None else str(shown))
    return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, shown)
