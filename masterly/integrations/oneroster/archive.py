"""Opening a roster .zip only when its own directory says it is safe to read.

Everything is checked from the zip's directory before a byte is unpacked: that it is a whole
zip, how many files it lists, each file's compression ratio, that no two entries share their
packed bytes, and the total unpacked size. What the directory declares is then held to while
reading (see ``source.CappedStream``): a zip bomb that lies about its sizes is stopped there.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import IO

from django.utils.translation import gettext

from masterly.integrations.oneroster.errors import RosterImportError, RosterImportRejected
from masterly.integrations.oneroster.limits import MB, RATIO_CHECKED_FROM_BYTES, ImportLimits

ZIP_START = b"PK\x03\x04"
# The end-of-directory record: signature, disk numbers, entry counts, directory size/offset,
# comment length. It sits in the last 22 bytes plus at most a 65,535-byte comment.
END_RECORD = struct.Struct("<4s4H2LH")
END_SIGNATURE = b"PK\x05\x06"
ZIP64_MARK = 0xFFFF
# Generous for a directory entry (46 bytes plus a file name): a directory larger than this per
# allowed member lists more files than the cap, whatever its counts say.
DIRECTORY_BYTES_PER_MEMBER = 4096
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
ENCRYPTED_FLAG = 0x1


def reject(file: str, message: str) -> RosterImportRejected:
    return RosterImportRejected([RosterImportError(file=file, message=message)])


def not_complete(name: str) -> RosterImportRejected:
    return reject(
        name,
        gettext(
            "is not a complete .zip file: its end is missing or damaged (it may have been "
            "cut off while it was downloaded or copied). Export or copy the file again and "
            "import the new copy."
        ),
    )


class NotAZip(RosterImportRejected):
    """The file is no zip at all (the web form words this for an upload)."""


def not_a_zip(name: str) -> NotAZip:
    return NotAZip(
        [
            RosterImportError(
                file=name,
                message=gettext(
                    "is not a .zip file. Give a .zip of the OneRoster CSV files (manifest.csv, "
                    "orgs.csv, users.csv, …) or the folder that holds them."
                ),
            )
        ]
    )


def open_zip(file: Path | IO[bytes], *, name: str, limits: ImportLimits) -> zipfile.ZipFile:
    """The zip, its directory checked; ``RosterImportRejected`` naming the file and the cap."""
    if isinstance(file, Path):
        with file.open("rb") as stream:
            size = _check_end_record(stream, name, limits)
    else:
        size = _check_end_record(file, name, limits)
        file.seek(0)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, struct.error):
        raise not_complete(name) from None
    try:
        _check_members(archive, size, name, limits)
    except RosterImportRejected:
        archive.close()
        raise
    return archive


def _check_end_record(stream: IO[bytes], name: str, limits: ImportLimits) -> int:
    """The zip's size; refuses a directory of too many entries before ``zipfile`` builds an
    object for each of them."""
    size = stream.seek(0, 2)
    tail_length = min(size, END_RECORD.size + 65535)
    stream.seek(size - tail_length)
    tail = stream.read(tail_length)
    at = tail.rfind(END_SIGNATURE)
    if at < 0 or at + END_RECORD.size > len(tail):
        stream.seek(0)
        # A zip's first bytes with no end: one cut off on its way here.
        raise not_complete(name) if stream.read(len(ZIP_START)) == ZIP_START else not_a_zip(name)
    entries, directory_bytes = END_RECORD.unpack_from(tail, at)[4:6]
    if entries == ZIP64_MARK:
        return size  # a zip64 directory keeps its counts elsewhere: the member check holds
    if entries > limits.max_members or (
        directory_bytes > limits.max_members * DIRECTORY_BYTES_PER_MEMBER
    ):
        raise _too_many_members(name, entries, limits)
    return size


def _too_many_members(name: str, entries: int, limits: ImportLimits) -> RosterImportRejected:
    return reject(
        name,
        gettext(
            "this zip lists %(count)s files; a OneRoster set is a dozen CSV files and Masterly "
            "opens a zip of at most %(cap)s. Zip only the OneRoster CSV files and import again."
        )
        % {"count": f"{entries:,}", "cap": f"{limits.max_members:,}"},
    )


def _check_members(archive: zipfile.ZipFile, size: int, name: str, limits: ImportLimits) -> None:
    members = [info for info in archive.infolist() if not info.is_dir()]
    if len(members) > limits.max_members:
        raise _too_many_members(name, len(members), limits)
    packed = unpacked = 0
    for info in members:
        _check_member(info, size, name, limits)
        packed += info.compress_size
        unpacked += info.file_size
    if packed > size:
        raise reject(
            name,
            gettext(
                "this zip's files claim more packed bytes than the zip holds (entries that "
                "share their data, as zip bombs are made). Make a new zip of the OneRoster CSV "
                "files and import that."
            ),
        )
    if unpacked > limits.max_unpacked_bytes:
        raise reject(
            name,
            gettext(
                "this zip unpacks to %(size)s MB; the most Masterly reads is %(cap)s MB "
                "(the setting IMPORT_MAX_UNPACKED_MB). Check that it holds only the OneRoster "
                "CSV files, or ask whoever runs Masterly to raise the limit."
            )
            % {"size": f"{unpacked / MB:,.0f}", "cap": limits.unpacked_mb},
        )


def _check_member(info: zipfile.ZipInfo, size: int, name: str, limits: ImportLimits) -> None:
    member = info.filename
    if info.flag_bits & ENCRYPTED_FLAG:
        raise reject(
            member,
            gettext(
                "this file in %(zip)s is encrypted (protected by a password). Zip the OneRoster "
                "files again without a password."
            )
            % {"zip": name},
        )
    if info.compress_type not in READABLE_METHODS:
        raise reject(
            member,
            gettext(
                "this file in %(zip)s is packed with a method Masterly cannot unpack (number "
                "%(method)s). Zip the files again with the usual method (deflate)."
            )
            % {"zip": name, "method": info.compress_type},
        )
    if info.header_offset + info.compress_size > size:
        raise not_complete(name)
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_CHECKED_FROM_BYTES and ratio > limits.max_compression_ratio:
        raise reject(
            member,
            gettext(
                "this file in %(zip)s unpacks to %(ratio)s times its packed size (%(size)s MB); "
                "the most Masterly accepts is %(cap)s times (the setting "
                "IMPORT_MAX_COMPRESSION_RATIO). Roster CSV text never packs that tightly: the "
                "zip is damaged or was made to exhaust the server."
            )
            % {
                "zip": name,
                "ratio": f"{ratio:,.0f}",
                "size": f"{info.file_size / MB:,.0f}",
                "cap": limits.max_compression_ratio,
            },
        )
