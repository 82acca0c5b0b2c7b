"""How large a CASE package Masterly reads (``CASE_MAX_PACKAGE_MB``), from a file, an upload or
an address alike.

A package is JSON, parsed whole (its items refer to each other across the file), so its size
is what bounds the import's memory: a file past the cap is refused before it is read, a
download as soon as it declares or passes it.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext


def max_package_bytes() -> int:
    return int(settings.CASE_MAX_PACKAGE_MB) * 1024 * 1024


def package_too_large(name: str) -> str:
    return gettext(
        "%(name)s is larger than %(mb)s MB, the largest CASE package Masterly reads (the "
        "setting CASE_MAX_PACKAGE_MB). Nothing was changed; ask whoever runs Masterly to raise "
        "the limit."
    ) % {"name": name, "mb": settings.CASE_MAX_PACKAGE_MB}
