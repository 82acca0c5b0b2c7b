"""The school and district dashboards, their CSV tables, print view and PDF (thin views over
``trackers.selectors.dashboard``)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext

from masterly.reports.dashboards import charts
from masterly.reports.dashboards.csv_tables import table_csv
from masterly.reports.pdf import pdf_response
from masterly.roster import access
from masterly.roster.models import Role
from masterly.trackers.selectors.dashboard import TABLES, Dashboard, school_dashboard
from masterly.trackers.tasks import dashboard_counts_rebuild


def _dashboard(request: HttpRequest, school_id: int | None) -> tuple[Dashboard, dict[str, Any]]:
    """The dashboard the request asks for, and the page's context (``as_of`` checked)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    if school_id is None and not access.is_district_admin(user):
        raise PermissionDenied
    today = timezone.localdate()
    as_of, error = _as_of(request.GET.get("as_of", ""), today)
    grade = request.GET.get("grade", "")[:100]
    standard, standard_error = _standard(request.GET.get("standard", ""))
    as_role = Role.DISTRICT_ADMIN if school_id is None else None
    dashboard = school_dashboard(
        user, as_role=as_role, school_id=school_id, as_of=as_of, grade=grade, standard=standard
    )
    if school_id is None and not dashboard.schools:
        raise PermissionDenied
    # One rebuild of every stale tracker queued at a time, however many leaders are looking.
    if dashboard.being_updated and cache.add("dashboard-counts-rebuild-queued", 1, 20):
        dashboard_counts_rebuild.enqueue()
    compare = [key[:80] for key in request.GET.getlist("compare")[:12]]
    compared = dashboard.figures(compare)
    query = {
        "as_of": as_of.isoformat(),
        **({"grade": grade} if grade else {}),
        **({"standard": str(standard)} if standard is not None else {}),
    }
    context = {
        "dashboard": dashboard,
        "as_of_error": error,
        "standard": standard,
        "standard_error": standard_error,
        "today": today,
        "compare": compare,
        "compared": compared,
        "compare_chart": charts.bars(compared, dashboard.levels, label=gettext("Compared figures")),
        # The district lists its schools, grades and teachers; its sections (a thousand in a
        # large district) are on each school's page and in the CSV, not drawn here.
        "omitted": ["section"] if dashboard.is_district else [],
        "charts": {
            name: charts.bars(table.rows, table.levels, label=table.title)
            if len(table.rows) <= charts.MAX_BARS
            else ""
            for name, table in dashboard.tables.items()
        },
        "over_time_chart": charts.bars(
            [figure for _, figure in dashboard.over_time],
            dashboard.levels,
            label=gettext("Mastery at the end of each month"),
        ),
        "query": urlencode(query),
        "links": _links(dashboard, school_id, query),
    }
    return dashboard, context


def _as_of(raw: str, today: datetime.date) -> tuple[datetime.date, str]:
    """The day asked for, or today with a message saying what is wrong."""
    if not raw:
        return today, ""
    try:
        day = datetime.date.fromisoformat(raw.strip()[:10])
    except ValueError:
        return today, gettext(
            "“%(typed)s” is not a date: choose one with the picker (YYYY-MM-DD)."
        ) % {"typed": raw[:20]}
    if day > today:
        return today, gettext("That day has not come yet: the figures below are today's.")
    return day, ""


def _standard(raw: str) -> tuple[int | None, str]:
    """The standard whose groups are asked for, or none with a message saying what is
    wrong (a standard outside the scope shows no figures: nothing of it is counted here)."""
    if not raw.strip():
        return None, ""
    try:
        return int(raw.strip()[:12]), ""
    except ValueError:
        return None, gettext("“%(raw)s” is not a standard: choose one from the list.") % {
            "raw": raw[:20]
        }


def _links(dashboard: Dashboard, school_id: int | None, query: dict[str, str]) -> dict[str, Any]:
    def url(name: str, **kwargs: Any) -> str:
        if school_id is not None:
            return reverse(f"school_dashboard{name}", kwargs={"school_id": school_id, **kwargs})
        return reverse(f"district_dashboard{name}", kwargs=kwargs)

    suffix = "?" + urlencode(query)
    rows: dict[str, str] = {}
    # One reverse for every section's link (a district has a thousand sections).
    marker = "2147483647"
    section_url = reverse("section_detail", args=[int(marker)])
    for figure in dashboard.tables["section"].rows:
        rows[figure.key] = section_url.replace(marker, str(int(figure.key.split(":")[1])))
    for figure in dashboard.tables["grade"].rows:
        grade = figure.key.split(":", 1)[1]
        if grade and not dashboard.grade:
            rows[figure.key] = url("") + "?" + urlencode({**query, "grade": grade})
    for figure in dashboard.tables["school"].rows if "school" in dashboard.tables else []:
        school = int(figure.key.split(":")[1])
        rows[figure.key] = reverse("school_dashboard", kwargs={"school_id": school}) + suffix
    return {
        "rows": rows,
        "page": url(""),
        "print": url("_print") + suffix,
        "pdf": url("_pdf") + suffix,
        "csv": {
            name: url("_csv", table=name) + suffix for name in [*dashboard.tables, "over_time"]
        },
        "schools": {
            school.pk: reverse("school_dashboard", kwargs={"school_id": school.pk}) + suffix
            for school in dashboard.schools
        },
    }


@login_required
def dashboard_page(request: HttpRequest, school_id: int | None = None) -> HttpResponse:
    _, context = _dashboard(request, school_id)
    return render(request, "reports/dashboards/page.html", {**context, "selectable": True})


@login_required
def dashboard_print(request: HttpRequest, school_id: int | None = None) -> HttpResponse:
    _, context = _dashboard(request, school_id)
    return render(request, "reports/dashboards/print.html", {**context, "printing": True})


@login_required
def dashboard_pdf(request: HttpRequest, school_id: int | None = None) -> HttpResponse:
    dashboard, context = _dashboard(request, school_id)
    html = render_to_string(
        "reports/dashboards/print.html", {**context, "printing": True}, request=request
    )
    name = dashboard.school.name if dashboard.school else "district"
    return pdf_response(
        request, html, filename=f"Mastery dashboard {name} {dashboard.as_of.isoformat()}.pdf"
    )


@login_required
def dashboard_csv(request: HttpRequest, table: str, school_id: int | None = None) -> HttpResponse:
    if table not in TABLES and table != "over_time":
        raise Http404("No such table")
    dashboard, _ = _dashboard(request, school_id)
    if table not in dashboard.tables and table != "over_time":
        raise Http404("No such table")
    response = HttpResponse(table_csv(dashboard, table), content_type="text/csv; charset=utf-8")
    name = dashboard.school.name if dashboard.school else "district"
    response["Content-Disposition"] = (
        f'attachment; filename="mastery-{table}-{_slug(name)}-{dashboard.as_of.isoformat()}.csv"'
    )
    return response


def _slug(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")[:60] or "school"
