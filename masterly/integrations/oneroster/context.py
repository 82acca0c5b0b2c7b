"""The state one import carries from file to file, and the bookkeeping every file shares."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Exists, OuterRef

from masterly.integrations.oneroster.errors import ErrorList
from masterly.integrations.oneroster.manifest import Manifest, Mode
from masterly.integrations.oneroster.models import SeenRow
from masterly.integrations.oneroster.source import RosterSource
from masterly.integrations.oneroster.summary import ImportSummary
from masterly.roster.services import largest_pks

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
    # A random number naming this import's scratch rows; imports never share them.
    token: int = field(default_factory=lambda: secrets.randbits(62))
    # The largest pk of each table before the import: anything above was created by it.
    before: dict[str, int] = field(default_factory=largest_pks)
    # sourcedIds of rows refused so far, per kind: a reference to one of them is not reported
    # again as unknown (the refused row already has its message). Bounded by MAX_ERRORS.
    rejected: dict[str, set[str]] = field(default_factory=dict)

    def is_bulk(self, filename: str) -> bool:
        return self.manifest.mode(filename) is Mode.BULK

    def touched(self, kind: str, pks: Iterable[int]) -> set[int]:
        """Which of these records this import has already written or met (one query at most)."""
        top = self.before[kind]
        pks = list(pks)
        met = {pk for pk in pks if pk > top}
        older = [pk for pk in pks if pk <= top]
        if older:
            met.update(
                SeenRow.objects.filter(token=self.token, kind=kind, row_id__in=older).values_list(
                    "row_id", flat=True
                )
            )
        return met

    def mark_seen(self, kind: str, pks: Collection[int]) -> None:
        top = self.before[kind]
        ids = [pk for pk in pks if pk <= top]
        if not ids:
            return
        # A re-import marks every record it meets; for three numbers in a scratch table the
        # ORM's bulk_create costs more than the database does, so plain SQL: one statement
        # with an array on PostgreSQL, a prepared statement run per row on SQLite.
        table = connection.ops.quote_name(SeenRow._meta.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {table} (token, kind, row_id) "
                    "SELECT %s, %s, unnest(%s::bigint[])",
                    [self.token, kind, ids],
                )
            else:
                cursor.executemany(
                    f"INSERT INTO {table} (token, kind, row_id) VALUES (%s, %s, %s)",  # noqa: S608
                    [(self.token, kind, pk) for pk in ids],
                )

    def seen(self, kind: str) -> Exists:
        """True for the records this import met that already existed: what a sweep keeps."""
        if connection.vendor == "postgresql":
            # The scratch rows were written in this transaction, so PostgreSQL has no
            # statistics for them yet; without, it plans a nested loop over both tables
            # (minutes at district scale) instead of a hash anti-join (a fraction of a second).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(SeenRow._meta.db_table)}")
        return Exists(SeenRow.objects.filter(token=self.token, kind=kind, row_id=OuterRef("pk")))

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
