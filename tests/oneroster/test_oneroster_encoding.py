"""What spreadsheets and SIS exports really write is valid: BOM, CRLF, quoted commas."""

from __future__ import annotations

import pytest

from masterly.accounts.models import User
from masterly.roster.models import Org, Section
from tests.oneroster.builders import district

pytestmark = pytest.mark.django_db


def windows_style(text: str) -> bytes:
    return ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")


def test_bom_crlf_and_quoted_commas_are_valid(import_set):
    roster = district()
    roster.row("orgs.csv", "s1")["name"] = "Adams Middle School, North Campus"
    roster.row("users.csv", "st1")["familyName"] = 'Adams "Sunny" Ng'
    roster.row("classes.csv", "k1")["location"] = "Room 12\nEast wing"  # a line break, quoted
    overrides = {name: windows_style(roster.text(name)) for name in [*roster.files, "manifest.csv"]}

    summary = import_set(roster, overrides=overrides)

    assert summary.totals().created == 29
    assert Org.objects.get(sourced_id="s1").name == "Adams Middle School, North Campus"
    assert Org.objects.get(sourced_id="d1").name == "Demo District"  # no BOM in the first id
    assert User.objects.get(sourced_id="st1").last_name == 'Adams "Sunny" Ng'
    assert Section.objects.get(sourced_id="k1").location == "Room 12\r\nEast wing"
    assert set(Section.objects.get(sourced_id="k1").terms.values_list("sourced_id", flat=True)) == {
        "fall",
        "spring",
    }


def test_line_numbers_count_physical_lines_after_a_quoted_line_break(import_set):
    from masterly.integrations.oneroster.errors import RosterImportRejected

    roster = district()
    roster.row("classes.csv", "k1")["location"] = "Room 12\nEast wing"
    roster.row("classes.csv", "k2")["courseSourcedId"] = "c99"

    with pytest.raises(RosterImportRejected) as refusal:
        import_set(roster)

    assert refusal.value.errors[0].line == 4  # k2 starts on line 4: k1 spans lines 2 and 3


def test_a_zip_with_the_files_in_one_folder_is_read(tmp_path):
    import zipfile

    from masterly.integrations.oneroster.importer import roster_import
    from masterly.integrations.oneroster.source import open_source

    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in district().contents().items():
            archive.writestr(f"oneroster-export/{name}", data)

    with open_source(path) as source:
        summary = roster_import(source=source, actor=None)

    assert summary.totals().created == 29


def test_a_bad_byte_far_into_a_big_file_is_found_on_its_exact_line(import_set, monkeypatch):
    from masterly.integrations.oneroster import csvreader
    from masterly.integrations.oneroster.errors import RosterImportRejected

    monkeypatch.setattr(csvreader, "BLOCK_SIZE", 64)  # many blocks, as a large file has
    roster = district()
    roster.row("users.csv", "lead1")["familyName"] = "López"
    data = roster.text("users.csv").encode("utf-8").replace("ó".encode(), b"\xf3")

    with pytest.raises(RosterImportRejected) as refusal:
        import_set(roster, overrides={"users.csv": data})

    # Only this problem: the users after it are not reported again by enrollments.csv.
    assert [(e.file, e.line) for e in refusal.value.errors] == [("users.csv", 7)]
