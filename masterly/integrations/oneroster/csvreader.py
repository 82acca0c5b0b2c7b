"""Streaming a OneRoster CSV file: rows come out in chunks, memory stays flat however big it is.

The bytes are read in large blocks and decoded block by block, so a byte that is not UTF-8 is
reported on its exact line. A byte-order mark, CRLF line ends and quoted values with commas or
line breaks are all valid. Rows are plain ``dict[str, str]`` here; ``rows.py`` turns them into
typed models before anything else sees them.

Memory is bounded by the caps, not by the file: a line (a row, with its quoted line breaks)
longer than ``IMPORT_MAX_LINE_KB`` or wider than ``IMPORT_MAX_COLUMNS`` stops the file with a
message, and a chunk of rows is cut early when its text or its values pass ``CHUNK_BYTES`` or
``CHUNK_VALUES``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence

from django.utils.translation import gettext

from masterly.integrations.oneroster.errors import ErrorList
from masterly.integrations.oneroster.limits import CHUNK_BYTES, CHUNK_VALUES
from masterly.integrations.oneroster.source import Readable, RosterSource, UnreadableFile

BLOCK_SIZE = 1 << 20
BOM = "\ufeff"

RawRow = tuple[int, dict[str, str]]  # (line, values by column name)


class _NotUtf8(Exception):
    """Internal signal: a block did not decode; never leaves this module."""

    def __init__(self, line: int, byte: int) -> None:
        self.line = line
        self.byte = byte


class _PastCap(Exception):
    """Internal signal: a line passed a cap; never leaves this module."""

    def __init__(self, line: int, message: str) -> None:
        self.line = line
        self.message = message


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
        self.limits = source.limits
        self.bytes_read = 0
        self.rows_read = 0
        # The bytes of the row being read (a quoted value may span lines) and of the last row.
        self._row_bytes = 0
        self._last_row_bytes = 0
        # The file itself could not be read to the end (header, encoding, quoting): what comes
        # after it would only repeat the problem, so the import stops after this file.
        self.broken = False

    def chunks(self, size: int) -> Iterator[list[RawRow]]:
        """``size`` rows at a time, or fewer when they are wide (see ``CHUNK_BYTES``)."""
        chunk: list[RawRow] = []
        text = values = 0
        for row in self.rows():
            chunk.append(row)
            text += self._last_row_bytes
            values += len(row[1])
            if len(chunk) >= size or text >= CHUNK_BYTES or values >= CHUNK_VALUES:
                yield chunk
                chunk = []
                text = values = 0
        if chunk:
            yield chunk

    def rows(self) -> Iterator[RawRow]:
        try:
            with self.source.open(self.filename) as stream:
                yield from self._read(stream)
        except UnreadableFile as problem:
            self.broken = True
            self.errors.add(self.filename, problem.message)

    def _read(self, stream: Readable) -> Iterator[RawRow]:
        reader = csv.reader(self._lines(stream))
        try:
            yield from self._rows(reader)
        except _PastCap as problem:
            self.broken = True
            self.errors.add(self.filename, problem.message, line=problem.line)
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
            self._last_row_bytes, self._row_bytes = self._row_bytes, 0
            if len(values) > self.limits.max_columns:
                raise _PastCap(start, self._too_wide(len(values)))
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

    def _too_wide(self, count: int) -> str:
        return gettext(
            "this line has %(count)s values; the most Masterly reads in one line is %(cap)s "
            "(the setting IMPORT_MAX_COLUMNS). A OneRoster file has a few dozen columns: check "
            "that this is the right file."
        ) % {"count": f"{count:,}", "cap": f"{self.limits.max_columns:,}"}

    def _too_long(self, line: int) -> _PastCap:
        return _PastCap(
            line,
            gettext(
                "this line is longer than %(cap)s KB, the most Masterly reads in one line (the "
                "setting IMPORT_MAX_LINE_KB). A OneRoster row is a few hundred bytes: check that "
                "the file is CSV text with a line end after each row, and that no quote is left "
                "open (an open quote joins every line after it into one)."
            )
            % {"cap": self.limits.line_kb},
        )

    def _lines(self, stream: Readable) -> Iterator[str]:
        """Decoded lines, each with its line end, exactly as they are in the file.

        A line (or a row whose quoted values span lines) past ``max_line_bytes`` stops the
        reading, so no more than one block and one line are ever held.
        """
        cap = self.limits.max_line_bytes
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
            carry = block[cut:]
            if cut:
                text = self._decode(block[:cut], lines_before, first)
                first = False
                parts = text.split("\n")
                parts.pop()  # the block ends with a line end: the last part is empty
                for number, part in enumerate(parts, start=lines_before + 1):
                    self._row_bytes += len(part) + 1
                    if self._row_bytes > cap:
                        raise self._too_long(number)
                    yield part + "\n"
                lines_before += len(parts)
            if len(carry) > cap:  # a line not yet ended is already past the cap
                raise self._too_long(lines_before + 1)
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
