"""Which addresses from outside (an imported package, a publisher's record) may become links.

Only an absolute ``http://`` or ``https://`` address with a host is ever put in an ``href``.
Anything else is shown as text: ``javascript:``, ``data:``, ``vbscript:``, relative paths, and
the tricks browsers forgive (a tab or newline inside the scheme, leading spaces or control
characters, which the URL parser strips before it reads the scheme). The check is on the text
exactly as stored, so no decoding step can turn a refused value into an accepted one.
"""

from __future__ import annotations

import re
import urllib.parse

# Whitespace (ASCII or not), control characters and backslashes are refused anywhere: browsers
# drop some of them silently and read a backslash as a slash, so the address a person would
# read is not the one followed.
_WEB_ADDRESS = re.compile(r"https?://[^\s\x00-\x1f\x7f\\]+", re.IGNORECASE)


def web_url(value: object) -> str | None:
    """``value`` if it is a safe http(s) address to link to, otherwise None."""
    if not isinstance(value, str) or not _WEB_ADDRESS.fullmatch(value):
        return None
    try:
        host = urllib.parse.urlsplit(value).hostname
    except ValueError:  # an unclosed IPv6 bracket, a port that is not a number
        return None
    return value if host else None
