"""What every file of sourced records shares: read in chunks, check, stage."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic

from django.db import transaction

from masterly.core.bulk import insert_rows
from masterly.integrations.oneroster.binding import required_columns
from masterly.integrations.oneroster.context import ImportContext
from masterly.integrations.oneroster.csvreader import CsvFile
from masterly.integrations.oneroster.rows import RowT, parse_rows
from masterly.integrations.oneroster.staging import KINDS, already_staged, known_ids

# How a reference to each kind is named in messages: (a noun, the file that defines it).
REFERENCED = {
    "org": ("an org", "orgs.csv"),
    "session": ("an academic session", "academicSessions.csv"),
    "course": ("a course", "courses.csv"),
    "section": ("a class", "classes.csv"),
    "user": ("a user", "users.csv"),
}


@dataclass(frozen=True, slots=True)
class StagedRow:
    """A row as it will be staged. Empty ``fields`` means: only deactivate it if it exists."""

    sourced_id: str
    source_hash: str
    is_active: bool
    fields: Mapping[str, Any] = field(default_factory=dict)


Pending = tuple[int, Any, StagedRow]  # (line, row, staged row)


class CheckStep:
    """A step that reads no file: a check of what the steps before it staged."""

    filename: ClassVar[str]  # the file its problems are about (the manifest must list it)
    reads_file: ClassVar[bool] = False

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.broken = False

    def run(self) -> None:
        raise NotImplementedError


class FileStep:
    """A step that reads one CSV file; ``broken`` stops the import after it (a bad header or
    encoding would only make every later file repeat the same problem)."""

    filename: ClassVar[str]
    label: ClassVar[str]
    reads_file: ClassVar[bool] = True

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.entry = ctx.summary.entry(self.filename, self.label)
        self.broken = False

    def required(self) -> tuple[str, ...]:
        """The columns this file's binding (the manifest's version) requires in the header."""
        return required_columns(self.ctx.manifest.version, self.filename)

    def run(self) -> None:
        ctx = self.ctx
        csv_file = CsvFile(ctx.source, self.filename, ctx.errors, required=self.required())
        for chunk in csv_file.chunks(ctx.chunk_size):
            self.chunk(chunk)
            ctx.rows_done += len(chunk)
            ctx.report(self.filename, csv_file.bytes_read)
        ctx.bytes_done += csv_file.bytes_read
        self.broken = csv_file.broken
        if not self.broken:
            self.finish()

    def chunk(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """After the last chunk; the place for set-based work on the whole file."""

    # -------------------------------------------------------------- shared checks

    def error(self, message: str, *, line: int | None, column: str | None = None) -> None:
        self.ctx.errors.add(self.filename, message, line=line, column=column)

    def unique(self, rows: list[tuple[int, RowT]]) -> list[tuple[int, RowT]]:
        """Rows with a sourcedId already on an earlier line of this chunk are errors."""
        first_line: dict[str, int] = {}
        kept = []
        for line, row in rows:
            earlier = first_line.setdefault(row.sourced_id, line)
            if earlier != line:
                self.error(
                    f"sourcedId “{row.sourced_id}” is also on line {earlier}. Each row needs its "
                    "own sourcedId: remove the repeated row or give it a new id.",
                    line=line,
                    column="sourcedId",
                )
                continue
            kept.append((line, row))
        return kept

    def resolve(
        self, kind: str, known: Mapping[str, Any], value: str, *, line: int, column: str
    ) -> Any | None:
        """The record a reference names, or None after an error naming the unknown id."""
        found = known.get(value)
        if found is None and value not in self.ctx.rejected.get(kind, ()):
            noun, file = REFERENCED[kind]
            self.error(
                f"“{value}” is not {noun} in {file} or already in Masterly. Add it to {file}, "
                "or correct the id.",
                line=line,
                column=column,
            )
        return found


class SourcedFileStep(FileStep, Generic[RowT]):
    """A file whose rows are records with a sourcedId (orgs, sessions, courses, classes, …).

    Each chunk's rows are checked and staged (one short transaction per chunk); the roster
    itself is only written by the apply, once every file has been read without a problem."""

    kind: ClassVar[str]
    row_model: type[RowT]

    def chunk(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        ctx = self.ctx
        rows = self.unique(parse_rows(self.row_model, self.filename, chunk, ctx.errors))
        lookups = self.lookup(rows)
        pending: list[Pending] = []
        for line, row in rows:
            if row.to_be_deleted:
                record: StagedRow | None = StagedRow(row.sourced_id, "", False)
            else:
                record = self.record(line, row, lookups)
            if record is None:
                ctx.rejected.setdefault(self.kind, set()).add(row.sourced_id)
                continue
            pending.append((line, row, record))
        again = already_staged(self.kind, ctx.token, [r.sourced_id for _, _, r in pending])
        if again:
            pending = self.drop_repeated(pending, again)
        with transaction.atomic():
            insert_rows(
                KINDS[self.kind].staged,
                (
                    {
                        "token": ctx.token,
                        "line": line,
                        "sourced_id": record.sourced_id,
                        "source_hash": record.source_hash,
                        "is_active": record.is_active,
                        "deleted": not record.fields,
                        **record.fields,
                    }
                    for line, _, record in pending
                ),
            )
            self.after(pending, lookups)

    def drop_repeated(self, pending: list[Pending], again: Collection[str]) -> list[Pending]:
        """Rows whose record an earlier chunk of this file already staged are duplicates."""
        kept = []
        for line, row, record in pending:
            if record.sourced_id in again:
                self.error(
                    f"sourcedId “{record.sourced_id}” is also on an earlier line of this file. "
                    "Each row needs its own sourcedId: remove the repeated row or give it a new "
                    "id.",
                    line=line,
                    column="sourcedId",
                )
                continue
            kept.append((line, row, record))
        return kept

    def lookup(self, rows: list[tuple[int, RowT]]) -> Any:
        """The records this chunk's rows refer to: a query or two per referenced kind."""
        return None

    def record(self, line: int, row: RowT, lookups: Any) -> StagedRow | None:
        raise NotImplementedError

    def after(self, pending: list[Pending], lookups: Any) -> None:
        """In the chunk's transaction: related rows (a class's terms, a user's roles)."""

    def finish(self) -> None:
        self.ctx.applies.append((self.kind, self.entry))

    def known(self, kind: str, sourced_ids: Collection[str]) -> dict[str, str]:
        return known_ids(kind, self.ctx.token, sourced_ids)
