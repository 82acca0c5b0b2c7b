"""CASE pages: the district admin's import with its progress, and the package download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from masterly.core.uploads import upload_form
from masterly.core.worker.dead_runs import sweep
from masterly.integrations.case.forms import CaseImportForm
from masterly.integrations.case.models import CaseImportRun
from masterly.integrations.case.services import case_runs_fail_dead, dead_message
from masterly.integrations.case.tasks import read_progress, run_case_import
from masterly.integrations.case.writer import export_filename, export_json
from masterly.standards.models import Framework
from masterly.standards.permissions import can_import_standards

RECENT_RUNS = 10


def _require_importer(request: HttpRequest) -> None:
    if not can_import_standards(request.user):
        raise PermissionDenied("Only district admins can import standards.")


@login_required
def import_package(request: HttpRequest) -> HttpResponse:
    _require_importer(request)
    form = upload_form(CaseImportForm, request)
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data.get("package")
        url = form.cleaned_data.get("url") or ""
        run = CaseImportRun.objects.create(
            created_by=request.user if request.user.is_authenticated else None,
            source_name=upload.name if upload else url,
            source_url=url,
            payload=upload.read() if upload else None,
        )
        task = run_case_import.enqueue(run_id=str(run.pk))
        # Kept so the dead-run sweeper can fail the queue's record with the run.
        CaseImportRun.objects.filter(pk=run.pk).update(task_id=str(task.id))
        return redirect("case_run", run_id=run.pk)
    sweep(case_runs_fail_dead)  # a run whose worker died shows as failed, not running forever
    runs = CaseImportRun.objects.select_related("created_by", "framework").defer("payload")
    return render(request, "case/import.html", {"form": form, "runs": runs[:RECENT_RUNS]})


@login_required
def run_detail(request: HttpRequest, run_id: str) -> HttpResponse:
    _require_importer(request)
    sweep(case_runs_fail_dead)
    run = get_object_or_404(
        CaseImportRun.objects.select_related("created_by", "framework").defer("payload"),
        pk=run_id,
    )
    context = {
        "run": run,
        "progress": read_progress(str(run.pk)),
        # Nothing in the package to fix: the worker running it stopped.
        "worker_died": run.errors == [dead_message()],
    }
    return render(request, "case/run.html", context)


@login_required
def run_progress(request: HttpRequest, run_id: str) -> JsonResponse:
    _require_importer(request)
    sweep(case_runs_fail_dead)
    run = get_object_or_404(CaseImportRun.objects.only("status"), pk=run_id)
    return JsonResponse(
        {
            "status": run.status,
            "status_label": run.get_status_display(),
            "finished": run.is_finished,
            **read_progress(str(run.pk)),
        }
    )


@login_required
def export_package(request: HttpRequest, framework_id: int) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=framework_id)
    response = HttpResponse(export_json(framework), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{export_filename(framework)}"'
    return response
