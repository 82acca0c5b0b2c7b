"""The Mastery View and its assessment page, once, framed for students ("you") and for
families (the child's name): thin views over ``trackers.selectors.student_mastery``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from masterly.accounts.models import User
from masterly.assessments.composition.selectors import composition
from masterly.assessments.responses.analysis import analyse
from masterly.portals.mastery import charts
from masterly.portals.mastery.plain_words import level_meanings, method_name, method_rule
from masterly.portals.roles import act_as
from masterly.roster.models import Role
from masterly.trackers.membership import tracker_students
from masterly.trackers.selectors.student_assignments import student_assignments_in
from masterly.trackers.selectors.student_mastery import (
    StudentMastery,
    mastery_student_or_404,
    student_mastery,
    tracker_of_student_or_404,
)

TABS = ("assessment", "key", "analysis")


def _frame(request: HttpRequest, role: Role, student_id: int | None) -> tuple[int, str]:
    """The student's id and the audience: a student sees themself, a family a child."""
    act_as(request, role)
    if role == Role.STUDENT:
        return int(request.user.pk or 0), "student"
    return student_id or 0, "family"


def _base(student: User, tracker_id: int, audience: str) -> str:
    """The Mastery View's own address (its assessments' addresses continue it)."""
    if audience == "student":
        return reverse("student_mastery", args=[tracker_id])
    return reverse("family_mastery", args=[student.pk, tracker_id])


def _chosen_tab(request: HttpRequest, mastery: StudentMastery) -> str:
    """``?level=NM``: the concept tab shown first (the first with standards otherwise)."""
    asked = request.GET.get("level", "")
    known = [tab.swatch.abbreviation for tab in mastery.tabs]
    if asked in known:
        return asked
    return next((tab.swatch.abbreviation for tab in mastery.tabs if tab.standards), known[0])


def _mastery_page(
    request: HttpRequest, role: Role, student_id: int | None, tracker_id: int
) -> HttpResponse:
    sid, audience = _frame(request, role, student_id)
    mastery = student_mastery(request.user, sid, tracker_id, role=role)
    context: dict[str, Any] = {
        "mastery": mastery,
        "audience": audience,
        "base": _base(mastery.student, mastery.tracker.pk, audience),
        "chosen": _chosen_tab(request, mastery),
        "expand_all": request.GET.get("expand") == "all",
        "circle": charts.level_circle(mastery.tabs),
        "bar": charts.assessed_bar(mastery.assessed_count, len(mastery.standards)),
        "meanings": level_meanings(mastery.scale),
        "method_rule": method_rule(mastery.tracker),
        "method_name": method_name(mastery.tracker),
        "teacher_emails": ",".join(t.email for t in mastery.teachers if t.email),
    }
    return render(request, "portals/mastery/mastery_view.html", context)


@login_required
def student_mastery_view(request: HttpRequest, tracker_id: int) -> HttpResponse:
    return _mastery_page(request, Role.STUDENT, None, tracker_id)


@login_required
def family_mastery_view(request: HttpRequest, student_id: int, tracker_id: int) -> HttpResponse:
    return _mastery_page(request, Role.GUARDIAN, student_id, tracker_id)


# ------------------------------------------------------------------ an assessment, read-only


def _assessment_page(
    request: HttpRequest, role: Role, student_id: int | None, tracker_id: int, assignment_id: int
) -> HttpResponse:
    sid, audience = _frame(request, role, student_id)
    student: User = mastery_student_or_404(request.user, sid, role)
    tracker = tracker_of_student_or_404(student, tracker_id)
    view = next(
        (v for v in student_assignments_in(student, tracker) if v.assignment.pk == assignment_id),
        None,
    )
    if view is None or not view.shows_assessment:
        raise Http404("No such assessment.")
    tab = request.GET.get("tab", "assessment")
    if tab not in TABS or (tab == "key" and not view.shows_answer_key):
        tab = "assessment"
    if tab == "analysis" and not view.shows_item_analysis:
        tab = "assessment"
    assessment = view.assignment.assessment
    context: dict[str, Any] = {
        "student": student,
        "tracker": tracker,
        "view": view,
        "assessment": assessment,
        "audience": audience,
        "tab": tab,
        "back": _base(student, tracker.pk, audience),
        "parts": composition(assessment) if tab != "analysis" else [],
        "analysis": (
            analyse(assessment.pk, tracker_students(tracker.pk)) if tab == "analysis" else None
        ),
    }
    return render(request, "portals/mastery/assessment.html", context)


@login_required
def student_assessment_view(
    request: HttpRequest, tracker_id: int, assignment_id: int
) -> HttpResponse:
    return _assessment_page(request, Role.STUDENT, None, tracker_id, assignment_id)


@login_required
def family_assessment_view(
    request: HttpRequest, student_id: int, tracker_id: int, assignment_id: int
) -> HttpResponse:
    return _assessment_page(request, Role.GUARDIAN, student_id, tracker_id, assignment_id)
