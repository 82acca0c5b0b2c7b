"""The few tracker pages this app serves itself (the tracker issue builds the rest)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from masterly.trackers.selectors.trackers import get_recompute_run_or_404

REFRESH_SECONDS = 2


@require_GET
@login_required
def recompute_progress(request: HttpRequest, tracker_id: int, run_id: int) -> HttpResponse:
    """How far a bulk recompute has got; refreshes itself until it is finished.

    ``?format=json`` gives the same as JSON (for a progress bar that polls).
    """
    run = get_recompute_run_or_404(request.user, tracker_id, run_id)
    progress = run.progress()
    if request.GET.get("format") == "json":
        return JsonResponse(progress)
    return render(
        request,
        "trackers/recompute_progress.html",
        {"run": run, "tracker": run.tracker, "progress": progress, "refresh": REFRESH_SECONDS},
    )
