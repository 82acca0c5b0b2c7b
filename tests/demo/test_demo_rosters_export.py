"""``masterly demo --export-rosters ZIP``: the demo district's OneRoster files as a sample .zip,
written without touching the database; the import reads it as it reads a district's export."""

from __future__ import annotations

import datetime
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from masterly.integrations.oneroster.importer import roster_import
from masterly.integrations.oneroster.source import open_source
from tests.oneroster.builders import snapshot

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def test_the_export_writes_a_set_the_import_reads_and_touches_nothing(tmp_path):
    before = snapshot()
    out = io.StringIO()

    call_command("demo", export_rosters=tmp_path / "rosters.zip", today=TODAY, stdout=out)

    assert snapshot() == before
    assert "the database was not touched" in out.getvalue()
    with zipfile.ZipFile(tmp_path / "rosters.zip") as archive:
        assert "manifest.csv" in archive.namelist()
    with open_source(tmp_path / "rosters.zip") as source:
        summary = roster_import(source=source, actor=None)
    assert summary.headline().startswith("OneRoster 1.2 import of rosters.zip: 6,311 created")
    groups = next(f for f in summary.files if f.file == "demographics.csv")
    assert groups.counts.created == 1274  # about two groups per student (sex, race, …)


def test_an_export_to_a_folder_that_does_not_exist_is_a_clear_problem(tmp_path):
    target = tmp_path / "missing" / "rosters.zip"

    with pytest.raises(CommandError, match=r"missing/rosters.zip: No such file or directory\."):
        call_command("demo", export_rosters=target, today=TODAY, stdout=io.StringIO())

    assert not target.parent.exists()
