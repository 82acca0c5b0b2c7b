"""The caps a roster file must stay within, checked while it is read (settings ``IMPORT_MAX_*``).

A hostile or broken file (a zip bomb, a line that never ends, a header of a million columns)
is refused as soon as it passes one of them, so an import's memory and time stay bounded by
the caps, never by the file.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

MB = 1024 * 1024
# A OneRoster set is a dozen files; a zip listing more is not one, and a directory of
# millions of entries would cost memory just to list.
MAX_ZIP_MEMBERS = 1000
# Below this size a member's compression ratio says nothing (a small file of repeated rows
# compresses very well); above it, CSV text stays far below the ratio cap.
RATIO_CHECKED_FROM_BYTES = 1 * MB
# Rows are handed on in chunks of at most this much text and this many values, however wide
# the rows are, so a chunk's memory is bounded whatever the file.
CHUNK_BYTES = 8 * MB
CHUNK_VALUES = 250_000


@dataclass(frozen=True, slots=True)
class ImportLimits:
    max_unpacked_bytes: int
    max_compression_ratio: int
    max_line_bytes: int
    max_columns: int
    max_members: int = MAX_ZIP_MEMBERS

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            max_unpacked_bytes=settings.IMPORT_MAX_UNPACKED_MB * MB,
            max_compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            max_line_bytes=settings.IMPORT_MAX_LINE_KB * 1024,
            max_columns=settings.IMPORT_MAX_COLUMNS,
        )

    @property
    def unpacked_mb(self) -> str:
        return f"{self.max_unpacked_bytes / MB:g}"

    @property
    def line_kb(self) -> str:
        return f"{self.max_line_bytes / 1024:g}"
