"""The term PDF as a family downloads it, turned into an image with pdftoppm (Poppler): it
has pages and ink; the PNG is kept under the test's folder for a person to look at."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from tests.assessment_factories import Mastery

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs pdftoppm (poppler-utils)")
def test_the_term_pdf_downloads_and_renders_to_an_image(scored: Mastery, tmp_path: Path) -> None:
    framework = scored.standard_a.framework
    framework.creator = "CCSSO"
    framework.save(update_fields=["creator"])
    client = Client()
    client.force_login(scored.world.parent)
    term = scored.world.section.terms.get()
    response = client.get(
        reverse(
            "family_report_term_pdf",
            kwargs={
                "student_id": scored.world.student.pk,
                "tracker_id": scored.tracker.pk,
                "term_id": term.pk,
            },
        )
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages, "pdftoppm made no image"
    with Image.open(pages[0]) as image:
        assert image.width > 300 and image.height > 300
        grey = image.convert("L")
        assert grey.getextrema()[0] < 100, "the first page has no dark ink"
    text = (
        subprocess.run(
            ["pdftotext", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        if shutil.which("pdftotext")
        else ""
    )
    if text:
        assert scored.world.school.name in text
        assert text.count("Common Core State Standards are") == 1
        assert "6.RP.A.1" in text and "6.RP.A.3" not in text  # not assessed in the term


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="needs pdffonts (poppler-utils)")
def test_the_term_pdf_is_laid_out_by_its_own_stylesheet_parsed_once(
    scored: Mastery, tmp_path: Path
) -> None:
    """The PDF links no stylesheet: ``reports/progress.css`` is handed to WeasyPrint parsed,
    once per thread (its sans-serif font shows it was applied; the default would be serif)."""
    from django.utils import timezone

    from masterly.reports import pdf_fetcher
    from masterly.reports.progress.documents import term_report_html, term_report_pdf
    from masterly.trackers.selectors.progress_report import ReportSubject, term_report

    world = scored.world
    subject = ReportSubject(
        student=world.student,
        tracker=scored.tracker,
        section=world.section,
        school=world.school,
        for_family=True,
    )
    report = term_report(subject, world.section.terms.get(), timezone.localdate())
    assert "<link" not in term_report_html(report, for_pdf=True, links={})
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(term_report_pdf(report))
    fonts = subprocess.run(
        ["pdffonts", str(pdf)], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    assert "DejaVu-Sans" in fonts and "Serif" not in fonts
    first = pdf_fetcher._stylesheet("reports/progress.css")
    assert pdf_fetcher._stylesheet("reports/progress.css") is first
