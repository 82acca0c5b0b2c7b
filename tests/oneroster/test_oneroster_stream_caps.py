"""The reader's own bounds: chunks of wide rows are cut early, a file is held to its declared
size, and a line past the cap is found even when a quoted value spans many lines."""

from __future__ import annotations

import io

import pytest

from masterly.integrations.oneroster.csvreader import CsvFile
from masterly.integrations.oneroster.errors import ErrorList
from masterly.integrations.oneroster.limits import CHUNK_VALUES, ImportLimits
from masterly.integrations.oneroster.source import CappedStream, MemorySource, UnreadableFile
from tests.measure import MB, measured

ROOMY = ImportLimits(
    max_unpacked_bytes=1024 * MB,
    max_compression_ratio=100,
    max_line_bytes=1 * MB,
    max_columns=100_000,
)


def wide_file(columns: int, rows: int) -> bytes:
    header = ",".join(f"c{n}" for n in range(columns))
    row = ",".join(f"v{n}" for n in range(columns))
    return ("\n".join([header, *[row] * rows]) + "\n").encode()


def test_chunks_of_wide_rows_are_cut_so_memory_stays_flat():
    # 1,200 rows of 1,000 values: as one chunk of 5,000 rows they would hold 1.2 million
    # values at once (about 90 MB); cut at CHUNK_VALUES they hold a fifth of that.
    source = MemorySource({"users.csv": wide_file(1000, 1200)}, limits=ROOMY)
    csv_file = CsvFile(source, "users.csv", ErrorList(), required=())

    with measured("1,200 rows of 1,000 values in chunks") as measure:
        sizes = [len(chunk) for chunk in csv_file.chunks(5000)]

    assert sum(sizes) == 1200
    assert max(sizes) * 1000 <= CHUNK_VALUES
    assert measure.peak_mb < 60


def test_a_quoted_value_spanning_lines_is_held_to_the_line_cap():
    limits = ImportLimits(
        max_unpacked_bytes=MB, max_compression_ratio=100, max_line_bytes=1024, max_columns=50
    )
    text = b'sourcedId,name\n1,"an open quote\n' + b"and another line\n" * 200
    errors = ErrorList()
    csv_file = CsvFile(
        MemorySource({"users.csv": text}, limits=limits), "users.csv", errors, required=()
    )

    assert list(csv_file.rows()) == []

    assert csv_file.broken
    [error] = errors.items
    assert error.line is not None and error.line > 2
    assert error.message.startswith(
        "this line is longer than 1 KB, the most Masterly reads in one line (the setting "
        "IMPORT_MAX_LINE_KB)."
    )


def test_a_file_that_holds_more_than_it_declared_is_refused():
    source = MemorySource({}, name="rosters.zip", limits=ROOMY)
    stream = CappedStream(io.BytesIO(bytes(5000)), declared=4096, source=source)

    assert len(stream.read(4096)) == 4096
    with pytest.raises(UnreadableFile) as refusal:
        stream.read(4096)

    assert refusal.value.message == (
        "this file holds more than the 4,096 bytes rosters.zip says it does: the zip is "
        "damaged or forged. Make a new zip of the OneRoster files."
    )


def test_the_bytes_read_from_a_source_are_held_to_the_unpacked_cap():
    limits = ImportLimits(
        max_unpacked_bytes=MB, max_compression_ratio=100, max_line_bytes=1024, max_columns=50
    )
    source = MemorySource({}, name="rosters", limits=limits)
    first = CappedStream(io.BytesIO(bytes(MB)), declared=MB, source=source)
    second = CappedStream(io.BytesIO(bytes(10)), declared=10, source=source)
    first.read()

    with pytest.raises(UnreadableFile) as refusal:
        second.read()

    assert "the most Masterly reads is 1 MB (the setting IMPORT_MAX_UNPACKED_MB)" in (
        refusal.value.message
    )
