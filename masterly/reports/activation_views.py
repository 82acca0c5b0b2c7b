"""Leaders (their schools) and district admins (their district's schools): guardians'
activation letters and emails."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from masterly.accounts.models import User
from masterly.reports import activation_letters
from masterly.reports.activation_emails import email_counts, emails_start, send_activation_email
from masterly.reports.pdf import PdfUnavailable
from masterly.roster.access import held_roles, visible_schools
from masterly.roster.guardian_selectors import (
    guardian_rows,
    letter_school_or_404,
    school_guardian_or_404,
    school_guardians,
)
from masterly.roster.models import Org, Role

GUARDIANS_PER_PAGE = 50
OVERSEERS = {Role.SCHOOL_LEADER, Role.DISTRICT_ADMIN}


def _overseer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not (held_roles(user) & OVERSEERS):
        raise PermissionDenied("leaders and district admins only")
    return user


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
@require_GET
def letter_schools(request: HttpRequest) -> HttpResponse:
    user = _overseer(request)
    schools = visible_schools(user).order_by("name")
    return render(request, "activation/schools.html", {"schools": schools})


@login_required
@require_GET
def school_guardians_page(request: HttpRequest, school_id: int) -> HttpResponse:
    user = _overseer(request)
    school = letter_school_or_404(user, school_id)
    page = Paginator(school_guardians(school), GUARDIANS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "activation/school.html",
        {"school": school, "page": page, "rows": guardian_rows(list(page.object_list))},
    )


@login_required
@require_POST
def letters_generate(request: HttpRequest, school_id: int) -> HttpResponse:
    user = _overseer(request)
    school = letter_school_or_404(user, school_id)
    run = activation_letters.run_start(
        school=school,
        owner=user,
        not_activated_only=request.POST.get("who") != "all",
        activate_url=_site_url(request) + reverse("activate"),
    )
    return redirect("activation_run", run_id=run.id)


@login_required
@require_GET
def letters_run(request: HttpRequest, run_id: str) -> HttpResponse:
    user = _overseer(request)
    run = activation_letters.run_get(run_id, owner=user)
    if run is None:
        raise Http404("No such run.")
    return render(
        request,
        "activation/run.html",
        {
            "run": run,
            "expired": activation_letters.run_expired(run),
            "report_files_days": settings.REPORT_FILES_DAYS,
        },
    )


@login_required
@require_GET
def letters_download(request: HttpRequest, run_id: str) -> FileResponse:
    user = _overseer(request)
    run = activation_letters.run_get(run_id, owner=user)
    path = activation_letters.run_path(run_id)
    if run is None or run.kind != "letters" or run.status != "done" or not path.exists():
        raise Http404("No such file.")
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=f"activation-letters-{run.school_id}.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _school_and_guardian(
    request: HttpRequest, school_id: int, guardian_id: int
) -> tuple[User, Org, User]:
    user = _overseer(request)
    school = letter_school_or_404(user, school_id)
    return user, school, school_guardian_or_404(school, guardian_id)


@login_required
@require_POST
def guardian_letter(request: HttpRequest, school_id: int, guardian_id: int) -> HttpResponse:
    """A new letter for one guardian: a new code, the earlier one revoked."""
    user, school, guardian = _school_and_guardian(request, school_id, guardian_id)
    try:
        pdf = activation_letters.letters_pdf(
            school,
            [guardian],
            created_by=user,
            activate_url=_site_url(request) + reverse("activate"),
        )
    except PdfUnavailable as unavailable:
        return render(
            request, "reports/pdf_unavailable.html", {"message": unavailable.message}, status=503
        )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="activation-letter-{guardian.pk}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def guardian_email(request: HttpRequest, school_id: int, guardian_id: int) -> HttpResponse:
    user, school, guardian = _school_and_guardian(request, school_id, guardian_id)
    if not guardian.email:
        messages.error(
            request, _("This guardian has no email address in the roster: print a letter instead.")
        )
    else:
        send_activation_email(
            school=school, guardian=guardian, sent_by=user, site_url=_site_url(request)
        )
        messages.success(
            request,
            _("An activation email was sent to %(name)s. Their earlier code no longer works.")
            % {"name": guardian.display_name},
        )
    return redirect("activation_school", school_id=school.pk)


@login_required
def school_emails(request: HttpRequest, school_id: int) -> HttpResponse:
    """Activation emails to every guardian of the school with an address who has not
    activated: the count first (GET), sent in the background once confirmed (POST)."""
    user = _overseer(request)
    school = letter_school_or_404(user, school_id)
    counts = email_counts(school)
    if request.method == "POST":
        if request.POST.get("confirm") != "send" or not counts["to_send"]:
            messages.error(request, _("Nothing was sent: confirm with the button below."))
            return redirect("activation_emails", school_id=school.pk)
        run = emails_start(school=school, owner=user, site_url=_site_url(request))
        if run is None:
            messages.error(
                request,
                _("This school's activation emails are being sent already; nothing more was sent."),
            )
            return redirect("activation_school", school_id=school.pk)
        return redirect("activation_run", run_id=run.id)
    return render(request, "activation/emails_confirm.html", {"school": school, **counts})
