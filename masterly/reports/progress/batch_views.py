"""The leaders' and district admins' page: make a school's term reports in the background,
watch the progress, download the zip. Teachers, families and students get a 404."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from masterly.accounts.models import User
from masterly.reports import term_batches as batches
from masterly.reports.models import TermReportBatch


class BatchForm(forms.Form):
    school = forms.TypedChoiceField(label=gettext_lazy("School"), coerce=int)
    term = forms.TypedChoiceField(label=gettext_lazy("Term"), coerce=int)


def _overseer(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    if not batches.batch_schools(user).exists():
        raise Http404("No such page.")
    return user


def _form(user: User, data: object = None) -> BatchForm:
    form = BatchForm(data)  # type: ignore[arg-type]
    schools = list(batches.batch_schools(user))
    school_field = form.fields["school"]
    term_field = form.fields["term"]
    assert isinstance(school_field, forms.TypedChoiceField)  # noqa: S101 - declared above
    assert isinstance(term_field, forms.TypedChoiceField)  # noqa: S101 - declared above
    school_field.choices = [(s.pk, s.name) for s in schools]
    terms: dict[int, str] = {}
    for school in schools:
        for term in batches.batch_terms(school):
            terms.setdefault(
                term.pk, f"{term.title} ({term.start_date:%Y-%m-%d} – {term.end_date:%Y-%m-%d})"
            )
    term_field.choices = list(terms.items())
    return form


@login_required
def batch_index(request: HttpRequest) -> HttpResponse:
    user = _overseer(request)
    form = _form(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = batches.batch_request(
                actor=user,
                school_id=form.cleaned_data["school"],
                term_id=form.cleaned_data["term"],
            )
        except ValidationError as error:
            form.add_error("term", error.messages)
        else:
            messages.success(request, _("The reports are being made; this page shows how far."))
            return redirect("term_report_batch", batch_id=batch.pk)
    return render(
        request,
        "reports/progress/batch_index.html",
        {"form": form, "batches": batches.recent_batches(user)},
    )


@login_required
def batch_page(request: HttpRequest, batch_id: int) -> HttpResponse:
    user = _overseer(request)
    batch = batches.batch_or_404(user, batch_id)
    running = batch.status in (TermReportBatch.Status.QUEUED, TermReportBatch.Status.RUNNING)
    return render(
        request,
        "reports/progress/batch.html",
        {
            "batch": batch,
            "running": running,
            "ready": batches.batch_file(batch) is not None,
            "report_files_days": settings.REPORT_FILES_DAYS,
        },
    )


@login_required
def batch_download(request: HttpRequest, batch_id: int) -> FileResponse:
    user = _overseer(request)
    batch = batches.batch_or_404(user, batch_id)
    path = batches.batch_file(batch)
    if path is None:
        raise Http404("Not ready.")
    name = f"{slugify(batch.school.name)}-{slugify(batch.term.title)}-progress-reports.zip"
    response = FileResponse(path.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = "application/zip"
    response["Cache-Control"] = "private, no-store"
    return response
