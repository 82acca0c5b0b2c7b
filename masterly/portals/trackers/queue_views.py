"""The teacher's scoring queue: answers waiting for points, by item or by student.

Each answer is its own small form, so the page works without JavaScript: Enter in the points
box sends it, and the page comes back with the cursor on the next answer (``autofocus``).
``scoring_queue.js`` adds moving between answers with ↓/↑ (like quick score entry) and number
keys on a rubric.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from masterly.portals.trackers.views import _user
from masterly.trackers.selectors.scoring_queue import Order, queue_assessments, queue_entries
from masterly.trackers.selectors.trackers import can_score_tracker, tracker_or_404
from masterly.trackers.services.queue_scoring import response_score


@require_http_methods(["GET", "POST"])
@login_required
def scoring_queue(request: HttpRequest, tracker_id: int) -> HttpResponse:
    tracker = tracker_or_404(request.user, tracker_id)
    can_score = not tracker.is_archived and can_score_tracker(request.user, tracker)
    order: Order = "student" if request.GET.get("by") == "student" else "item"
    error, error_for = "", ""
    if request.method == "POST":
        if not can_score:
            raise PermissionDenied
        error_for = request.POST.get("response", "")
        try:
            summary = response_score(
                actor=_user(request),
                tracker=tracker,
                response_id=int(error_for) if error_for.isdigit() else 0,
                points=request.POST.get("points", ""),
                levels=_levels(request),
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            done = _("Scored.")
            if summary.total:
                done = _("Scored; the student's scores on its standards are recorded.")
            messages.success(request, done)
            return redirect(request.get_full_path())
    assessments = queue_assessments(request.user, tracker)
    wanted = request.GET.get("assessment", "")
    chosen = next((a for a in assessments if str(a.pk) == wanted), None)
    chosen = chosen or (assessments[0] if assessments else None)
    entries = queue_entries(request.user, tracker, chosen.pk, order) if chosen else []
    return render(
        request,
        "portals/trackers/scoring_queue.html",
        {
            "tracker": tracker,
            "assessments": assessments,
            "chosen": chosen,
            "entries": entries,
            "order": order,
            "can_score": can_score,
            "error": error,
            "error_for": error_for,
            "typed": request.POST.get("points", ""),
        },
        status=400 if error else 200,
    )


def _levels(request: HttpRequest) -> list[str]:
    """``level-0``, ``level-1``, … in criterion order (missing ones as "")."""
    count = request.POST.get("criteria", "")
    if not count.isdigit() or int(count) > 50:
        return []
    return [request.POST.get(f"level-{n}", "") for n in range(int(count))]
