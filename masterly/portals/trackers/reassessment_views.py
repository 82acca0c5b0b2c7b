"""A tracker's reassessment requests (approve or decline) and one more attempt for a group.

Whoever may open the tracker reads the requests; only its teachers (owner, collaborators)
decide or grant, and not in an archived tracker: the forms are not offered to the others and
the services refuse them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from masterly.assessments.models import Assessment
from masterly.portals.trackers.views import _user
from masterly.trackers.models import TrackerAssessment
from masterly.trackers.selectors.reassessment import (
    individual_assignment_of,
    tracker_request_or_404,
    tracker_requests,
)
from masterly.trackers.selectors.students import visible_tracker_students
from masterly.trackers.selectors.trackers import can_score_tracker, tracker_or_404
from masterly.trackers.services.reassessment import (
    attempts_grant,
    reassessment_approve,
    reassessment_decline,
)


@require_GET
@login_required
def reassessment_list(request: HttpRequest, tracker_id: int) -> HttpResponse:
    tracker = tracker_or_404(request.user, tracker_id)
    pending, decided = tracker_requests(request.user, tracker)
    return render(
        request,
        "portals/trackers/reassessments.html",
        {
            "tracker": tracker,
            "pending": pending,
            "decided": decided,
            "can_decide": not tracker.is_archived and can_score_tracker(request.user, tracker),
        },
    )


@require_POST
@login_required
def reassessment_decide(request: HttpRequest, tracker_id: int, request_id: int) -> HttpResponse:
    tracker = tracker_or_404(request.user, tracker_id)
    if not can_score_tracker(request.user, tracker):
        raise PermissionDenied
    asked = tracker_request_or_404(tracker, request_id)
    if not visible_tracker_students(request.user, tracker).filter(pk=asked.student_id).exists():
        raise PermissionDenied
    note = request.POST.get("note", "")
    try:
        if request.POST.get("action") == "decline":
            reassessment_decline(actor=_user(request), request=asked, note=note)
            messages.success(request, _("Declined; the student sees your note."))
        else:
            grant = reassessment_approve(
                actor=_user(request),
                request=asked,
                assessment=_assessment(tracker.pk, request.POST.get("assessment", "")),
                note=note,
            )
            messages.success(request, _("Approved: the student has one more attempt."))
            if alone := individual_assignment_of(grant):
                messages.info(
                    request,
                    _(
                        "“%(title)s” is given to %(name)s alone, open until %(closes)s: "
                        "Test ID %(test_id)s."
                    )
                    % {
                        "title": grant.assessment.title,
                        "name": asked.student.display_name,
                        "closes": formats.date_format(
                            timezone.localtime(alone.closes_at), "DATE_FORMAT"
                        ),
                        "test_id": alone.test_id,
                    },
                )
    except ValidationError as problem:
        messages.error(request, " ".join(problem.messages))
    return redirect("tracker_reassessments", tracker.pk)


def _assessment(tracker_id: int, value: str) -> Assessment | None:
    if not value.isdigit():
        return None
    return Assessment.objects.filter(
        pk=int(value),
        pk__in=TrackerAssessment.objects.filter(tracker_id=tracker_id).values("assessment"),
    ).first()


@require_http_methods(["GET", "POST"])
@login_required
def attempts_grant_group(request: HttpRequest, tracker_id: int) -> HttpResponse:
    tracker = tracker_or_404(request.user, tracker_id)
    if tracker.is_archived or not can_score_tracker(request.user, tracker):
        raise PermissionDenied
    students = list(visible_tracker_students(request.user, tracker))
    given = list(
        Assessment.objects.filter(
            pk__in=TrackerAssessment.objects.filter(tracker=tracker).values("assessment")
        ).order_by("-assessed_on", "title", "pk")
    )
    source = request.POST if request.method == "POST" else request.GET
    chosen = {value for value in source.getlist("student") if value.isdigit()}
    assessment_value = source.get("assessment", "")
    error = ""
    if request.method == "POST":
        assessment = next((a for a in given if str(a.pk) == assessment_value), None)
        try:
            if assessment is None:
                raise ValidationError(_("Choose the assessment to try again."))
            grants = attempts_grant(
                actor=_user(request),
                tracker=tracker,
                assessment=assessment,
                students=[s for s in students if str(s.pk) in chosen],
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request,
                ngettext(
                    "One more attempt opened for %(n)d student.",
                    "One more attempt opened for %(n)d students.",
                    len(grants),
                )
                % {"n": len(grants)},
            )
            return redirect("tracker_grid", tracker.pk)
    return render(
        request,
        "portals/trackers/grant_attempts.html",
        {
            "tracker": tracker,
            "students": students,
            "chosen": chosen,
            "assessments": given,
            "assessment_value": assessment_value,
            "error": error,
        },
        status=400 if error else 200,
    )
