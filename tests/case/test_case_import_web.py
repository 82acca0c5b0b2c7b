"""The district admin's CASE import page: upload, the real worker, progress, the run page."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from masterly.integrations.case.models import CaseImportRun
from masterly.integrations.case.tasks import CacheProgress, progress_key, read_progress
from masterly.standards.models import Framework, Standard
from tests.case.case_packages import CCSS_PATH, counts, dumps, small_package
from tests.case.case_server import LoopbackCaseApi
from tests.conftest import World
from tests.factories import PASSWORD
from tests.queued_tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


def signed_in(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


# The worker checks its database connection between tasks as in production, which a test
# wrapped in one transaction would not survive: tests that run it commit for real.
with_worker = pytest.mark.django_db(transaction=True)


def work() -> None:
    """Run the queued tasks with the real worker, in this process."""
    run_queued_tasks()


@with_worker
def test_an_admin_uploads_a_package_and_sees_the_result(world: World) -> None:
    client = signed_in(world.admin)
    upload = SimpleUploadedFile("ccss-math.json", CCSS_PATH.read_bytes(), "application/json")

    response = client.post(reverse("case_import"), {"package": upload})

    run = CaseImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("case_run", args=[run.pk])
    assert run.status == CaseImportRun.Status.QUEUED
    waiting = client.get(response["Location"])
    assert b"waiting for the worker" in waiting.content

    work()

    run.refresh_from_db()
    assert run.status == CaseImportRun.Status.SUCCEEDED
    assert run.payload is None
    assert run.created_by == world.admin
    assert Standard.objects.count() == 746
    page = client.get(reverse("case_run", args=[run.pk]))
    assert "Items: 746 created" in page.content.decode()
    assert run.framework == Framework.objects.get()
    progress = client.get(reverse("case_run_progress", args=[run.pk])).json()
    assert progress["finished"] is True and progress["status"] == "succeeded"
    assert progress["phase"] == "Done"


@with_worker
def test_a_bad_package_fails_with_its_message_and_changes_nothing(world: World) -> None:
    client = signed_in(world.admin)
    package = small_package()
    package["CFItems"].append(package["CFItems"][3])
    before = counts()
    client.post(reverse("case_import"), {"package": SimpleUploadedFile("bad.json", dumps(package))})
    work()
    run = CaseImportRun.objects.get()
    assert run.status == CaseImportRun.Status.FAILED
    page = client.get(reverse("case_run", args=[run.pk])).content.decode()
    assert "Not imported: nothing was changed" in page
    assert "Duplicate identifier: CFItem item-6.RP.A.1 appears 2 times" in page
    assert counts() == before


def test_the_form_needs_a_file_or_an_address(world: World) -> None:
    response = signed_in(world.admin).post(reverse("case_import"), {})
    assert response.status_code == 200
    assert "Choose a package file or give its address" in response.content.decode()
    assert not CaseImportRun.objects.exists()


@with_worker
def test_an_address_is_downloaded_by_the_worker(world: World, settings: Any) -> None:
    settings.CASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]  # the loopback CASE API below
    api = LoopbackCaseApi()
    try:
        url = api.url(path=f"/case/CFPackages/{small_package()['CFDocument']['identifier']}")
        signed_in(world.admin).post(reverse("case_import"), {"url": url})
        work()
    finally:
        api.close()
    run = CaseImportRun.objects.get()
    assert run.status == CaseImportRun.Status.SUCCEEDED, run.errors
    assert run.source_url == url
    assert Standard.objects.count() == 7


def test_progress_is_shared_through_the_cache(world: World) -> None:
    run = CaseImportRun.objects.create(source_name="x.json", status=CaseImportRun.Status.RUNNING)
    progress = CacheProgress(str(run.pk))
    progress("Writing items", 373, 746)
    assert read_progress(str(run.pk)) == {
        "phase": "Writing items",
        "done": 373,
        "total": 746,
        "percent": 50,
    }
    data = signed_in(world.admin).get(reverse("case_run_progress", args=[run.pk])).json()
    assert data["percent"] == 50 and data["finished"] is False
    page = signed_in(world.admin).get(reverse("case_run", args=[run.pk])).content.decode()
    assert 'value="50"' in page
    cache.delete(progress_key(str(run.pk)))


@pytest.mark.parametrize("who", ["teacher", "leader", "student", "parent"])
def test_only_district_admins_may_import(world: World, who: str) -> None:
    run = CaseImportRun.objects.create(source_name="x.json")
    client = signed_in(getattr(world, who))
    assert client.get(reverse("case_import")).status_code == 403
    upload = SimpleUploadedFile("ccss.json", b"{}")
    assert client.post(reverse("case_import"), {"package": upload}).status_code == 403
    assert client.get(reverse("case_run", args=[run.pk])).status_code == 403
    assert client.get(reverse("case_run_progress", args=[run.pk])).status_code == 403
    assert CaseImportRun.objects.count() == 1


def test_signed_out_people_are_sent_to_sign_in(db: None) -> None:
    response = Client().get(reverse("case_import"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_superuser_counts_as_a_district_admin(db: None) -> None:
    from tests.factories import UserFactory

    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    assert signed_in(boss).get(reverse("case_import")).status_code == 200
