"""The state one import carries from file to file, and the bookkeeping every file shares."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from masterly.integrations.oneroster.errors import ErrorList
from masterly.integrations.oneroster.manifest import Manifest, Mode
from masterly.integrations.oneroster.source import RosterSource
from masterly.integrations.oneroster.summary import FileSummary, ImportSummary

CHUNK_SIZE = 5000
# Part of every row hash: bump it when the mapping of rows to records changes, so the next
# import rewrites every record once instead of keeping what the old mapping made.
HASH_VERSION = "1"


def row_hash(*parts: object) -> str:
    """A short, stable fingerprint of a row's meaning (32 hex characters fit source_hash)."""
    text = "\x1f".join("" if part is None else str(part) for part in (HASH_VERSION, *parts))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class ImportProgress:
    file: str
    rows_done: int
    bytes_done: int
    bytes_total: int

    @property
    def percent(self) -> int:
        if not self.bytes_total:
            return 0
        return min(99, int(100 * self.bytes_done / self.bytes_total))


ProgressCallback = Callable[[ImportProgress], None]


@dataclass
class ImportContext:
    source: RosterSource
    manifest: Manifest
    errors: ErrorList
    summary: ImportSummary
    now: datetime.datetime
    progress: ProgressCallback | None = None
    chunk_size: int = field(default_factory=lambda: CHUNK_SIZE)  # read late: tests shrink it
    bytes_total: int = 0
    bytes_done: int = 0  # of the files already read to the end
    rows_done: int = 0
    # A random number naming this import's staging rows; imports never share them.
    token: int = field(default_factory=lambda: secrets.randbits(62))
    # What the apply does, in order: (kind, the summary entry its counts go to). A step adds
    # its kind once its file was read to the end.
    applies: list[tuple[str, FileSummary]] = field(default_factory=list)
    # sourcedIds of rows refused so far, per kind: a reference to one of them is not reported
    # again as unknown (the refused row already has its message). Bounded by MAX_ERRORS.
    rejected: dict[str, set[str]] = field(default_factory=dict)
    # Rows inserted ahead of the apply, per kind (``ahead.py``).
    ahead: dict[str, int] = field(default_factory=dict)
    # Whether users.csv gave anyone a language (else its role check has nothing to look at).
    languages_given: bool = False

    def is_bulk(self, filename: str) -> bool:
        return self.manifest.mode(filename) is Mode.BULK

    def report(self, filename: str, bytes_in_file: int) -> None:
        if self.progress is not None:
            self.progress(
                ImportProgress(
                    file=filename,
                    rows_done=self.rows_done,
                    bytes_done=self.bytes_done + bytes_in_file,
                    bytes_total=self.bytes_total,
                )
            )
