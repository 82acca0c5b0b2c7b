"""pdf_response: a PDF download, or, where WeasyPrint cannot load, a page saying what to install."""

from __future__ import annotations

import sys

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from masterly.reports.pdf import PdfUnavailable, pdf_response, render_pdf


def request_for(path: str = "/assessments/1/print.pdf"):  # type: ignore[no-untyped-def]
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def test_a_pdf_is_served_as_a_private_download() -> None:
    response = pdf_response(request_for(), "<p>Quiz</p>", filename="Unit 3: quiz/key")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="Unit 3: quiz-key.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("filename", "header"),
    [
        ("Évaluation 2", "attachment; filename*=utf-8''%C3%89valuation%202.pdf"),
        ('key"\r\n.PDF', 'attachment; filename="key---.PDF"'),
        ("../../etc", 'attachment; filename="-..-etc.pdf"'),
        ("", 'attachment; filename="masterly.pdf"'),
    ],
)
def test_the_download_name_keeps_letters_and_drops_what_could_break_the_header(
    filename: str, header: str
) -> None:
    response = pdf_response(request_for(), "<p>Quiz</p>", filename=filename)

    assert response["Content-Disposition"] == header


@pytest.fixture
def without_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a server without WeasyPrint: importing it fails (None in sys.modules does that)."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    monkeypatch.delitem(sys.modules, "masterly.reports.pdf_fetcher", raising=False)


@pytest.mark.usefixtures("without_weasyprint")
def test_without_weasyprint_only_the_pdf_says_so_in_plain_words() -> None:
    with pytest.raises(PdfUnavailable) as unavailable:
        render_pdf("<p>Quiz</p>")

    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in unavailable.value.message
    assert "The print view still works" in unavailable.value.message


@pytest.mark.django_db
@pytest.mark.usefixtures("without_weasyprint")
def test_without_weasyprint_the_pdf_link_shows_a_clear_page() -> None:
    response = pdf_response(request_for(), "<p>Quiz</p>", filename="quiz")

    assert response.status_code == 503
    page = response.content.decode()
    assert "This PDF cannot be made here" in page
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in page
