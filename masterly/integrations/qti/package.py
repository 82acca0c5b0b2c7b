"""A QTI content package opened for reading: a .zip (a path or an upload) or a folder.

Nothing is unpacked to disk. A zip's directory is checked before a byte is read (a whole zip,
how many files, encryption, each large file's compression ratio, packed sizes that add up, the
unpacked total under ``QTI_MAX_PACKAGE_MB``), and a file is read no further than its declared
size. Paths come from the manifest and the items, so each is normalised and must stay inside
the package: ``../`` or an absolute path is refused, and a folder's symlink out of it too.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path
from typing import IO

from django.utils.translation import gettext

from masterly.integrations.qti.errors import QtiImportRejected, QtiProblem
from masterly.integrations.qti.limits import (
    MAX_COMPRESSION_RATIO,
    MAX_FILES,
    RATIO_CHECKED_FROM_BYTES,
    max_package_bytes,
    package_too_large,
)

MANIFEST = "imsmanifest.xml"
ENCRYPTED = 0x1
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


def refused(file: str, message: str, where: str = "") -> QtiImportRejected:
    return QtiImportRejected([QtiProblem(file, where, message)])


def package_path(base: str, href: str) -> str | None:
    """``href`` (relative to the file at ``base``) as a path inside the package, or None when
    it leaves the package or is an address elsewhere."""
    if not href or "://" in href or href.startswith(("/", "\\")) or ":" in href.split("/")[0]:
        return None
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(base), href.split("#")[0]))
    if joined.startswith("..") or joined == ".":
        return None
    return joined


class Package:
    """The files of a package by their path inside it, and their declared sizes."""

    def __init__(self, name: str, sizes: dict[str, int]) -> None:
        self.name = name
        self.sizes = sizes

    def has(self, path: str) -> bool:
        return path in self.sizes

    def read(self, path: str) -> bytes:
        raise NotImplementedError

    def close(self) -> None:
        return None

    def __enter__(self) -> Package:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class ZipPackage(Package):
    def __init__(self, name: str, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.infos = {
            posixpath.normpath(info.filename): info
            for info in archive.infolist()
            if not info.is_dir()
        }
        super().__init__(name, {path: info.file_size for path, info in self.infos.items()})

    def read(self, path: str) -> bytes:
        info = self.infos[path]
        try:
            with self.archive.open(info) as stream:
                data = stream.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            raise refused(
                path,
                gettext("this file in %(zip)s is damaged (%(error)s). Make the zip again.")
                % {"zip": self.name, "error": error},
            ) from None
        if len(data) > info.file_size:
            raise refused(path, gettext("this file is longer than the zip's directory says."))
        return data

    def close(self) -> None:
        self.archive.close()


class FolderPackage(Package):
    def __init__(self, name: str, root: Path) -> None:
        self.root = root.resolve()
        sizes: dict[str, int] = {}
        for found in sorted(self.root.rglob("*")):
            if len(sizes) > MAX_FILES:
                raise _too_many(name, len(sizes))
            resolved = found.resolve()
            if found.is_file() and resolved.is_relative_to(self.root):
                sizes[found.relative_to(self.root).as_posix()] = resolved.stat().st_size
        super().__init__(name, sizes)
        _check_total(name, sum(sizes.values()))

    def read(self, path: str) -> bytes:
        with (self.root / path).open("rb") as stream:
            data = stream.read(self.sizes[path] + 1)
        if len(data) > self.sizes[path]:
            raise refused(path, gettext("this file grew while it was read; import again."))
        return data


def open_package(source: Path | IO[bytes], name: str) -> Package:
    """The package at ``source`` (a folder, a .zip path, or an open .zip), its limits checked."""
    if isinstance(source, Path) and source.is_dir():
        package: Package = FolderPackage(name, source)
    else:
        package = ZipPackage(name, _open_zip(source, name))
    if not package.has(MANIFEST):
        package.close()
        raise refused(
            name,
            gettext(
                "there is no imsmanifest.xml at the top of this package. A QTI content package "
                "lists its items in imsmanifest.xml; zip the folder's contents, not the folder."
            ),
        )
    return package


def _open_zip(source: Path | IO[bytes], name: str) -> zipfile.ZipFile:
    size = source.stat().st_size if isinstance(source, Path) else source.seek(0, 2)
    if size > max_package_bytes():
        raise refused(name, package_too_large(name))
    if not isinstance(source, Path):
        source.seek(0)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        raise refused(
            name,
            gettext(
                "is not a complete .zip file (it may be another kind of file, or cut off on "
                "its way here). Give a .zip of a QTI content package, or its folder."
            ),
        ) from None
    try:
        _check_directory(archive, size, name)
    except QtiImportRejected:
        archive.close()
        raise
    return archive


def _too_many(name: str, count: int) -> QtiImportRejected:
    return refused(
        name,
        gettext("this package holds more than %(cap)s files (%(count)s); split it up.")
        % {"cap": f"{MAX_FILES:,}", "count": f"{count:,}"},
    )


def _check_total(name: str, unpacked: int) -> None:
    if unpacked > max_package_bytes():
        raise refused(name, package_too_large(name))


def _check_directory(archive: zipfile.ZipFile, size: int, name: str) -> None:
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > MAX_FILES:
        raise _too_many(name, len(members))
    for info in members:
        if info.flag_bits & ENCRYPTED:
            raise refused(
                info.filename,
                gettext("this file in %(zip)s is encrypted; zip the package without a password.")
                % {"zip": name},
            )
        if info.compress_type not in READABLE_METHODS:
            raise refused(
                info.filename,
                gettext("this file in %(zip)s is packed with a method Masterly cannot unpack.")
                % {"zip": name},
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_CHECKED_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise refused(
                info.filename,
                gettext(
                    "this file in %(zip)s unpacks to %(ratio)s times its packed size; no QTI "
                    "file packs that tightly, so the zip is damaged or made to exhaust the server."
                )
                % {"zip": name, "ratio": f"{ratio:,.0f}"},
            )
    if sum(info.compress_size for info in members) > size:
        raise refused(
            name,
            gettext(
                "this zip's files claim more packed bytes than the zip holds (entries sharing "
                "their data, as zip bombs are made). Make the zip again."
            ),
        )
    _check_total(name, sum(info.file_size for info in members))
