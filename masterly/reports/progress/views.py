"""The Reports page of the family and student portals: Current Progress, Progress Timeline,
Notes to Parents (families only) and Progress Reports (a term's PDF), each with a print view
made from the same template as the page (and, for a term, as the PDF).

Thin views over ``trackers.selectors.progress_report``; ``portal`` is ``"family"`` (a
guardian reading a linked child's report) or ``"student"`` (a student reading their own).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from masterly.accounts.models import User
from masterly.reports.pdf import pdf_response
from masterly.reports.progress.charts import timeline_svg
from masterly.reports.progress.documents import (
    PDF_STYLESHEETS,
    term_report_filename,
    term_report_html,
)
from masterly.roster.models import Role
from masterly.trackers.selectors import progress_report as reports
from masterly.trackers.selectors.notes import family_notes

FAMILY = "family"
STUDENT = "student"


def _subject(
    request: HttpRequest, portal: str, tracker_id: int, student_id: int | None
) -> reports.ReportSubject:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    if portal == FAMILY:
        if student_id is None:
            raise Http404("No such report.")
        return reports.report_subject(
            user, student_id=student_id, tracker_id=tracker_id, as_role=Role.GUARDIAN
        )
    return reports.report_subject(
        user, student_id=user.pk, tracker_id=tracker_id, as_role=Role.STUDENT
    )


def _url(name: str, subject: reports.ReportSubject, **kwargs: Any) -> str:
    if subject.for_family:
        return reverse(
            f"family_{name}",
            kwargs={"student_id": subject.student.pk, "tracker_id": subject.tracker.pk, **kwargs},
        )
    return reverse(f"student_{name}", kwargs={"tracker_id": subject.tracker.pk, **kwargs})


def _links(subject: reports.ReportSubject) -> dict[str, str]:
    links = {
        "current": _url("report_current", subject),
        "current_print": _url("report_current_print", subject),
        "timeline": _url("report_timeline", subject),
        "timeline_print": _url("report_timeline_print", subject),
        "terms": _url("report_terms", subject),
    }
    if subject.for_family:
        links["notes"] = _url("report_notes", subject)
        links["notes_print"] = _url("report_notes_print", subject)
        # The Mastery View (family portal): a plain path, as the brief of that view names it.
        links["mastery"] = f"/family/{subject.student.pk}/trackers/{subject.tracker.pk}/"
        links["home"] = reverse("family_home")
    else:
        links["mastery"] = f"/student/trackers/{subject.tracker.pk}/"
        links["home"] = reverse("student_home")
    return links


def _page(
    request: HttpRequest, subject: reports.ReportSubject, tab: str, printing: bool, **extra: Any
) -> HttpResponse:
    context = {
        "subject": subject,
        "tab": tab,
        "kind": tab,
        "links": _links(subject),
        "for_pdf": False,
        **extra,
    }
    template = "reports/progress/print.html" if printing else "reports/progress/page.html"
    return render(request, template, context)


def _current(subject: reports.ReportSubject) -> dict[str, Any]:
    return {"report": reports.current_progress(subject)}


def _timeline(subject: reports.ReportSubject) -> dict[str, Any]:
    terms = reports.class_terms(subject)
    report = reports.progress_timeline(subject, terms, timezone.localdate())
    chart = timeline_svg(report, label=_("Level of each standard at each date"))
    return {"report": report, "chart": chart}


def _notes(subject: reports.ReportSubject) -> dict[str, Any]:
    if not subject.for_family:  # notes are to families (ADR 29)
        raise Http404("No such page.")
    return {"notes": family_notes(subject.tracker, subject.student)}


TAB_CONTENT = {"current": _current, "timeline": _timeline, "notes": _notes}


@login_required
def tab(
    request: HttpRequest,
    portal: str,
    tab: str,
    tracker_id: int,
    student_id: int | None = None,
    printing: bool = False,
) -> HttpResponse:
    """A printable tab (Current Progress, Progress Timeline, Notes to Parents), or its print
    view."""
    subject = _subject(request, portal, tracker_id, student_id)
    return _page(request, subject, tab, printing, **TAB_CONTENT[tab](subject))


@login_required
def terms(
    request: HttpRequest, portal: str, tracker_id: int, student_id: int | None = None
) -> HttpResponse:
    subject = _subject(request, portal, tracker_id, student_id)
    found = reports.class_terms(subject)
    rows = [
        {
            "term": term,
            "pdf": _url("report_term_pdf", subject, term_id=term.pk),
            "print": _url("report_term_print", subject, term_id=term.pk),
        }
        for term in found
    ]
    return _page(request, subject, "terms", False, terms=rows)


def _term_report(
    request: HttpRequest, portal: str, tracker_id: int, student_id: int | None, term_id: int
) -> reports.TermReport:
    subject = _subject(request, portal, tracker_id, student_id)
    term = reports.term_or_404(reports.class_terms(subject), term_id)
    return reports.term_report(subject, term, timezone.localdate())


@login_required
def term_print(
    request: HttpRequest,
    portal: str,
    tracker_id: int,
    term_id: int,
    student_id: int | None = None,
) -> HttpResponse:
    report = _term_report(request, portal, tracker_id, student_id, term_id)
    links = {
        **_links(report.subject),
        "pdf": _url("report_term_pdf", report.subject, term_id=term_id),
    }
    return HttpResponse(term_report_html(report, for_pdf=False, links=links))


@login_required
def term_pdf(
    request: HttpRequest,
    portal: str,
    tracker_id: int,
    term_id: int,
    student_id: int | None = None,
) -> HttpResponse:
    report = _term_report(request, portal, tracker_id, student_id, term_id)
    html = term_report_html(report, for_pdf=True, links={})
    return pdf_response(
        request, html, filename=term_report_filename(report), stylesheets=PDF_STYLESHEETS
    )
