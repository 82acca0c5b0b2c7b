"""The family and student Reports pages (the paths the Mastery View links to)."""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern, path

from masterly.reports.progress import batch_views, views

FAMILY = "family/<int:student_id>/trackers/<int:tracker_id>/"
STUDENT = "student/trackers/<int:tracker_id>/"


def _both(route: str, view: Any, name: str, **kwargs: Any) -> list[URLPattern]:
    return [
        path(FAMILY + route, view, {"portal": views.FAMILY, **kwargs}, name=f"family_{name}"),
        path(STUDENT + route, view, {"portal": views.STUDENT, **kwargs}, name=f"student_{name}"),
    ]


urlpatterns = [
    *_both("reports/", views.tab, "report_current", tab="current"),
    *_both("reports/print/", views.tab, "report_current_print", tab="current", printing=True),
    *_both("reports/timeline/", views.tab, "report_timeline", tab="timeline"),
    *_both(
        "reports/timeline/print/",
        views.tab,
        "report_timeline_print",
        tab="timeline",
        printing=True,
    ),
    *_both("reports/terms/", views.terms, "report_terms"),
    *_both("reports/terms/<int:term_id>/print/", views.term_print, "report_term_print"),
    *_both("reports/terms/<int:term_id>/report.pdf", views.term_pdf, "report_term_pdf"),
    # Notes to Parents: families only (students see no notes; the view answers 404 to them).
    path(
        FAMILY + "notes/",
        views.tab,
        {"portal": views.FAMILY, "tab": "notes"},
        name="family_report_notes",
    ),
    path(
        FAMILY + "notes/print/",
        views.tab,
        {"portal": views.FAMILY, "tab": "notes", "printing": True},
        name="family_report_notes_print",
    ),
    # A school's term reports in one zip (leaders and district admins).
    path("reports/term-reports/", batch_views.batch_index, name="term_report_batches"),
    path(
        "reports/term-reports/<int:batch_id>/",
        batch_views.batch_page,
        name="term_report_batch",
    ),
    path(
        "reports/term-reports/<int:batch_id>/download/",
        batch_views.batch_download,
        name="term_report_batch_download",
    ),
]
