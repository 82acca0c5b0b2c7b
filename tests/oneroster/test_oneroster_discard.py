"""A run awaiting confirmation can be discarded (a confirmation step, then POST): its upload
and staging go, it is kept in the history as discarded, and an audit row says who did it.
"Import anyway" and "Discard" both refuse a run that no longer awaits them (a second tab)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse

from masterly.core.models import AuditEvent
from masterly.integrations.oneroster.models import ImportRun, StagedUser
from tests.oneroster.builders import snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def awaiting(filename: str = "rosters.zip") -> ImportRun:
    upload = default_storage.save("oneroster/refused.zip", ContentFile(b"PK the district"))
    return ImportRun.objects.create(
        filename=filename,
        upload=upload,
        status=ImportRun.Status.NEEDS_CONFIRMATION,
        errors=[{"file": "users.csv", "message": "this import would deactivate 9 of the 10"}],
    )


def test_discarding_asks_first_then_removes_the_upload_and_records_who(client, world):
    run = awaiting()
    client.force_login(world.admin)
    run_page = client.get(reverse("oneroster:run", args=[run.pk])).content.decode()
    discard = reverse("oneroster:discard", args=[run.pk])
    assert f'href="{discard}">Discard…</a>' in run_page
    before = snapshot()

    question = client.get(discard).content.decode()

    assert "<h1>Discard the import of rosters.zip?</h1>" in question
    assert "the uploaded file is deleted from the server" in question
    assert 'name="csrfmiddlewaretoken"' in question
    assert ImportRun.objects.get(pk=run.pk).status == ImportRun.Status.NEEDS_CONFIRMATION

    response = client.post(discard, follow=True)

    page = response.content.decode()
    assert "rosters.zip was discarded: nothing was imported, and the file was deleted." in page
    assert "This import was discarded" in page
    assert "Import anyway" not in page
    run.refresh_from_db()
    assert (run.status, run.upload) == (ImportRun.Status.DISCARDED, "")
    assert run.finished_at is not None
    assert not default_storage.listdir("oneroster")[1]
    event = AuditEvent.objects.get(action="oneroster.import.discard")
    assert event.actor_id == world.admin.pk
    assert event.summary == "Discarded the import of rosters.zip; nothing was imported"
    after = snapshot()
    del before["core.AuditEvent"], after["core.AuditEvent"]
    assert after == before  # the roster is untouched


def test_discarding_removes_staging_rows_the_run_still_names(client, world):
    run = awaiting()
    run.staging_token = 44
    run.save(update_fields=["staging_token"])
    StagedUser.objects.create(token=44, line=2, sourced_id="u1")
    client.force_login(world.admin)

    client.post(reverse("oneroster:discard", args=[run.pk]))

    assert not StagedUser.objects.exists()
    assert ImportRun.objects.get(pk=run.pk).staging_token is None


@pytest.mark.parametrize(
    ("first", "then", "status", "label"),
    [
        ("discard", "confirm", ImportRun.Status.DISCARDED, "Discarded"),
        ("confirm", "discard", ImportRun.Status.QUEUED, "Waiting to start"),
        ("discard", "discard", ImportRun.Status.DISCARDED, "Discarded"),
    ],
)
def test_a_second_tab_is_told_the_run_was_already_decided(
    client, world, first, then, status, label
):
    run = awaiting()
    client.force_login(world.admin)
    client.post(reverse(f"oneroster:{first}", args=[run.pk]))
    decided = ImportRun.objects.get(pk=run.pk)
    assert decided.status == status

    response = client.post(reverse(f"oneroster:{then}", args=[run.pk]), follow=True)

    assert (
        f"This import is no longer waiting for a confirmation (it is now “{label}”), so nothing "
        "was done."
    ) in response.content.decode()
    run.refresh_from_db()
    assert (run.status, run.upload, run.allow_mass_deactivation) == (
        decided.status,
        decided.upload,
        decided.allow_mass_deactivation,
    )
    actions = AuditEvent.objects.values_list("action", flat=True)
    assert list(actions) == [f"oneroster.import.{first}"]


def test_the_question_page_of_a_decided_run_sends_back_to_the_run(client, world):
    run = ImportRun.objects.create(filename="done.zip", status=ImportRun.Status.SUCCEEDED)
    client.force_login(world.admin)

    response = client.get(reverse("oneroster:discard", args=[run.pk]), follow=True)

    assert response.redirect_chain == [(reverse("oneroster:run", args=[run.pk]), 302)]
    assert "no longer waiting for a confirmation (it is now “Imported”)" in (
        response.content.decode()
    )


def test_only_a_district_admin_discards_and_only_with_the_csrf_token(client, world):
    run = awaiting()
    discard = reverse("oneroster:discard", args=[run.pk])
    client.force_login(world.teacher)
    assert client.get(discard).status_code == 403
    assert client.post(discard).status_code == 403
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.admin)

    assert browser.post(discard).status_code == 403

    run.refresh_from_db()
    assert run.status == ImportRun.Status.NEEDS_CONFIRMATION
    assert default_storage.exists(run.upload)
    assert client.put(discard).status_code in {403, 405}


def test_the_question_page_reads_the_same_few_rows_whatever_the_errors(
    client, world, django_assert_num_queries
):
    small, large = awaiting("small.zip"), awaiting("large.zip")
    large.errors = large.errors * 50
    large.save(update_fields=["errors"])
    client.force_login(world.admin)
    client.get(reverse("oneroster:discard", args=[small.pk]))  # the session, warmed

    counts = []
    for run in (small, large):
        with django_assert_num_queries(4) as context:
            assert client.get(reverse("oneroster:discard", args=[run.pk])).status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
