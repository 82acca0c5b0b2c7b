"""The QTI pages: a teacher's upload (with its confirmation), refusals, and the downloads."""

from __future__ import annotations

import html
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from masterly.assessments.items import services
from masterly.assessments.items.models import AssessmentItem, Item
from masterly.assessments.models import Assessment
from masterly.integrations.qti.models import QtiUpload
from tests.conftest import World
from tests.factories import PASSWORD
from tests.items.conftest import Tree, multiple_choice
from tests.qti.conftest import choice_item, hotspot_item, manifest, resource, zipped

MB = 1024 * 1024


def signed_in(user: object) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)  # type: ignore[attr-defined]
    return client


def upload(client: Client, data: bytes, name: str = "package.zip") -> str:
    response = client.post(
        reverse("qti_import"),
        {"package": SimpleUploadedFile(name, data, "application/zip"), "scope": "own"},
    )
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def mixed(tree: Tree) -> bytes:
    return zipped(
        {
            "imsmanifest.xml": manifest(
                resource("R1", "items/q1.xml", standards=(tree.rp_a_1.identifier,)),
                resource("R2", "items/h1.xml", standards=(tree.rp_a_1.identifier,)),
            ),
            "items/q1.xml": choice_item(),
            "items/h1.xml": hotspot_item(),
        }
    )


def test_unsupported_items_are_listed_and_the_rest_imported_once_confirmed(
    world: World, tree: Tree
) -> None:
    client = signed_in(world.teacher)

    page = upload(client, mixed(tree))

    assert "Some items cannot be imported" in page
    assert "items/h1.xml (item H1): qti-hotspot-interaction is not an interaction" in page
    assert not Item.objects.exists()
    waiting = QtiUpload.objects.get(owner=world.teacher)

    done = client.post(reverse("qti_import_confirm", args=[waiting.pk]))

    text = html.unescape(done.content.decode())
    assert "Items: 1 created, 0 changed (a new version), 0 unchanged." in text
    assert "items/h1.xml (item H1)" in text
    assert Item.objects.get().owner == world.teacher
    assert not QtiUpload.objects.exists()


def test_a_bad_package_lists_its_problems_and_changes_nothing(world: World, tree: Tree) -> None:
    broken = zipped(
        {
            "imsmanifest.xml": manifest(resource("R1", "items/q1.xml", standards=("nope",))),
            "items/q1.xml": choice_item(),
        }
    )

    page = upload(signed_in(world.teacher), broken)

    assert "The package was not imported" in page
    assert "items/q1.xml (item Q1): the standard nope is in no imported framework." in page
    assert not Item.objects.exists() and not QtiUpload.objects.exists()


def test_an_upload_past_the_upload_limit_is_refused(world: World, settings: object) -> None:
    settings.MAX_UPLOAD_MB = 1  # type: ignore[attr-defined]

    page = upload(signed_in(world.teacher), bytes(2 * MB))

    assert "the largest upload this server accepts (MAX_UPLOAD_MB)" in page
    assert not QtiUpload.objects.exists()


def test_students_and_guardians_may_not_import(world: World) -> None:
    for user in (world.student, world.parent):
        assert signed_in(user).get(reverse("qti_import")).status_code == 403


def test_another_persons_waiting_upload_cannot_be_confirmed(world: World, tree: Tree) -> None:
    upload(signed_in(world.teacher), mixed(tree))
    waiting = QtiUpload.objects.get()

    response = signed_in(world.other_teacher).post(reverse("qti_import_confirm", args=[waiting.pk]))

    assert response.status_code == 404 and not Item.objects.exists()


@pytest.mark.parametrize("count", [1, 12])
def test_the_bank_download_reads_the_same_queries_for_few_and_many_items(
    world: World, tree: Tree, count: int, django_assert_num_queries: object
) -> None:
    services.items_create(actor=world.teacher, drafts=[multiple_choice(tree.rp_a_1)] * count)
    client = signed_in(world.teacher)
    client.get(reverse("qti_import"))  # the session's first reads

    # 10: the bank's visibility reads the teacher's staff orgs in one query of its own.
    with django_assert_num_queries(10):  # type: ignore[operator]
        response = client.get(reverse("qti_export_bank"), {"scope": "own", "standard": "6.RP"})

    assert response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert len([n for n in names if n.startswith("items/")]) == count


def test_an_assessment_downloads_for_its_author_only(world: World, tree: Tree) -> None:
    item = services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_1))
    assessment = Assessment.objects.create(title="Quiz", created_by=world.teacher)
    AssessmentItem.objects.create(
        assessment=assessment, item_version_id=item.current_id, position=0
    )
    url = reverse("qti_export_assessment", args=[assessment.pk])

    response = signed_in(world.teacher).get(url)

    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any(name.startswith("tests/") for name in names)
    assert signed_in(world.other_teacher).get(url).status_code == 404


def test_the_bank_links_to_the_import_and_the_download(world: World, tree: Tree) -> None:
    services.item_create(actor=world.teacher, draft=multiple_choice(tree.rp_a_1))

    page = signed_in(world.teacher).get(reverse("item_bank"), {"scope": "own"}).content.decode()

    assert reverse("qti_import") in page
    assert f"{reverse('qti_export_bank')}?scope=own" in page
