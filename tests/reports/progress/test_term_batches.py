"""A school's term reports in the background: who may ask (the school's leader, a district
admin; not another school's leader, not a teacher), progress counted, one zip of PDFs."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from masterly.core.models import AuditEvent
from masterly.reports import term_batches
from masterly.reports.models import TermReportBatch
from tests.assessment_factories import Mastery
from tests.browser.conftest import in_ci

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _data_dir(settings: object, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path  # type: ignore[attr-defined]


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_schools_leader_makes_a_terms_reports_into_one_zip(
    scored: Mastery, django_capture_on_commit_callbacks: object
) -> None:
    world = scored.world
    term = world.section.terms.get()
    client = _client(world.leader)
    assert client.get(reverse("term_report_batches")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(
            reverse("term_report_batches"), {"school": world.school.pk, "term": term.pk}
        )
    assert response.status_code == 302
    batch = TermReportBatch.objects.get()
    assert AuditEvent.objects.filter(action="term_reports.request").count() == 1
    # The task queue runs it in the worker; here it is run in-process.
    finished = term_batches.run_batch(batch.pk)
    # Period 1: student (tracker and shared); Period 2: other_student (shared).
    assert (finished.status, finished.total, finished.done) == ("done", 3, 3)
    page = client.get(reverse("term_report_batch", kwargs={"batch_id": batch.pk}))
    assert b"3 of 3" in page.content
    download = client.get(reverse("term_report_batch_download", kwargs={"batch_id": batch.pk}))
    assert download.status_code == 200
    data = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    path = Path(str(term_batches.batch_folder())) / "check.zip"
    path.write_bytes(data)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert len(names) == 3
        assert all(name.endswith(".pdf") for name in names)
        assert archive.read(names[0]).startswith(b"%PDF")
    assert term_batches.run_batch(batch.pk).done == 3  # a second run changes nothing


def test_a_district_admin_may_ask_for_any_school_of_the_district(scored: Mastery) -> None:
    term = scored.world.section.terms.get()
    batch = term_batches.batch_request(
        actor=scored.world.admin, school_id=scored.world.school.pk, term_id=term.pk
    )
    assert batch.school == scored.world.school


@pytest.mark.parametrize("who", ["other_leader", "teacher", "parent", "student"])
def test_others_may_not_ask_nor_see_nor_download(scored: Mastery, who: str) -> None:
    world = scored.world
    term = world.section.terms.get()
    actor = getattr(world, who)
    with pytest.raises(PermissionDenied):
        term_batches.batch_request(actor=actor, school_id=world.school.pk, term_id=term.pk)
    batch = term_batches.batch_request(
        actor=world.leader, school_id=world.school.pk, term_id=term.pk
    )
    (term_batches.batch_folder() / "ready.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    TermReportBatch.objects.filter(pk=batch.pk).update(status="done", file_name="ready.zip")
    assert (
        _client(world.leader)
        .get(reverse("term_report_batch_download", kwargs={"batch_id": batch.pk}))
        .status_code
        == 200
    )
    client = _client(actor)
    index = client.get(reverse("term_report_batches"))
    # Another school's leader makes their own school's reports, and sees only those.
    assert index.status_code == (200 if who == "other_leader" else 404)
    assert world.school.name.encode() not in index.content
    for name in ("term_report_batch", "term_report_batch_download"):
        assert client.get(reverse(name, kwargs={"batch_id": batch.pk})).status_code == 404
    assert TermReportBatch.objects.count() == 1


def test_a_term_of_another_school_is_refused(scored: Mastery) -> None:
    from tests.factories import TermFactory

    with pytest.raises(ValidationError):
        term_batches.batch_request(
            actor=scored.world.leader, school_id=scored.world.school.pk, term_id=TermFactory().pk
        )
    assert not TermReportBatch.objects.exists()


def test_anonymous_is_sent_to_sign_in(scored: Mastery) -> None:
    response = Client().get(reverse("term_report_batches"))
    assert response.status_code == 302


def test_a_failure_ends_the_batch_with_its_reason_and_leaves_no_file(
    scored: Mastery, monkeypatch: pytest.MonkeyPatch
) -> None:
    from masterly.reports.pdf import PdfUnavailable

    def unavailable(*args: object, **kwargs: object) -> object:
        raise PdfUnavailable("Install Pango.")

    monkeypatch.setattr(term_batches, "pdfs_in_order", unavailable)
    term = scored.world.section.terms.get()
    batch = term_batches.batch_request(
        actor=scored.world.leader, school_id=scored.world.school.pk, term_id=term.pk
    )
    finished = term_batches.run_batch(batch.pk)
    assert (finished.status, finished.error) == ("failed", "Install Pango.")
    assert list(term_batches.batch_folder().iterdir()) == []


def test_each_report_is_in_its_familys_language(scored: Mastery) -> None:
    """A guardian who reads Spanish gets their child's report in Spanish; the rest of the
    batch stays in the default language (the worker renders each report in its family's)."""
    if shutil.which("pdftotext") is None:
        message = "pdftotext (poppler-utils) is needed to read the reports"
        if in_ci():
            pytest.fail(message)
        pytest.skip(message)
    world = scored.world
    world.parent.preferred_language = "es-MX"  # as a roster gives it
    world.parent.save(update_fields=["preferred_language"])
    batch = term_batches.batch_request(
        actor=world.leader, school_id=world.school.pk, term_id=world.section.terms.get().pk
    )
    finished = term_batches.run_batch(batch.pk)
    texts: dict[str, str] = {}
    with zipfile.ZipFile(term_batches.batch_folder() / finished.file_name) as archive:
        for name in archive.namelist():
            pdf = Path(str(term_batches.batch_folder())) / "one.pdf"
            pdf.write_bytes(archive.read(name))
            texts[name] = subprocess.run(
                ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
            ).stdout
    spanish = {name for name, text in texts.items() if "Estándares evaluados" in text}
    english = {name for name, text in texts.items() if "Standards assessed this term" in text}
    assert spanish and english and spanish | english == set(texts)
    assert all(world.student.display_name in name for name in spanish)
    assert all(world.other_student.display_name in name for name in english)
