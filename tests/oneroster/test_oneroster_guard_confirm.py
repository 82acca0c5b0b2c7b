"""Both answers to the mass-deactivation guard, on the command line and on the web: refused
(nothing changed, the numbers shown, how to confirm said), then confirmed and imported."""

from __future__ import annotations

import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from masterly.accounts.models import User
from masterly.integrations.oneroster.models import ImportRun
from masterly.integrations.oneroster.summary import ImportSummary
from masterly.roster.models import Enrollment, Role
from tests.oneroster.builders import district, snapshot
from tests.oneroster.test_oneroster_guard import PEOPLE, bigger_district, header_only_users
from tests.oneroster.test_oneroster_web import upload, with_worker
from tests.queued_tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_command(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_oneroster", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_refuses_until_allow_mass_deactivation_is_given(tmp_path):
    run_command(str(bigger_district().write_zip(tmp_path / "first.zip")))
    path = header_only_users().write_zip(tmp_path / "empty-users.zip")
    before = snapshot()
    err = io.StringIO()

    with pytest.raises(CommandError, match="--allow-mass-deactivation") as refused:
        call_command("import_oneroster", str(path), stdout=io.StringIO(), stderr=err)

    assert refused.value.returncode == 1
    assert f"users.csv: this import would deactivate {PEOPLE} of the {PEOPLE} active" in (
        err.getvalue()
    )
    assert snapshot() == before
    assert ImportRun.objects.latest("pk").status == ImportRun.Status.NEEDS_CONFIRMATION

    out, _ = run_command(str(path), "--allow-mass-deactivation")

    assert "deactivated" in out
    # Everyone but the district admin: nobody is signed in on a command line, so a confirmed
    # import keeps every district admin (and their admin role) rather than lock them out.
    admin = User.objects.get(sourced_id="adm1")
    assert list(User.objects.filter(sourced_id__isnull=False, is_active=True)) == [admin]
    assert admin.role_assignments.get(role=Role.DISTRICT_ADMIN).is_active
    assert (
        f"Kept active: {admin.display_name}. The files would have deactivated them, but a "
        "confirmed import never deactivates the district admins"
    ) in out
    summary = ImportSummary.from_dict(ImportRun.objects.latest("pk").summary)
    assert summary.kept_active == [admin.display_name]
    assert {f.file: f.counts.deactivated for f in summary.files}["users.csv"] == PEOPLE - 1


@with_worker
def test_the_web_asks_for_confirmation_then_imports_anyway(client, world, tmp_path):
    world.admin.sourced_id = None  # made in Masterly: no import deactivates it
    world.admin.save(update_fields=["sourced_id"])
    client.force_login(world.admin)
    upload(client, district(), tmp_path)  # none of the world's 10 imported people is in it

    run_queued_tasks()

    run = ImportRun.objects.get()
    page_url = reverse("oneroster:run", args=[run.pk])
    assert run.status == ImportRun.Status.NEEDS_CONFIRMATION
    assert run.upload and default_storage.exists(run.upload)  # kept for the confirmation
    assert not Enrollment.objects.filter(sourced_id="e1").exists()
    assert User.objects.get(pk=world.student.pk).is_active
    page = client.get(page_url).content.decode()
    assert "http-equiv" not in page
    assert "would deactivate 10 of the 11 active people (91\u00a0%; the limit is 20\u00a0%" in page
    assert (
        f'<form method="post" action="{reverse("oneroster:confirm", args=[run.pk])}" '
        'class="form-actions">'
    ) in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert "Import anyway" in page

    response = client.post(reverse("oneroster:confirm", args=[run.pk]))

    assert response.status_code == 302
    assert response.url == page_url
    run.refresh_from_db()
    assert (run.status, run.allow_mass_deactivation, run.errors) == ("queued", True, [])
    run_queued_tasks()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED
    assert run.upload == ""
    assert Enrollment.objects.filter(sourced_id__in=["e1", "e2", "e3"]).count() == 3
    assert not User.objects.get(pk=world.student.pk).is_active
    assert "The roster was imported." in client.get(page_url).content.decode()


def test_only_a_refused_run_is_confirmed_and_only_by_a_district_admin(client, world):
    run = ImportRun.objects.create(filename="r.zip", status=ImportRun.Status.SUCCEEDED)
    confirm = reverse("oneroster:confirm", args=[run.pk])
    client.force_login(world.teacher)
    assert client.post(confirm).status_code == 403

    client.force_login(world.admin)
    response = client.post(confirm, follow=True)

    assert (
        "This import is no longer waiting for a confirmation (it is now “Imported”), so nothing "
        "was done."
    ) in response.content.decode()
    run.refresh_from_db()
    assert (run.status, run.allow_mass_deactivation) == ("succeeded", False)
    assert client.get(confirm).status_code == 405


def test_the_confirmation_needs_the_csrf_token(world):
    run = ImportRun.objects.create(
        filename="r.zip", status=ImportRun.Status.NEEDS_CONFIRMATION, upload="oneroster/x.zip"
    )
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.admin)

    assert browser.post(reverse("oneroster:confirm", args=[run.pk])).status_code == 403
    run.refresh_from_db()
    assert run.status == ImportRun.Status.NEEDS_CONFIRMATION


@with_worker
def test_importing_anyway_never_deactivates_the_admin_who_confirms_it(client, world, tmp_path):
    # The world's admin came from an earlier import (a sourcedId) and is not in these files,
    # which would retire every one of the world's imported people, the admin included.
    world.admin.first_name, world.admin.last_name = "Ada", "<b>King</b>"
    world.admin.save(update_fields=["first_name", "last_name"])
    other_admin = User.objects.create(username="admin2", sourced_id="admin2")
    other_admin.role_assignments.create(role=Role.DISTRICT_ADMIN, org=world.district)
    client.force_login(world.admin)
    upload(client, district(), tmp_path)
    run_queued_tasks()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.NEEDS_CONFIRMATION
    page_url = reverse("oneroster:run", args=[run.pk])
    assert (
        "Importing anyway never deactivates your own account"
        in client.get(page_url).content.decode()
    )

    client.post(reverse("oneroster:confirm", args=[run.pk]))
    run_queued_tasks()

    run.refresh_from_db()
    assert (run.status, run.confirmed_by) == (ImportRun.Status.SUCCEEDED, world.admin)
    admin = User.objects.get(pk=world.admin.pk)
    assert admin.is_active
    assert admin.role_assignments.get(role=Role.DISTRICT_ADMIN).is_active
    assert not User.objects.get(pk=world.student.pk).is_active  # the rest as the files say
    assert not User.objects.get(pk=other_admin.pk).is_active  # the web keeps who confirmed
    assert ImportSummary.from_dict(run.summary).kept_active == ["Ada <b>King</b>"]
    page = client.get(page_url).content.decode()
    assert (
        "Kept active: Ada &lt;b&gt;King&lt;/b&gt;, whom these files would have deactivated: a "
        "confirmed import never locks out the admin who confirms it."
    ) in page
    assert client.get(reverse("oneroster:imports")).status_code == 200  # still an admin
