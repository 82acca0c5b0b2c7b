"""The district admin's upload: queued as a task, run by the real worker, summary on its page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from masterly.integrations.oneroster.context import ImportProgress
from masterly.integrations.oneroster.models import ImportRun
from masterly.integrations.oneroster.progress import cache_progress
from masterly.roster.models import Enrollment
from tests.oneroster.builders import district
from tests.queued_tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

IMPORTS = reverse("oneroster:imports")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, roster, tmp_path, **data):
    path = roster.write_zip(tmp_path / "rosters.zip")
    file = SimpleUploadedFile("rosters.zip", path.read_bytes(), content_type="application/zip")
    return client.post(IMPORTS, {"file": file, **data})


# The worker checks its connection between tasks as a real one does; inside a test's
# transaction that would close it (on PostgreSQL), so these tests commit for real.
with_worker = pytest.mark.django_db(transaction=True)


@with_worker
def test_an_admin_uploads_and_the_worker_imports_with_the_summary_on_the_run_page(
    client, world, tmp_path, settings
):
    # An account made in Masterly (no sourcedId): the bulk import leaves it alone, while the
    # world's imported people, absent from these files, are deactivated (all of them: the
    # mass-deactivation guard is switched off here, and tested in test_oneroster_guard*.py).
    settings.ONEROSTER_MAX_DEACTIVATION_SHARE = 1.0
    world.admin.sourced_id = None
    world.admin.save(update_fields=["sourced_id"])
    client.force_login(world.admin)

    response = upload(client, district(), tmp_path)

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("oneroster:run", args=[run.pk])
    assert (run.status, run.created_by, run.filename) == ("queued", world.admin, "rosters.zip")
    assert run.task_id
    page = client.get(response.url).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page  # refreshes itself, no JS needed
    assert "Waiting for the background worker" in page

    run_queued_tasks()

    run.refresh_from_db()
    assert run.status == "succeeded"
    assert run.upload == ""  # the uploaded roster is not kept
    assert Enrollment.objects.filter(sourced_id__in=["e1", "e2", "e3"]).count() == 3
    page = client.get(response.url).content.decode()
    assert "http-equiv" not in page
    assert "The roster was imported." in page
    assert '<th scope="row">users.csv</th><td class="num">7</td>' in page
    assert '<th scope="row">Total</th><td class="num">29</td>' in page
    history = client.get(IMPORTS).content.decode()
    assert reverse("oneroster:run", args=[run.pk]) in history
    assert "Imported" in history


@with_worker
def test_a_rejected_upload_shows_every_problem_and_changes_nothing(client, world, tmp_path):
    client.force_login(world.admin)
    roster = district()
    roster.row("enrollments.csv", "e3")["userSourcedId"] = "nobody"
    upload(client, roster, tmp_path)

    run_queued_tasks()

    run = ImportRun.objects.get()
    assert run.status == "failed"
    assert not Enrollment.objects.filter(sourced_id="e1").exists()
    page = client.get(reverse("oneroster:run", args=[run.pk])).content.decode()
    assert "The import was rejected, and nothing was changed." in page
    assert (
        '<td>enrollments.csv</td><td class="num">4</td><td>userSourcedId</td><td>“nobody” is '
        "not a user in users.csv or already in Masterly. Add it to users.csv, or correct the "
        "id.</td>"
    ) in page


def test_progress_shows_while_the_import_runs(client, world):
    client.force_login(world.admin)
    run = ImportRun.objects.create(filename="big.zip", status=ImportRun.Status.RUNNING)
    cache_progress(run.pk)(
        ImportProgress(file="users.csv", rows_done=45000, bytes_done=42, bytes_total=100)
    )

    page = client.get(reverse("oneroster:run", args=[run.pk])).content.decode()

    assert "42 % done: reading users.csv, 45,000 rows so far." in page
    assert '<progress class="progress" max="100" value="42"' in page
    assert '<meta http-equiv="refresh" content="2">' in page


def test_a_file_that_is_not_a_zip_is_refused_by_the_form(client, world):
    client.force_login(world.admin)
    file = SimpleUploadedFile("users.csv", b"sourcedId\n", content_type="text/csv")

    response = client.post(IMPORTS, {"file": file})

    assert response.status_code == 200
    assert "This is not a .zip file." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_superuser_may_import(client, django_user_model):
    boss = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw-boss-123")
    client.force_login(boss)
    assert client.get(IMPORTS).status_code == 200


@pytest.mark.parametrize("who", ["teacher", "student", "parent", "leader"])
def test_everyone_but_district_admins_gets_403(client, world, who, tmp_path):
    client.force_login(getattr(world, who))

    assert client.get(IMPORTS).status_code == 403
    assert upload(client, district(), tmp_path).status_code == 403
    run = ImportRun.objects.create(filename="x.zip")
    assert client.get(reverse("oneroster:run", args=[run.pk])).status_code == 403
    assert ImportRun.objects.count() == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(IMPORTS)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
