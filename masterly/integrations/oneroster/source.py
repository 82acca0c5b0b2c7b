"""Where the OneRoster files come from: a .zip, a folder, or files built in memory (the demo).

Only bytes come out of a source; decoding and parsing happen in ``csvreader``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Protocol

from masterly.integrations.oneroster.errors import RosterImportError, RosterImportRejected

MANIFEST = "manifest.csv"


class RosterSource(Protocol):
    name: str

    def exists(self, filename: str) -> bool: ...

    def size(self, filename: str) -> int: ...

    def open(self, filename: str) -> AbstractContextManager[IO[bytes]]: ...


class FolderSource:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name or str(path)

    def exists(self, filename: str) -> bool:
        return (self.path / filename).is_file()

    def size(self, filename: str) -> int:
        return (self.path / filename).stat().st_size

    @contextmanager
    def open(self, filename: str) -> Iterator[IO[bytes]]:
        with (self.path / filename).open("rb") as stream:
            yield stream


class ZipSource:
    """A zip of the CSV files, at its top level or inside one folder (as some exports do)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self.archive = zipfile.ZipFile(path)
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
    def open(self, filename: str) -> Iterator[IO[bytes]]:
        with self.archive.open(self.infos[filename]) as stream:
            yield stream

    def close(self) -> None:
        self.archive.close()


class MemorySource:
    """Files held as bytes: how the demo feeds its generated district to the same import."""

    def __init__(self, files: Mapping[str, bytes], name: str = "generated files") -> None:
        self.files = dict(files)
        self.name = name

    def exists(self, filename: str) -> bool:
        return filename in self.files

    def size(self, filename: str) -> int:
        return len(self.files[filename])

    @contextmanager
    def open(self, filename: str) -> Iterator[IO[bytes]]:
        yield io.BytesIO(self.files[filename])


def _reject(file: str, message: str) -> RosterImportRejected:
    return RosterImportRejected([RosterImportError(file=file, message=message)])


@contextmanager
def open_source(path: Path | str) -> Iterator[FolderSource | ZipSource]:
    """Open a .zip or a folder of OneRoster CSV files; a clear rejection if it is neither."""
    path = Path(path)
    if path.is_dir():
        yield FolderSource(path)
        return
    if not path.exists():
        raise _reject(path.name, f"{path} does not exist. Give the path of a .zip or a folder.")
    if not zipfile.is_zipfile(path):
        raise _reject(
            path.name,
            "is not a .zip file. Give a .zip of the OneRoster CSV files (manifest.csv, orgs.csv, "
            "users.csv, …) or the folder that holds them.",
        )
    source = ZipSource(path)
    try:
        yield source
    finally:
        source.close()
