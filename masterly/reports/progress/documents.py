"""A term's progress report as HTML (the print view) and as a PDF: one template for both."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from masterly.reports.pdf import render_pdf
from masterly.trackers.selectors.progress_report import TermReport

TERM_TEMPLATE = "reports/progress/print.html"
# The PDF's only stylesheet, given to WeasyPrint parsed (once per process), not linked.
PDF_STYLESHEETS = ("reports/progress.css",)


def term_report_html(report: TermReport, *, for_pdf: bool, links: dict[str, str]) -> str:
    return render_to_string(
        TERM_TEMPLATE,
        {
            "kind": "term",
            "subject": report.subject,
            "report": report,
            "for_pdf": for_pdf,
            "links": links,
        },
    )


def term_report_pdf(report: TermReport, *, language: str | None = None) -> bytes:
    """The PDF (in ``language`` if given, else the active one)."""
    with translation.override(language or translation.get_language()):
        html = term_report_html(report, for_pdf=True, links={})
        return render_pdf(html, stylesheets=PDF_STYLESHEETS)


def term_report_filename(report: TermReport) -> str:
    subject = report.subject
    return f"{subject.student.display_name} - {subject.tracker.name} - {report.term.title}.pdf"
