"""One size cap for a CASE package, however it arrives: CASE_MAX_PACKAGE_MB holds a file on
disk, an upload and a download from an address alike, with the same message naming it."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from masterly.integrations.case.models import CaseImportRun
from tests.case.case_packages import counts
from tests.case.case_server import BIG_BYTES, LoopbackCaseApi
from tests.conftest import World

pytestmark = pytest.mark.django_db

PAST_THE_CAP = (
    "is larger than 1 MB, the largest CASE package Masterly reads (the setting "
    "CASE_MAX_PACKAGE_MB). Nothing was changed; ask whoever runs Masterly to raise the limit."
)


@pytest.fixture
def api(settings: Any) -> Iterator[LoopbackCaseApi]:
    settings.CASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    served = LoopbackCaseApi()
    yield served
    served.close()


@pytest.fixture(autouse=True)
def one_megabyte(settings: Any) -> None:
    settings.CASE_MAX_PACKAGE_MB = 1  # BIG_BYTES is just past it


def import_refused(source: str) -> str:
    before = counts()
    with pytest.raises(CommandError) as refused:
        call_command("import_case", source)
    assert counts() == before
    return str(refused.value)


def test_a_file_and_an_address_past_the_same_setting_are_refused_alike(
    api: LoopbackCaseApi, tmp_path: Path
) -> None:
    path = tmp_path / "package.json"
    path.write_bytes(b"x" * BIG_BYTES)
    url = api.url(path="/big")

    assert f"{path} {PAST_THE_CAP}" in import_refused(str(path))
    assert f"{url} {PAST_THE_CAP}" in import_refused(url)


def test_an_address_is_downloaded_up_to_the_setting_not_a_fixed_cap(
    api: LoopbackCaseApi, settings: Any
) -> None:
    settings.CASE_MAX_PACKAGE_MB = 2

    message = import_refused(api.url(path="/big"))

    assert "larger than" not in message  # downloaded whole: what it holds is not a package
    assert "/big" in api.requests


def test_an_upload_past_the_setting_is_refused_with_the_same_words(
    client: Any, world: World
) -> None:
    client.force_login(world.admin)
    package = SimpleUploadedFile("package.json", b"x" * BIG_BYTES, content_type="application/json")

    response = client.post(reverse("case_import"), {"package": package})

    assert f"package.json {PAST_THE_CAP}" in html.unescape(response.content.decode())
    assert not CaseImportRun.objects.exists()
