"""Old report files are deleted by the worker's periodic sweep: a school's term report zips
and activation letter zips older than REPORT_FILES_DAYS (their pages then say "expired, make
it again"); newer ones, and every other batch, are left alone."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masterly.core.worker.dead_runs import sweep_dead_runs
from masterly.reports import activation_letters, retention, term_batches
from masterly.reports.models import TermReportBatch
from tests.conftest import World

pytestmark = pytest.mark.django_db

DAYS = 14


@pytest.fixture(autouse=True)
def _folders(settings: object, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    settings.REPORT_FILES_DAYS = DAYS  # type: ignore[attr-defined]


def _ago(days: float) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _file(path: Path, *, age_days: float) -> Path:
    path.write_bytes(b"PK\x05\x06" + bytes(18))
    stamp = _ago(age_days).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def _batch(world: World, *, age_days: float, status: str = "done") -> TermReportBatch:
    name = f"{age_days}-{status}.zip"
    _file(term_batches.batch_folder() / name, age_days=age_days)
    return TermReportBatch.objects.create(
        school=world.school,
        term=world.section.terms.get(),
        requested_by=world.leader,
        status=status,
        total=3,
        done=3,
        file_name=name,
        finished_at=_ago(age_days),
    )


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_batch_past_the_retention_is_deleted_and_says_expired(world: World) -> None:
    old = _batch(world, age_days=DAYS + 1)
    recent = _batch(world, age_days=DAYS - 1)
    assert retention.report_files_delete_old() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.status, old.file_name) == ("expired", "")
    assert not (term_batches.batch_folder() / f"{DAYS + 1}-done.zip").exists()
    assert recent.status == "done" and term_batches.batch_file(recent) is not None
    client = _client(world.leader)
    page = client.get(reverse("term_report_batch", kwargs={"batch_id": old.pk})).content.decode()
    assert "Expired: the zip is kept 14 days after it is made. Make the reports again." in page
    assert "Download the zip" not in page
    download = reverse("term_report_batch_download", kwargs={"batch_id": old.pk})
    assert client.get(download).status_code == 404
    assert "Expired: make it again" in client.get(reverse("term_report_batches")).content.decode()
    assert retention.report_files_delete_old() == 0  # a second sweep finds nothing


def test_running_and_failed_batches_are_left_alone(world: World) -> None:
    running = TermReportBatch.objects.create(
        school=world.school,
        term=world.section.terms.get(),
        requested_by=world.leader,
        status="running",
    )
    failed = TermReportBatch.objects.create(
        school=world.school,
        term=world.section.terms.get(),
        requested_by=world.leader,
        status="failed",
        finished_at=_ago(DAYS + 5),
        error="Install Pango.",
    )
    retention.report_files_delete_old()
    assert TermReportBatch.objects.get(pk=running.pk).status == "running"
    assert TermReportBatch.objects.get(pk=failed.pk).status == "failed"


def test_a_part_file_a_dead_worker_left_goes_too(world: World) -> None:
    left = _file(term_batches.batch_folder() / "9-abc.zip.part", age_days=DAYS + 1)
    fresh = _file(term_batches.batch_folder() / "10-abc.zip.part", age_days=0)
    assert retention.report_files_delete_old() == 1
    assert not left.exists() and fresh.exists()


def test_letters_past_the_retention_are_deleted_and_their_page_says_expired(
    world: World,
) -> None:
    client = _client(world.leader)
    runs = []
    for age in (DAYS + 1, DAYS - 1):
        run = activation_letters.LetterRun(
            id=f"run{age}",
            owner_id=world.leader.pk,
            school_id=world.school.pk,
            school_name=world.school.name,
            status="done",
            total=2,
            done=2,
        )
        activation_letters.run_save(run)
        _file(activation_letters.run_path(run.id), age_days=age)
        runs.append(run)
    old, recent = runs
    assert retention.report_files_delete_old() == 1
    assert not activation_letters.run_path(old.id).exists()
    assert activation_letters.run_path(recent.id).exists()
    page = client.get(reverse("activation_run", kwargs={"run_id": old.id})).content.decode()
    assert "Expired: letters are kept 14 days after they are made. Make them again." in page
    assert "Download the letters" not in page
    assert (
        client.get(reverse("activation_run_download", kwargs={"run_id": old.id})).status_code == 404
    )
    page = client.get(reverse("activation_run", kwargs={"run_id": recent.id})).content.decode()
    assert "Download the letters" in page


def test_the_retention_is_a_setting(world: World, settings: object) -> None:
    batch = _batch(world, age_days=3)
    retention.report_files_delete_old()
    assert TermReportBatch.objects.get(pk=batch.pk).status == "done"
    settings.REPORT_FILES_DAYS = 2  # type: ignore[attr-defined]
    retention.report_files_delete_old()
    assert TermReportBatch.objects.get(pk=batch.pk).status == "expired"


def test_the_workers_periodic_sweep_deletes_them(world: World) -> None:
    batch = _batch(world, age_days=DAYS + 1)
    sweep_dead_runs()  # what the worker runs at start and every minute
    assert TermReportBatch.objects.get(pk=batch.pk).status == "expired"
    assert list(term_batches.batch_folder().iterdir()) == []


def test_a_file_that_cannot_be_deleted_does_not_stop_the_sweep(
    world: World, settings: object, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the letters' folder should be")
    settings.MEDIA_ROOT = blocker  # type: ignore[attr-defined]
    assert retention.report_files_sweep(timezone.now()) == 0  # logged, not raised


@pytest.mark.parametrize("count", [1, 5])
def test_expired_batches_are_marked_in_one_statement_however_many(
    world: World, count: int, django_assert_num_queries: object
) -> None:
    old = [_batch(world, age_days=DAYS + 1 + n) for n in range(count)]
    with django_assert_num_queries(2):  # type: ignore[operator]  # the names read, rows marked
        assert retention.report_files_delete_old() == count
    rows = TermReportBatch.objects.filter(pk__in=[batch.pk for batch in old])
    assert set(rows.values_list("status", "file_name")) == {("expired", "")}
    assert list(term_batches.batch_folder().iterdir()) == []
