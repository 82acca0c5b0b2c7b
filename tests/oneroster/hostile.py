"""Hostile and broken zips, written byte by byte so they stay small on disk.

``zipfile`` cannot write a member from bytes it did not compress itself, nor a directory that
lies; a zip is simple enough to write by hand: a local header and the data for each member,
then the directory and its end record.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
LOCAL_HEADER = struct.Struct("<4s5H3L2H")
DIRECTORY_ENTRY = struct.Struct("<4s6H3L5H2L")
END_RECORD = struct.Struct("<4s4H2LH")


@dataclass
class Member:
    """One file of a zip: its packed bytes, and what the directory says about it."""

    name: str
    data: bytes
    method: int
    crc: int
    file_size: int
    compress_size: int = -1  # the length of ``data`` unless a test makes it lie

    def __post_init__(self) -> None:
        if self.compress_size < 0:
            self.compress_size = len(self.data)


def deflate(content: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(content) + packer.flush()


def packed(name: str, content: bytes, *, method: int = zipfile.ZIP_DEFLATED) -> Member:
    data = deflate(content) if method == zipfile.ZIP_DEFLATED else content
    return Member(name, data, method, zlib.crc32(content), len(content))


def zeros(name: str, size_mb: int) -> Member:
    """``size_mb`` MB of zero bytes deflated to about a thousandth of that, in a second.

    After a full flush deflate starts afresh, so every megabyte packs to the same bytes:
    one is packed and repeated.
    """
    megabyte = bytes(MB)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(megabyte) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(size_mb):
        crc = zlib.crc32(megabyte, crc)
    return Member(name, block * size_mb + packer.flush(), zipfile.ZIP_DEFLATED, crc, size_mb * MB)


def _described(member: Member) -> tuple[int, ...]:
    """What both a member's local header and its directory entry say about it, in order:
    method, time, date (1980-01-01), check sum, packed size, size, name length."""
    return (
        member.method, 0, 0x21, member.crc, member.compress_size, member.file_size,
        len(member.name.encode()),
    )  # fmt: skip


def write_zip(path: Path, members: list[Member], aliases: dict[str, str] | None = None) -> Path:
    """The zip of ``members``; each alias is one more directory entry, named as the key and
    pointing at the packed bytes of the member named as the value (entries that overlap)."""
    with path.open("wb") as out:
        offsets = []
        for member in members:
            offsets.append(out.tell())
            name = member.name.encode()
            out.write(LOCAL_HEADER.pack(b"PK\x03\x04", 20, 0, *_described(member), 0))
            out.write(name)
            out.write(member.data)
        directory_start = out.tell()
        entries = list(zip(members, offsets, strict=True))
        by_name = {member.name: (member, offset) for member, offset in entries}
        for alias, target in (aliases or {}).items():
            member, offset = by_name[target]
            entries.append(
                (
                    Member(
                        alias,
                        b"",
                        member.method,
                        member.crc,
                        member.file_size,
                        member.compress_size,
                    ),
                    offset,
                )
            )
        for member, offset in entries:
            name = member.name.encode()
            entry = (b"PK\x01\x02", 20, 20, 0, *_described(member), 0, 0, 0, 0, 0, offset)
            out.write(DIRECTORY_ENTRY.pack(*entry))
            out.write(name)
        directory_size = out.tell() - directory_start
        out.write(
            END_RECORD.pack(
                b"PK\x05\x06",
                0,
                0,
                len(entries),
                len(entries),
                directory_size,
                directory_start,
                0,
            )
        )
    return path


def zeros_bomb(path: Path, files: dict[str, bytes]) -> Path:
    """A roster zip whose users.csv is 1 GB of zeros: about 1 MB on disk."""
    return roster_zip(path, files, users_csv=zeros("users.csv", 1024))


def roster_zip(path: Path, files: dict[str, bytes], **replaced: Member) -> Path:
    """A zip of a roster set's files, some of them replaced (``users_csv=…`` for users.csv)."""
    swaps = {name.replace("_csv", ".csv"): member for name, member in replaced.items()}
    members = [swaps.get(name) or packed(name, content) for name, content in files.items()]
    return write_zip(path, members)
