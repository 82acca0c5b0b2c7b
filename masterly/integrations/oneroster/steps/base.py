"""What every file of sourced records shares: read in chunks, compare, write, sweep."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any, ClassVar, Generic

from masterly.core.bulk import rows_where_in
from masterly.integrations.oneroster.binding import required_columns
from masterly.integrations.oneroster.context import ImportContext
from masterly.integrations.oneroster.csvreader import CsvFile
from masterly.integrations.oneroster.rows import RowT, parse_rows
from masterly.roster.services import (
    IncomingRecord,
    SourcedModel,
    UpsertResult,
    sourced_records_deactivate_missing,
    sourced_records_existing,
    sourced_records_upsert,
)

# How a reference to each kind is named in messages: (a noun, the file that defines it).
REFERENCED = {
    "org": ("an org", "orgs.csv"),
    "session": ("an academic session", "academicSessions.csv"),
    "course": ("a course", "courses.csv"),
    "section": ("a class", "classes.csv"),
    "user": ("a user", "users.csv"),
}

Pending = tuple[int, Any, IncomingRecord]  # (line, row, record)


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
    """A file whose rows are records with a sourcedId (orgs, sessions, courses, classes, …)."""

    kind: ClassVar[str]
    model: ClassVar[SourcedModel]
    row_model: type[RowT]

    def chunk(self, chunk: list[tuple[int, dict[str, str]]]) -> None:
        ctx = self.ctx
        rows = self.unique(parse_rows(self.row_model, self.filename, chunk, ctx.errors))
        lookups = self.lookup(rows)
        pending: list[Pending] = []
        for line, row in rows:
            if row.to_be_deleted:
                record: IncomingRecord | None = IncomingRecord(row.sourced_id, "", False)
            else:
                record = self.record(line, row, lookups)
            if record is None:
                ctx.rejected.setdefault(self.kind, set()).add(row.sourced_id)
                continue
            pending.append((line, row, record))
        existing = sourced_records_existing(
            model=self.model, sourced_ids=[record.sourced_id for _, _, record in pending]
        )
        again = ctx.touched(self.kind, (before.pk for before in existing.values()))
        if again:
            pending = self.drop_repeated(pending, existing, again)
        result = sourced_records_upsert(
            model=self.model, records=[r for _, _, r in pending], existing=existing, now=ctx.now
        )
        ctx.mark_seen(self.kind, [before.pk for before in existing.values()])
        self.entry.counts.add(result.counts)
        self.after(pending, result, lookups)

    def drop_repeated(
        self, pending: list[Pending], existing: Mapping[str, Any], again: Collection[int]
    ) -> list[Pending]:
        """Rows whose record an earlier chunk of this file already wrote are duplicates."""
        kept = []
        for line, row, record in pending:
            before = existing.get(record.sourced_id)
            if before is not None and before.pk in again:
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
        """The records this chunk's rows refer to: one query per referenced table."""
        return None

    def record(self, line: int, row: RowT, lookups: Any) -> IncomingRecord | None:
        raise NotImplementedError

    def after(self, pending: list[Pending], result: UpsertResult, lookups: Any) -> None:
        """After the chunk is written: related rows (a class's terms, a user's roles)."""

    def finish(self) -> None:
        ctx = self.ctx
        if ctx.is_bulk(self.filename) and not ctx.errors:
            self.entry.counts.deactivated += sourced_records_deactivate_missing(
                model=self.model,
                seen=ctx.seen(self.kind),
                up_to_pk=ctx.before[self.kind],
                now=ctx.now,
            )


def sourced_pks(model: SourcedModel, sourced_ids: Collection[str], *fields: str) -> dict[str, Any]:
    """sourcedId → pk (or → (pk, *fields)) for the ones that exist, in one query."""
    if not sourced_ids:
        return {}
    rows = rows_where_in(model, ("sourced_id", "id", *fields), "sourced_id", sourced_ids)
    if not fields:
        return dict(rows)
    return {row[0]: row[1:] for row in rows}
