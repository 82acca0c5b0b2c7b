"""The district admin's roster import pages: upload, a run's progress and outcome, history."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from masterly.core.uploads import upload_form
from masterly.core.worker.dead_runs import sweep
from masterly.integrations.oneroster.dead_runs import dead_message, import_runs_fail_dead
from masterly.integrations.oneroster.errors import RosterImportError, RosterImportRejected
from masterly.integrations.oneroster.forms import ProgramsUploadForm, RosterUploadForm
from masterly.integrations.oneroster.models import ImportRun
from masterly.integrations.oneroster.programs import program_counts, programs_import
from masterly.integrations.oneroster.progress import read_progress
from masterly.integrations.oneroster.services import (
    NotAwaitingConfirmation,
    import_run_confirm,
    import_run_discard,
    import_run_upload,
)
from masterly.integrations.oneroster.source import FileSource
from masterly.integrations.oneroster.summary import ImportSummary
from masterly.roster.access import is_district_admin

HISTORY_LENGTH = 50
REFRESH_SECONDS = 2


def _district_admin_only(request: HttpRequest) -> None:
    if not is_district_admin(request.user):
        raise PermissionDenied("Only district admins import rosters.")


@login_required
def imports(request: HttpRequest) -> HttpResponse:
    _district_admin_only(request)
    form = upload_form(RosterUploadForm, request)
    if form.is_bound and form.is_valid():
        run = import_run_upload(
            upload=form.cleaned_data["file"],
            actor=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
        messages.success(request, f"{run.filename} is queued for import.")
        return redirect("oneroster:run", pk=run.pk)
    sweep(import_runs_fail_dead)  # a run whose worker died shows as failed, not running forever
    runs = ImportRun.objects.select_related("created_by")[:HISTORY_LENGTH]
    return render(request, "oneroster/imports.html", {"form": form, "runs": runs})


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _district_admin_only(request)
    sweep(import_runs_fail_dead)
    run = get_object_or_404(ImportRun.objects.select_related("created_by"), pk=pk)
    errors = [RosterImportError.from_dict(error) for error in run.errors]
    context = {
        "run": run,
        "refresh_seconds": None if run.is_finished else REFRESH_SECONDS,
        "progress": None if run.is_finished else read_progress(run.pk),
        "summary": ImportSummary.from_dict(run.summary) if run.summary else None,
        "errors": errors,
        "worker_died": any(error.message == dead_message() for error in errors),
    }
    return render(request, "oneroster/run.html", context)


def _not_awaiting(request: HttpRequest, refused: NotAwaitingConfirmation) -> None:
    # Most likely decided in another tab, or by another admin: say what it is now.
    messages.error(
        request,
        _(
            "This import is no longer waiting for a confirmation (it is now “%(status)s”), "
            "so nothing was done."
        )
        % {"status": refused.status},
    )


@require_POST
@login_required
def run_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """“Import anyway”: the admin confirms a run the mass-deactivation guard refused."""
    _district_admin_only(request)
    run = get_object_or_404(ImportRun, pk=pk)
    try:
        import_run_confirm(run=run, actor=request.user)
    except NotAwaitingConfirmation as refused:
        _not_awaiting(request, refused)
    else:
        messages.success(request, _("%(file)s is queued again.") % {"file": run.filename})
    return redirect("oneroster:run", pk=run.pk)


@require_http_methods(["GET", "POST"])
@login_required
def run_discard(request: HttpRequest, pk: int) -> HttpResponse:
    """“Discard”: a page asking to confirm (GET), then the run's upload removed (POST)."""
    _district_admin_only(request)
    run = get_object_or_404(ImportRun.objects.select_related("created_by"), pk=pk)
    if request.method == "POST":
        try:
            import_run_discard(run=run, actor=request.user)
        except NotAwaitingConfirmation as refused:
            _not_awaiting(request, refused)
        else:
            messages.success(
                request,
                _("%(file)s was discarded: nothing was imported, and the file was deleted.")
                % {"file": run.filename},
            )
        return redirect("oneroster:run", pk=run.pk)
    if run.status != ImportRun.Status.NEEDS_CONFIRMATION or not run.upload:
        _not_awaiting(request, NotAwaitingConfirmation(run.get_status_display()))
        return redirect("oneroster:run", pk=run.pk)
    return render(request, "oneroster/discard.html", {"run": run})


@login_required
def programs(request: HttpRequest) -> HttpResponse:
    """Upload the program flags file: checked and applied at once (it is small), all or
    nothing; every problem is listed with its line and column."""
    _district_admin_only(request)
    form = upload_form(ProgramsUploadForm, request)
    problems: list[RosterImportError] = []
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        name = upload.name or "programs.csv"
        source = FileSource(upload, name=name, size=upload.size or 0)
        try:
            summary = programs_import(
                source=source, actor=request.user, dry_run=form.cleaned_data["dry_run"]
            )
        except RosterImportRejected as rejected:
            problems = rejected.errors
        else:
            checked = _(" (checked only: nothing was saved)") if summary.dry_run else ""
            messages.success(request, f"{summary.headline()}{checked}.")
            for line in summary.lines():
                messages.info(request, line)
            return redirect("oneroster:programs")
    context = {"form": form, "problems": problems, "counts": program_counts()}
    return render(request, "oneroster/programs.html", context)
