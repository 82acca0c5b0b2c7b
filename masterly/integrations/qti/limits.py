"""How large a QTI package Masterly reads (``QTI_MAX_PACKAGE_MB``).

The same cap bounds the zip (or folder) and everything it unpacks to: items are XML parsed
whole, so the unpacked size is what bounds memory. A zip's directory is checked against it
before anything is unpacked, and each file is read no further than its declared size.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext

MB = 1024 * 1024
MAX_FILES = 20_000  # a package of 1,000 items with an image each is about 2,000 files
# XML and images over 1 MB never pack tighter than this; a zip bomb packs 1,000×.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_FROM_BYTES = MB


def max_package_bytes() -> int:
    return int(settings.QTI_MAX_PACKAGE_MB) * MB


def package_too_large(name: str) -> str:
    return gettext(
        "%(name)s is larger than %(mb)s MB (packed or unpacked), the largest QTI package "
        "Masterly reads (the setting QTI_MAX_PACKAGE_MB). Nothing was changed; split the "
        "package, or ask whoever runs Masterly to raise the limit."
    ) % {"name": name, "mb": settings.QTI_MAX_PACKAGE_MB}
