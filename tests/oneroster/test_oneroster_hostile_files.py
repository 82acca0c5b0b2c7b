"""Hostile and broken roster files on the command line: refused quickly, with a message naming
the file and the cap, memory flat, exit status 1, no traceback, and the roster unchanged.

Each test imports the small district first, so "unchanged" means its people and classes are
all still there and active. Times and memory peaks are printed (``pytest -s``).
"""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masterly.integrations.oneroster import csvreader
from masterly.integrations.oneroster.models import ImportRun
from tests.measure import measured
from tests.oneroster.builders import district, snapshot, with_students
from tests.oneroster.hostile import MB, Member, packed, roster_zip, write_zip, zeros, zeros_bomb

pytestmark = pytest.mark.django_db

# Far above what reading one block and one line of a file needs: a refusal that unpacked or
# held the file would pass it many times over.
MEMORY_CAP_MB = 32


@pytest.fixture
def before(tmp_path):
    """The district imported through the same command (which also loads it before timing)."""
    call_command(
        "import_oneroster",
        str(district().write_zip(tmp_path / "district.zip")),
        stdout=io.StringIO(),
    )
    return snapshot()


def refused(path: Path, label: str) -> str:
    """Run ``masterly import-oneroster PATH``; its error output, once it has failed with 1.

    (``call_command`` rather than ``masterly.cli.main``: the same command and exit status,
    without closing the test's database connection. A ``CommandError`` is what Django prints
    as one line, with no traceback, and exits with its ``returncode``.)
    """
    err = io.StringIO()
    with measured(label) as measure, pytest.raises(CommandError) as failure:
        call_command("import_oneroster", str(path), stdout=io.StringIO(), stderr=err)
    assert failure.value.returncode == 1
    assert measure.peak_mb < MEMORY_CAP_MB
    assert err.getvalue().startswith("The import was rejected and nothing was changed.")
    assert ImportRun.objects.latest("pk").status == "failed"
    return err.getvalue()


def test_a_small_zip_holding_a_gigabyte_of_zeros_is_refused_from_its_directory(tmp_path, before):
    path = zeros_bomb(tmp_path / "bomb.zip", district().contents())
    assert path.stat().st_size < 1.1 * MB

    err = refused(path, "1 GB of zeros in a 1 MB zip")

    assert "  users.csv: this file in bomb.zip unpacks to 1,0" in err
    assert (
        "times its packed size (1,024 MB); the most Masterly accepts is 100 times (the setting "
        "IMPORT_MAX_COMPRESSION_RATIO)."
    ) in err
    assert snapshot() == before


def test_a_zip_past_the_unpacked_cap_is_refused_naming_the_cap(tmp_path, before, settings):
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10_000
    settings.IMPORT_MAX_UNPACKED_MB = 512
    path = zeros_bomb(tmp_path / "bomb.zip", district().contents())

    err = refused(path, "1 GB of zeros, ratio cap raised")

    assert (
        "  bomb.zip: this zip unpacks to 1,024 MB; the most Masterly reads is 512 MB (the "
        "setting IMPORT_MAX_UNPACKED_MB)."
    ) in err
    assert snapshot() == before


def test_zeros_that_pass_the_directory_checks_stop_at_the_first_line_cap(
    tmp_path, before, settings
):
    # With both directory caps raised the file is read: the line cap stops it after a block.
    settings.IMPORT_MAX_COMPRESSION_RATIO = 10_000
    path = zeros_bomb(tmp_path / "bomb.zip", district().contents())

    err = refused(path, "1 GB of zeros, read until the line cap")

    assert (
        "  users.csv, line 1: this line is longer than 64 KB, the most Masterly reads in one "
        "line (the setting IMPORT_MAX_LINE_KB)."
    ) in err
    assert snapshot() == before


def test_a_zip_that_lies_about_a_files_size_is_named_as_damaged(tmp_path, before):
    # The directory says users.csv is 10 KB (so its ratio looks harmless); it holds 1 GB.
    header = district().contents()["users.csv"].split(b"\n")[0] + b"\n"
    content_crc = zlib.crc32(bytes(MB), zlib.crc32(header))
    bomb = zeros("users.csv", 1024)
    lying = Member(
        "users.csv", deflate_header(header) + bomb.data, bomb.method, content_crc, 10 * 1024
    )
    path = roster_zip(tmp_path / "liar.zip", district().contents(), users_csv=lying)

    err = refused(path, "a zip that says 10 KB and holds 1 GB")

    assert (
        "  users.csv: this file in liar.zip is damaged: it cannot be unpacked to its end (its "
        "check sum or its packed data is wrong). Make a new zip of the OneRoster files and "
        "import that."
    ) in err
    assert snapshot() == before


def deflate_header(header: bytes) -> bytes:
    """The header line deflated as a block that does not end the stream (zeros follow)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(header) + packer.flush(zlib.Z_FULL_FLUSH)


def test_a_two_megabyte_zip_of_very_wide_rows_stops_at_the_line_cap(tmp_path, before):
    roster = district()
    rng = random.Random(11)
    wide = b"".join(
        ",".join(f"{byte:02x}" for byte in rng.randbytes(25_000)).encode() + b"\n"
        for _ in range(55)
    )  # 55 rows of 25,000 values each
    users = roster.contents()["users.csv"] + wide
    path = roster_zip(
        tmp_path / "wide.zip", roster.contents(), users_csv=packed("users.csv", users)
    )
    assert path.stat().st_size < 2 * MB

    err = refused(path, "a 2 MB zip of very wide rows")

    assert "  users.csv, line 9: this line is longer than 64 KB" in err
    assert snapshot() == before


def test_a_header_of_too_many_columns_is_refused_naming_the_cap(tmp_path, before):
    roster = district()
    users = roster.contents()["users.csv"]
    header, rest = users.split(b"\n", 1)
    extra = ",".join(f"metadata.x{n}" for n in range(1000)).encode()
    path = roster_zip(
        tmp_path / "columns.zip",
        roster.contents(),
        users_csv=packed("users.csv", header + b"," + extra + b"\n" + rest),
    )

    err = refused(path, "a header of a thousand columns")

    assert (
        "  users.csv, line 1: this line has 1,022 values; the most Masterly reads in one line "
        "is 250 (the setting IMPORT_MAX_COLUMNS)."
    ) in err
    assert snapshot() == before


def test_a_cut_off_zip_is_named_as_not_complete(tmp_path, before):
    whole = district().write_zip(tmp_path / "whole.zip").read_bytes()
    path = tmp_path / "rosters.zip"
    path.write_bytes(whole[: len(whole) // 2])

    err = refused(path, "a zip cut off halfway")

    assert (
        "  rosters.zip: is not a complete .zip file: its end is missing or damaged (it may have "
        "been cut off while it was downloaded or copied). Export or copy the file again and "
        "import the new copy."
    ) in err
    assert snapshot() == before


def test_a_zip_whose_directory_is_damaged_is_named_as_not_complete(tmp_path, before):
    whole = bytearray(district().write_zip(tmp_path / "whole.zip").read_bytes())
    directory = whole.rfind(b"PK\x01\x02")
    whole[directory : directory + 4] = b"XXXX"  # the last directory entry's signature
    path = tmp_path / "rosters.zip"
    path.write_bytes(bytes(whole))

    err = refused(path, "a zip with a damaged directory")

    assert "  rosters.zip: is not a complete .zip file" in err
    assert snapshot() == before


def test_a_file_whose_check_sum_fails_mid_read_is_named_and_nothing_changes(
    tmp_path, before, monkeypatch
):
    # Small blocks and chunks: rows are read, checked and written before the bad bytes are met.
    monkeypatch.setattr(csvreader, "BLOCK_SIZE", 4096)
    monkeypatch.setattr("masterly.integrations.oneroster.context.CHUNK_SIZE", 50)
    roster = with_students(district(), 600)
    users = roster.contents()["users.csv"]
    damaged = packed("users.csv", users, method=zipfile.ZIP_STORED)
    middle = len(users) // 2
    at = users.index(b"x", middle)  # a letter of a student's name, far past the first chunk
    damaged.data = users[:at] + b"y" + users[at + 1 :]
    path = roster_zip(tmp_path / "crc.zip", roster.contents(), users_csv=damaged)

    err = refused(path, "a stored file whose CRC fails mid-read")

    assert "  users.csv: this file in crc.zip is damaged: it cannot be unpacked to its end" in err
    assert snapshot() == before


def test_packed_data_damaged_mid_file_is_named_and_nothing_changes(tmp_path, before):
    roster = with_students(district(), 600)
    member = packed("users.csv", roster.contents()["users.csv"])
    middle = len(member.data) // 2
    member.data = member.data[:middle] + bytes(64) + member.data[middle + 64 :]
    path = roster_zip(tmp_path / "deflate.zip", roster.contents(), users_csv=member)

    err = refused(path, "deflated data damaged mid-file")

    assert "  users.csv: this file in deflate.zip is damaged" in err
    assert snapshot() == before


def test_a_zip_listing_thousands_of_files_is_refused_before_they_are_listed(tmp_path, before):
    members = [packed(name, data) for name, data in district().contents().items()]
    members += [packed(f"junk/{n}.txt", b"") for n in range(1200)]
    path = write_zip(tmp_path / "many.zip", members)

    err = refused(path, "a zip of 1,208 files")

    assert (
        "  many.zip: this zip lists 1,208 files; a OneRoster set is a dozen CSV files and "
        "Masterly opens a zip of at most 1,000."
    ) in err
    assert snapshot() == before


def test_entries_sharing_their_packed_bytes_are_refused(tmp_path, before):
    # The overlapping-entries bomb: many directory entries point at the same packed bytes.
    members = [packed(name, data) for name, data in district().contents().items()]
    aliases = {f"copy{n}/users.csv": "users.csv" for n in range(500)}
    path = write_zip(tmp_path / "overlap.zip", members, aliases)

    err = refused(path, "500 entries sharing one file's bytes")

    assert (
        "  overlap.zip: this zip's files claim more packed bytes than the zip holds (entries "
        "that share their data, as zip bombs are made)."
    ) in err
    assert snapshot() == before


def test_a_folder_file_past_the_unpacked_cap_is_refused_before_it_is_read(
    tmp_path, before, settings
):
    settings.IMPORT_MAX_UNPACKED_MB = 100
    folder = district().write_folder(tmp_path / "rosters")
    with (folder / "users.csv").open("r+b") as users:
        users.truncate(1024 * MB)  # sparse: a gigabyte that takes no room on disk

    err = refused(folder, "a folder with a 1 GB users.csv")

    assert (
        "  users.csv: with this file the files of rosters come to more than 100 MB; the most "
        "Masterly reads is 100 MB (the setting IMPORT_MAX_UNPACKED_MB)."
    ) in err
    assert snapshot() == before
