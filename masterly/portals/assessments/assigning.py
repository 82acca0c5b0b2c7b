"""Assigning an assessment to a tracker's classes, a tracker's assignments, and one
assignment's page (its students, excusing, changing its window and visibility)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from masterly.accounts.models import User
from masterly.portals.assessments.access import assessment_for, staff_user
from masterly.portals.assessments.forms import AssignForm, AssignmentForm, add_refusal
from masterly.roster.models import Section
from masterly.trackers.assignments import Assignment
from masterly.trackers.selectors import assignments as reads
from masterly.trackers.selectors.trackers import (
    can_manage_tracker,
    tracker_or_404,
    visible_trackers,
)
from masterly.trackers.services import assignments as writes


def _terms(data: dict[str, Any]) -> writes.AssignmentTerms:
    return writes.AssignmentTerms(
        opens_at=data["opens_at"],
        closes_at=data["closes_at"],
        attempts_allowed=data["attempts_allowed"],
        time_limit_minutes=data["time_limit_minutes"],
        one_item_per_screen=data["one_item_per_screen"] is not False,  # "" when not sent
        show_assessment=data["show_assessment"],
        show_answer_key=data["show_answer_key"],
        show_item_analysis=data["show_item_analysis"],
    )


@login_required
def assessment_assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    assessment = assessment_for(user, pk)
    trackers = list(
        visible_trackers(user).filter(owner=user, is_archived=False).prefetch_related("sections")
    )
    chosen = request.POST.get("tracker") or request.GET.get("tracker") or ""
    tracker = next(
        (t for t in trackers if str(t.pk) == chosen), trackers[0] if len(trackers) == 1 else None
    )
    form = None
    if tracker is not None:
        choices = [(s.pk, s.title) for s in tracker.sections.all()]
        now = timezone.localtime().replace(second=0, microsecond=0)
        initial = {
            "opens_at": now,
            "closes_at": now + datetime.timedelta(days=7),
            "attempts_allowed": 1,
        }
        form = AssignForm(
            request.POST if request.method == "POST" else None,
            section_choices=choices,
            initial=initial,
        )
        if request.method == "POST" and form.is_valid():
            sections = list(Section.objects.filter(pk__in=form.cleaned_data["sections"]))
            try:
                assignment = writes.assignment_create(
                    actor=user,
                    tracker=tracker,
                    assessment=assessment,
                    sections=sections,
                    terms=_terms(form.cleaned_data),
                )
            except ValidationError as refused:
                add_refusal(form, refused)
            else:
                messages.success(
                    request,
                    _("Assigned. Students type the Test ID %(id)s.") % {"id": assignment.test_id},
                )
                return redirect("assignment_page", tracker.pk, assignment.pk)
    return render(
        request,
        "portals/assessments/assign.html",
        {
            "assessment": assessment,
            "trackers": trackers,
            "tracker": tracker,
            "form": form,
            "defaults": writes.default_visibility(tracker) if tracker else {},
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
def tracker_assignments(request: HttpRequest, tracker_id: int) -> HttpResponse:
    user = staff_user(request)
    tracker = tracker_or_404(user, tracker_id)
    return render(
        request,
        "portals/assessments/tracker_assignments.html",
        {"tracker": tracker, "lines": reads.tracker_assignments(tracker, timezone.now())},
    )


@login_required
def assignment_page(request: HttpRequest, tracker_id: int, pk: int) -> HttpResponse:
    user = staff_user(request)
    assignment = reads.assignment_or_404(user, tracker_id, pk)
    can_manage = can_manage_tracker(user, assignment.tracker)
    form = AssignmentForm(
        request.POST if request.method == "POST" else None,
        initial={
            "opens_at": timezone.localtime(assignment.opens_at),
            "closes_at": timezone.localtime(assignment.closes_at),
            "attempts_allowed": assignment.attempts_allowed,
            "time_limit_minutes": assignment.time_limit_minutes,
            "one_item_per_screen": "1" if assignment.one_item_per_screen else "0",
            "show_assessment": assignment.show_assessment,
            "show_answer_key": assignment.show_answer_key,
            "show_item_analysis": assignment.show_item_analysis,
        },
    )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied(_("Only the tracker's owner may change its assignments."))
        if form.is_valid():
            try:
                writes.assignment_change(
                    actor=user, assignment=assignment, terms=_terms(form.cleaned_data)
                )
            except ValidationError as refused:
                add_refusal(form, refused)
            else:
                messages.success(request, _("Assignment saved."))
                return redirect("assignment_page", tracker_id, pk)
    now = timezone.now()
    return render(
        request,
        "portals/assessments/assignment.html",
        {
            "assignment": assignment,
            "tracker": assignment.tracker,
            "status": reads.assignment_status(assignment, now),
            "students": reads.assigned_students(assignment),
            "sections": [
                link.section for link in assignment.assignment_sections.select_related("section")
            ],
            "form": form,
            "can_manage": can_manage,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def assignment_excuse(request: HttpRequest, tracker_id: int, pk: int) -> HttpResponse:
    user = staff_user(request)
    assignment: Assignment = reads.assignment_or_404(user, tracker_id, pk)
    student_id = request.POST.get("student", "")
    if not student_id.isdigit():
        raise Http404("No such student.")
    student = get_object_or_404(User, pk=int(student_id))
    try:
        if request.POST.get("excused") == "no":
            writes.student_unexcuse(actor=user, assignment=assignment, student=student)
            messages.success(request, _("No longer excused."))
        else:
            writes.student_excuse(
                actor=user,
                assignment=assignment,
                student=student,
                reason=request.POST.get("reason", ""),
            )
            messages.success(request, _("Excused."))
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    return redirect("assignment_page", tracker_id, pk)
