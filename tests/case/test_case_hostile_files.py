"""Hostile CASE packages: too large (on the command line and as an upload), nested to exhaust
the reader, or holding a number too long to read. Each is refused with a clear message, exit
status 1 and no traceback, in bounded memory, and the standards are unchanged."""

from __future__ import annotations

import html
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.translation import gettext

from masterly.integrations.case.models import CaseImportRun
from tests.case.case_packages import counts, fingerprint, load, small_package
from tests.measure import MB, measured

pytestmark = pytest.mark.django_db

MEMORY_CAP_MB = 32


@pytest.fixture
def before() -> tuple[dict[str, int], list[tuple[object, ...]]]:
    load(small_package())
    return counts(), fingerprint()


def refused(path: Path, label: str) -> str:
    """Run ``masterly import-case PATH``; its message, once it has failed with exit status 1.

    (``call_command`` rather than ``masterly.cli.main``, which closes the test's connection; a
    ``CommandError`` is what Django prints as one line, with no traceback.)
    """
    # Load the project (the system checks import every URL) and the message catalogs before
    # the refusal is timed.
    call_command("check", stdout=io.StringIO())
    gettext("Nothing was changed.")
    with measured(label) as measure, pytest.raises(CommandError) as failure:
        call_command("import_case", str(path))
    assert failure.value.returncode == 1
    assert measure.peak_mb < MEMORY_CAP_MB
    message = str(failure.value)
    assert message.startswith("The package was not imported (nothing was changed):")
    return message


def test_a_package_file_past_the_cap_is_refused_before_it_is_read(tmp_path, before):
    path = tmp_path / "package.json"
    with path.open("wb") as file:
        file.truncate(1024 * MB)  # sparse: a gigabyte that takes no room on disk

    err = refused(path, "a 1 GB CASE package file")

    assert (
        f"{path} is larger than 50 MB, the largest CASE package Masterly reads (the setting "
        "CASE_MAX_PACKAGE_MB)."
    ) in err
    assert (counts(), fingerprint()) == before


def test_a_package_nested_to_exhaust_the_reader_is_refused(tmp_path, before):
    path = tmp_path / "package.json"
    path.write_bytes(b'{"CFDocument": ' + b"[" * 200_000 + b"]" * 200_000 + b"}")

    err = refused(path, "JSON nested 200,000 deep")

    assert (
        "This file nests its values too deeply to be a CASE package (it is built to exhaust "
        "the reader)."
    ) in err
    assert (counts(), fingerprint()) == before


def test_a_number_too_long_to_read_is_refused(tmp_path, before):
    path = tmp_path / "package.json"
    path.write_bytes(b'{"CFDocument": {"identifier": ' + b"7" * 100_000 + b"}}")

    err = refused(path, "a number of 100,000 digits")

    assert "This file holds a value that cannot be read (Exceeds the limit" in err
    assert (counts(), fingerprint()) == before


def upload(client, world, data: bytes):
    client.force_login(world.admin)
    file = SimpleUploadedFile("package.json", data, content_type="application/json")
    return client.post(reverse("case_import"), {"package": file})


def test_an_upload_past_the_package_cap_is_refused_and_not_stored(client, world, settings):
    settings.CASE_MAX_PACKAGE_MB = 1

    response = upload(client, world, bytes(2 * MB))

    assert response.status_code == 200
    assert (
        "package.json is larger than 1 MB, the largest CASE package Masterly reads (the "
        "setting CASE_MAX_PACKAGE_MB)."
    ) in html.unescape(response.content.decode())
    assert not CaseImportRun.objects.exists()


def test_an_upload_past_the_upload_limit_is_cut_off_and_not_stored(client, world, settings):
    settings.MAX_UPLOAD_MB = 1

    response = upload(client, world, bytes(2 * MB))

    assert response.status_code == 200
    assert (
        "This file is larger than 1 MB, the largest upload this server accepts (MAX_UPLOAD_MB)."
    ) in html.unescape(response.content.decode())
    assert not CaseImportRun.objects.exists()
