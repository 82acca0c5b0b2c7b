"""A student asks to be reassessed (on a standard or an assessment of one of their classes)
and reads their teachers' answers. Only for themself: the class must be one they are a
student in (else 404), and the request is always theirs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from masterly.portals.roles import act_as
from masterly.portals.trackers.views import _user
from masterly.roster.models import Role
from masterly.trackers.selectors.reassessment import (
    request_targets,
    student_requests,
    student_tracker_or_404,
    student_trackers,
)
from masterly.trackers.services.reassessment import reassessment_request


@require_GET
@login_required
def my_reassessments(request: HttpRequest) -> HttpResponse:
    act_as(request, Role.STUDENT)
    user = _user(request)
    return render(
        request,
        "portals/reassessment/mine.html",
        {"requests": student_requests(user), "trackers": list(student_trackers(user))},
    )


@require_http_methods(["GET", "POST"])
@login_required
def reassessment_new(request: HttpRequest, tracker_id: int) -> HttpResponse:
    act_as(request, Role.STUDENT)
    user = _user(request)
    tracker = student_tracker_or_404(user, tracker_id)
    targets = request_targets(user, tracker)
    source = request.POST if request.method == "POST" else request.GET
    target = source.get("target", "")
    if not target and source.get("standard", "").isdigit():
        target = f"standard-{source['standard']}"
    if not target and source.get("assignment", "").isdigit():
        target = f"assignment-{source['assignment']}"
    errors: dict[str, str] = {}
    if request.method == "POST":
        standard = next(
            (t.standard for t in targets.standards if f"standard-{t.standard_id}" == target), None
        )
        assignment = next((a for a in targets.assignments if f"assignment-{a.pk}" == target), None)
        try:
            if standard is None and assignment is None:
                raise ValidationError({"target": _("Choose a standard or an assessment.")})
            reassessment_request(
                student=user,
                tracker=tracker,
                reason=request.POST.get("reason", ""),
                standard=standard,
                assignment=assignment,
            )
        except ValidationError as problem:
            if hasattr(problem, "error_dict"):
                errors = {key: " ".join(texts) for key, texts in problem.message_dict.items()}
            else:
                errors = {"__all__": " ".join(problem.messages)}
        else:
            messages.success(request, _("Asked. Your teacher will answer here."))
            return redirect("my_reassessments")
    return render(
        request,
        "portals/reassessment/new.html",
        {
            "tracker": tracker,
            "standard_options": [
                (f"standard-{t.standard_id}", t.standard) for t in targets.standards
            ],
            "assignment_options": [
                (f"assignment-{a.pk}", a.assessment.title) for a in targets.assignments
            ],
            "target": target,
            "reason": request.POST.get("reason", ""),
            "errors": errors,
        },
        status=400 if errors else 200,
    )
