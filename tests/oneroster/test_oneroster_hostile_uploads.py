"""Hostile and broken uploads on the roster import page: refused with a clear message before
anything is stored or queued, or (when only reading can tell) failed with the message on the
run's page, the upload removed and the roster unchanged."""

from __future__ import annotations

import html
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from masterly.core.uploads import upload_too_large
from masterly.integrations.oneroster.models import ImportRun
from masterly.integrations.oneroster.services import import_run_execute, import_run_start
from tests.oneroster.builders import district, snapshot, with_students
from tests.oneroster.hostile import MB, packed, roster_zip, zeros_bomb
from tests.queued_tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

IMPORTS = reverse("oneroster:imports")
TOO_LARGE = (
    "This file is larger than 1 MB, the largest upload this server accepts (MAX_UPLOAD_MB). "
    "Nothing was stored."
)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(media) -> list[str]:
    return [str(path) for path in media.rglob("*") if path.is_file()]


def page_text(response) -> str:
    return html.unescape(response.content.decode())


def post_zip(client, name: str, data: bytes, **fields):
    file = SimpleUploadedFile(name, data, content_type="application/zip")
    return client.post(IMPORTS, {**fields, "file": file})


def test_an_upload_past_the_limit_is_refused_with_csrf_intact_and_nothing_stored(
    world, settings, media
):
    settings.MAX_UPLOAD_MB = 1
    # A real browser's post: the CSRF token is checked, and it comes before the file.
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.admin)
    form = client.get(IMPORTS).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
    assert token

    response = post_zip(client, "rosters.zip", bytes(2 * MB), csrfmiddlewaretoken=token.group(1))

    assert response.status_code == 200
    assert TOO_LARGE in page_text(response)
    assert not ImportRun.objects.exists()
    assert stored_files(media) == []


def test_the_upload_handler_drops_a_file_past_the_limit_and_keeps_one_within_it(settings):
    settings.MAX_UPLOAD_MB = 1
    factory = RequestFactory()
    small = SimpleUploadedFile("small.zip", bytes(MB - 1024))
    large = SimpleUploadedFile("large.zip", bytes(MB + 1))

    kept = factory.post("/", {"note": "a", "file": small})
    dropped = factory.post("/", {"note": "a", "file": large})

    assert kept.FILES["file"].size == MB - 1024
    assert not upload_too_large(kept)
    assert "file" not in dropped.FILES
    assert upload_too_large(dropped)
    assert dropped.POST["note"] == "a"  # the fields before the file are still read


def test_a_cut_off_zip_is_refused_by_the_form(client, world, tmp_path, media):
    client.force_login(world.admin)
    whole = district().write_zip(tmp_path / "whole.zip").read_bytes()

    response = post_zip(client, "rosters.zip", whole[: len(whole) // 2])

    assert response.status_code == 200
    assert (
        "rosters.zip: is not a complete .zip file: its end is missing or damaged (it may have "
        "been cut off while it was downloaded or copied)."
    ) in page_text(response)
    assert not ImportRun.objects.exists()
    assert stored_files(media) == []


def test_a_zip_bomb_is_refused_by_the_form_naming_the_file_and_the_cap(
    client, world, tmp_path, media
):
    client.force_login(world.admin)
    bomb = zeros_bomb(tmp_path / "bomb.zip", district().contents())

    response = post_zip(client, "bomb.zip", bomb.read_bytes())

    text = page_text(response)
    assert "users.csv: this file in bomb.zip unpacks to 1,0" in text
    assert (
        "the most Masterly accepts is 100 times (the setting IMPORT_MAX_COMPRESSION_RATIO)" in text
    )
    assert not ImportRun.objects.exists()
    assert stored_files(media) == []


# The worker checks its connection between tasks as a real one does; inside a test's
# transaction that would close it (on PostgreSQL), so this test commits for real.
@pytest.mark.django_db(transaction=True)
def test_a_file_whose_check_sum_fails_is_named_on_the_runs_page(client, world, tmp_path, media):
    client.force_login(world.admin)
    roster = with_students(district(), 200)
    users = roster.contents()["users.csv"]
    damaged = packed("users.csv", users, method=zipfile.ZIP_STORED)
    at = users.index(b"x", len(users) // 2)
    damaged.data = users[:at] + b"y" + users[at + 1 :]
    path = roster_zip(tmp_path / "rosters.zip", roster.contents(), users_csv=damaged)
    before = snapshot()

    response = post_zip(client, "rosters.zip", path.read_bytes())
    run_queued_tasks()

    run = ImportRun.objects.get()
    assert run.status == "failed"
    assert run.upload == "" and stored_files(media) == []
    assert snapshot() == before
    page = page_text(client.get(response.url))
    assert "The import was rejected, and nothing was changed." in page
    assert (
        "this file in rosters.zip is damaged: it cannot be unpacked to its end (its check sum "
        "or its packed data is wrong)."
    ) in page


def test_a_stored_upload_that_is_not_a_complete_zip_fails_its_run_with_that_message(tmp_path):
    whole = district().write_zip(tmp_path / "whole.zip").read_bytes()
    path = tmp_path / "rosters.zip"
    path.write_bytes(whole[:-100])
    run = import_run_start(actor=None, filename="rosters.zip", origin=ImportRun.Origin.WEB)

    import_run_execute(run=run, path=path)

    run.refresh_from_db()
    assert run.status == "failed"
    assert [error["file"] for error in run.errors] == ["rosters.zip"]
    assert run.errors[0]["message"].startswith("is not a complete .zip file")
