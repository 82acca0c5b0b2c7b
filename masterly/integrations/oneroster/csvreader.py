"""Streaming a OneRoster CSV file: rows come out in chunks, memory stays flat however big it is.

The bytes are read in large blocks and decoded block by block, so a byte that is not UTF-8 is
reported on its exact line. A byte-order mark, CRLF line ends and quoted values with commas or
line breaks are all valid. Rows are plain ``dict[str, str]`` here; ``rows.py`` turns them into
typed models before anything else sees them.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from typing import IO

from masterly.integrations.oneroster.errors import ErrorList
from masterly.integrations.oneroster.source import RosterSource

BLOCK_SIZE = 1 << 20
BOM = "\ufeff"

RawRow = tuple[int, dict[str, str]]  # (line, values by column name)


class _NotUtf8(Exception):
    """Internal signal: a block did not decode; never leaves this module."""

    def __init__(self, line: int, byte: int) -> None:
        self.line = line
        self.byte = byte


class CsvFile:
    """One CSV file of a source, read once from top to bottom."""

    def __init__(
        self,
        source: RosterSource,
        filename: str,
        errors: ErrorList,
        *,
        required: Sequence[str],
    ) -> None:
        self.source = source
        self.filename = filename
        self.errors = errors
        self.required = required
        self.header: list[str] = []
        self.bytes_read = 0
        self.rows_read = 0
        # The file itself could not be read to the end (header, encoding, quoting): what comes
        # after it would only repeat the problem, so the import stops after this file.
        self.broken = False

    def chunks(self, size: int) -> Iterator[list[RawRow]]:
        chunk: list[RawRow] = []
        for row in self.rows():
            chunk.append(row)
            if len(chunk) >= size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    def rows(self) -> Iterator[RawRow]:
        with self.source.open(self.filename) as stream:
            reader = csv.reader(self._lines(stream))
            try:
                yield from self._rows(reader)
            except _NotUtf8 as problem:
                self.broken = True
                self.errors.add(
                    self.filename,
                    f"the file is not UTF-8 text (byte 0x{problem.byte:02x} cannot be read). "
                    "Save or export it as UTF-8 (in a spreadsheet: “CSV UTF-8”) and import "
                    "again.",
                    line=problem.line,
                )
            except csv.Error as problem:
                self.broken = True
                self.errors.add(
                    self.filename,
                    f"this line cannot be read as CSV ({problem}). Check its quotes: a value "
                    'that holds a comma or a quote is written in double quotes, with "" for a '
                    "quote inside it.",
                    line=reader.line_num,
                )

    def _rows(self, reader: Iterator[list[str]]) -> Iterator[RawRow]:
        line = 0
        width = 0
        header: list[str] | None = None
        for values in reader:
            start = line + 1
            line = reader.line_num  # type: ignore[attr-defined]
            if not values or (len(values) == 1 and not values[0].strip()):
                continue  # blank lines carry nothing
            if header is None:
                header = [name.strip() for name in values]
                if not self._header_ok(header, start):
                    self.broken = True
                    return
                self.header = header
                width = len(header)
                continue
            if len(values) != width:
                fitted = self._fit(values, width, start)
                if fitted is None:
                    continue
                values = fitted
            self.rows_read += 1
            yield start, dict(zip(self.header, values, strict=True))
        if header is None:
            self.broken = True
            self.errors.add(
                self.filename,
                "the file is empty. A OneRoster file starts with a header line naming its "
                "columns; export the file again, or mark it absent in manifest.csv.",
                line=1,
            )

    def _header_ok(self, header: list[str], line: int) -> bool:
        ok = True
        seen: set[str] = set()
        for name in header:
            if name in seen:
                self.errors.add(
                    self.filename,
                    f"the column “{name}” appears twice in the header. Keep one of them.",
                    line=line,
                    column=name,
                )
                ok = False
            seen.add(name)
        for name in self.required:
            if name not in seen:
                self.errors.add(
                    self.filename,
                    f"the required column “{name}” is missing from the header. Add it (spelled "
                    "exactly so, in the first line) and import again.",
                    line=line,
                    column=name,
                )
                ok = False
        return ok

    def _fit(self, values: list[str], width: int, line: int) -> list[str] | None:
        if len(values) < width:
            return values + [""] * (width - len(values))
        if not any(value.strip() for value in values[width:]):
            return values[:width]  # trailing empty values: a stray comma at the end
        self.errors.add(
            self.filename,
            f"this row has {len(values)} values but the header names {width} columns. A value "
            "that holds a comma must be written in double quotes.",
            line=line,
        )
        return None

    def _lines(self, stream: IO[bytes]) -> Iterator[str]:
        """Decoded lines, each with its line end, exactly as they are in the file."""
        carry = b""
        lines_before = 0
        first = True
        while True:
            block = stream.read(BLOCK_SIZE)
            if not block:
                break
            self.bytes_read += len(block)
            block = carry + block
            cut = block.rfind(b"\n") + 1
            if not cut:
                carry = block
                continue
            carry = block[cut:]
            text = self._decode(block[:cut], lines_before, first)
            first = False
            parts = text.split("\n")
            parts.pop()  # the block ends with a line end: the last part is empty
            lines_before += len(parts)
            for part in parts:
                yield part + "\n"
        if carry:
            yield self._decode(carry, lines_before, first)

    @staticmethod
    def _decode(block: bytes, lines_before: int, first: bool) -> str:
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError as problem:
            line = lines_before + block.count(b"\n", 0, problem.start) + 1
            raise _NotUtf8(line, block[problem.start]) from None
        if first and text.startswith(BOM):
            text = text[1:]
        return text
