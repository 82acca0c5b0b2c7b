"""Identifiers Masterly writes on export, so its own package re-imports to the same rows.

``masterly-<install>-item-<pk>``: ``<install>`` is a digest of this installation's secret key,
so another installation's export (the same numbers, other items) is never taken for its own.
"""

from __future__ import annotations

import hashlib
import re

from django.conf import settings


def install_tag() -> str:
    return hashlib.sha256(f"qti:{settings.SECRET_KEY}".encode()).hexdigest()[:10]


def exported(kind: str, pk: int) -> str:
    return f"masterly-{install_tag()}-{kind}-{pk}"


def own_pk(kind: str, identifier: str) -> int | None:
    """The row this installation exported as ``identifier``, or None."""
    found = re.fullmatch(rf"masterly-{install_tag()}-{kind}-([0-9]{{1,18}})", identifier)
    return int(found.group(1)) if found else None
