"""Where the OneRoster files come from: a .zip, a folder, or files built in memory (the demo).

Only bytes come out of a source; decoding and parsing happen in ``csvreader``. Every file is
read through a ``CappedStream``, which holds it to its declared size and the whole source to
``IMPORT_MAX_UNPACKED_MB``, and names a damaged zip as such (see ``archive.py`` for the checks
made before anything is unpacked).
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Protocol

from django.utils.translation import gettext

from masterly.integrations.oneroster.archive import not_a_zip, open_zip, reject
from masterly.integrations.oneroster.limits import ImportLimits

MANIFEST = "manifest.csv"


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class RosterSource(Protocol):
    name: str
    limits: ImportLimits

    def exists(self, filename: str) -> bool: ...

    def size(self, filename: str) -> int: ...

    def open(self, filename: str) -> AbstractContextManager[Readable]: ...


class UnreadableFile(Exception):
    """A file cannot be read to its end (damaged, or past a cap); ``csvreader`` reports it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CappedStream:
    """A file's bytes, held to its declared size and to the source's unpacked-size cap."""

    def __init__(self, stream: IO[bytes], *, declared: int, source: CountedSource) -> None:
        self.stream = stream
        self.declared = declared
        self.source = source
        self.read_bytes = 0

    def read(self, size: int = -1, /) -> bytes:
        try:
            data = self.stream.read(size)
        except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError):
            # zipfile says "Bad CRC-32" or zlib "invalid stored block": either way the bytes
            # in the zip are not the ones that were packed.
            raise UnreadableFile(
                gettext(
                    "this file in %(zip)s is damaged: it cannot be unpacked to its end (its "
                    "check sum or its packed data is wrong). Make a new zip of the OneRoster "
                    "files and import that."
                )
                % {"zip": self.source.name}
            ) from None
        self.read_bytes += len(data)
        if self.read_bytes > self.declared:
            raise UnreadableFile(
                gettext(
                    "this file holds more than the %(declared)s bytes %(zip)s says it does: the "
                    "zip is damaged or forged. Make a new zip of the OneRoster files."
                )
                % {"declared": f"{self.declared:,}", "zip": self.source.name}
            )
        self.source.count(len(data))
        return data


class CountedSource:
    """What every source shares: its caps and the bytes read from it so far."""

    name: str

    def __init__(self, limits: ImportLimits | None) -> None:
        self.limits = limits or ImportLimits.from_settings()
        self.unpacked = 0

    def count(self, size: int) -> None:
        self.unpacked += size
        if self.unpacked > self.limits.max_unpacked_bytes:
            raise UnreadableFile(self.too_big())

    def check_room_for(self, size: int) -> None:
        """Refuse a file that cannot fit before reading it (its size is known in advance)."""
        if self.unpacked + size > self.limits.max_unpacked_bytes:
            raise UnreadableFile(self.too_big())

    def too_big(self) -> str:
        return gettext(
            "with this file the files of %(source)s come to more than %(cap)s MB; the most "
            "Masterly reads is %(cap)s MB (the setting IMPORT_MAX_UNPACKED_MB). Check the file, "
            "or ask whoever runs Masterly to raise the limit."
        ) % {"source": self.name, "cap": self.limits.unpacked_mb}


class FolderSource(CountedSource):
    def __init__(self, path: Path, limits: ImportLimits | None = None) -> None:
        super().__init__(limits)
        self.path = path
        self.name = path.name or str(path)

    def exists(self, filename: str) -> bool:
        return (self.path / filename).is_file()

    def size(self, filename: str) -> int:
        return (self.path / filename).stat().st_size

    @contextmanager
    def open(self, filename: str) -> Iterator[Readable]:
        with (self.path / filename).open("rb") as stream:
            declared = self.size(filename)
            self.check_room_for(declared)
            yield CappedStream(stream, declared=declared, source=self)


class ZipSource(CountedSource):
    """A zip of the CSV files, at its top level or inside one folder (as some exports do)."""

    def __init__(self, path: Path, limits: ImportLimits | None = None, *, name: str = "") -> None:
        super().__init__(limits)
        self.path = path
        self.name = name or path.name  # an upload is stored under a name of its own
        self.archive = open_zip(path, name=self.name, limits=self.limits)
        names = {info.filename: info for info in self.archive.infolist() if not info.is_dir()}
        self.prefix = ""
        if MANIFEST not in names:
            folders = {n[: -len(MANIFEST)] for n in names if n.endswith("/" + MANIFEST)}
            if len(folders) == 1:
                self.prefix = folders.pop()
        self.infos = {
            name[len(self.prefix) :]: info
            for name, info in names.items()
            if name.startswith(self.prefix)
        }

    def exists(self, filename: str) -> bool:
        return filename in self.infos

    def size(self, filename: str) -> int:
        return self.infos[filename].file_size

    @contextmanager
    def open(self, filename: str) -> Iterator[Readable]:
        info = self.infos[filename]
        try:
            stream = self.archive.open(info)
        except (zipfile.BadZipFile, OSError, EOFError):
            # Its local header contradicts the zip's directory.
            raise UnreadableFile(
                gettext(
                    "this file in %(zip)s is damaged: its header cannot be read. Make a new "
                    "zip of the OneRoster files and import that."
                )
                % {"zip": self.name}
            ) from None
        with stream:
            yield CappedStream(stream, declared=info.file_size, source=self)

    def close(self) -> None:
        self.archive.close()


class MemorySource(CountedSource):
    """Files held as bytes: how the demo feeds its generated district to the same import."""

    def __init__(
        self,
        files: Mapping[str, bytes],
        name: str = "generated files",
        limits: ImportLimits | None = None,
    ) -> None:
        super().__init__(limits)
        self.files = dict(files)
        self.name = name

    def exists(self, filename: str) -> bool:
        return filename in self.files

    def size(self, filename: str) -> int:
        return len(self.files[filename])

    @contextmanager
    def open(self, filename: str) -> Iterator[Readable]:
        yield io.BytesIO(self.files[filename])


class FileSource(CountedSource):
    """One CSV file given as an open binary stream (an upload, or a file the command opened),
    read under the same caps as a set's files; ``name`` is what messages call it."""

    def __init__(
        self, stream: IO[bytes], *, name: str, size: int, limits: ImportLimits | None = None
    ) -> None:
        super().__init__(limits)
        self.stream = stream
        self.name = name
        self.declared = size

    def exists(self, filename: str) -> bool:
        return filename == self.name

    def size(self, filename: str) -> int:
        return self.declared

    @contextmanager
    def open(self, filename: str) -> Iterator[Readable]:
        self.check_room_for(self.declared)
        yield CappedStream(self.stream, declared=self.declared, source=self)


@contextmanager
def open_source(
    path: Path | str, limits: ImportLimits | None = None, *, name: str = ""
) -> Iterator[FolderSource | ZipSource]:
    """Open a .zip or a folder of OneRoster CSV files; a clear rejection if it is neither.

    ``name`` is what messages call a zip (the uploaded file's name, not the stored copy's).
    """
    path = Path(path)
    if path.is_dir():
        yield FolderSource(path, limits)
        return
    if not path.exists():
        raise reject(
            path.name,
            gettext("%(path)s does not exist. Give the path of a .zip or a folder.")
            % {"path": path},
        )
    if not path.is_file():
        raise not_a_zip(name or path.name)
    try:
        source = ZipSource(path, limits, name=name)
    except OSError as problem:
        raise reject(
            name or path.name,
            gettext("this file cannot be opened (%(reason)s).") % {"reason": problem.strerror},
        ) from None
    try:
        yield source
    finally:
        source.close()
