"""The role home pages and the roster pages: thin views over ``roster.selectors``."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.http import require_POST

from masterly.accounts.models import User
from masterly.core.headers import holds_no_student_data
from masterly.portals.roles import HOME_URL_NAMES, act_as, active_role, choose_role
from masterly.roster import selectors
from masterly.roster.models import Role
from masterly.trackers.selectors.grid import Swatch
from masterly.trackers.selectors.student_assignments import student_home_assignments
from masterly.trackers.selectors.student_mastery import TrackerSummary, student_trackers
from masterly.trackers.selectors.tracker_list import tracker_list


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each person to the home page of the role they act in."""
    role = active_role(request)
    if role is None:
        return render(request, "portals/no_role.html")
    return redirect(HOME_URL_NAMES[role])


@holds_no_student_data
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever a page links: send them to the static icon."""
    return HttpResponsePermanentRedirect(static("masterly/favicon.svg"))


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "portals/about.html")


@login_required
@require_POST
def switch_role(request: HttpRequest) -> HttpResponse:
    role = request.POST.get("role", "")
    if choose_role(request, role):
        return redirect(HOME_URL_NAMES[Role(role)])
    return redirect("home")


@login_required
def teacher_home(request: HttpRequest) -> HttpResponse:
    act_as(request, Role.TEACHER)
    user = _user(request)
    sections = selectors.sections_for_role(user, Role.TEACHER)
    trackers = tracker_list(user)
    return render(
        request, "portals/teacher_home.html", {"sections": sections, "trackers": trackers}
    )


@login_required
def student_home(request: HttpRequest) -> HttpResponse:
    act_as(request, Role.STUDENT)
    user = _user(request)
    sections = selectors.sections_for_role(user, Role.STUDENT)
    trackers = student_trackers([user])[user.pk]
    context = {
        "sections": sections,
        "trackers": trackers,
        "archived_trackers": student_trackers([user], archived=True)[user.pk],
        "swatches": _swatches(trackers),
        "assignments": student_home_assignments(user),
        # Online taking is its own part of the portal: linked once its route exists.
    }
    return render(request, "portals/student_home.html", context)


@login_required
def family_home(request: HttpRequest) -> HttpResponse:
    """One child at a time (``?child=``, the first by default): Current Classes as trackers,
    Archived Classes (``?tab=archived``)."""
    act_as(request, Role.GUARDIAN)
    children = selectors.children_with_sections(_user(request))
    asked = request.GET.get("child", "")
    chosen = next(
        (c for c in children if str(c.child.pk) == asked), children[0] if children else None
    )
    tab = "archived" if request.GET.get("tab") == "archived" else "current"
    trackers = (
        student_trackers([chosen.child], archived=tab == "archived")[chosen.child.pk]
        if chosen
        else []
    )
    context = {
        "children": children,
        "chosen": chosen,
        "tab": tab,
        "trackers": trackers,
        "swatches": _swatches(trackers),
    }
    return render(request, "portals/family_home.html", context)


def _swatches(trackers: list[TrackerSummary]) -> list[Swatch]:
    return [count.swatch for summary in trackers for count in summary.counts]


@login_required
def leader_home(request: HttpRequest) -> HttpResponse:
    act_as(request, Role.SCHOOL_LEADER)
    schools = selectors.school_summaries(
        _user(request), as_role=Role.SCHOOL_LEADER, with_sections=True
    )
    return render(request, "portals/leader_home.html", {"schools": schools})


@login_required
def district_home(request: HttpRequest) -> HttpResponse:
    act_as(request, Role.DISTRICT_ADMIN)
    schools = selectors.school_summaries(
        _user(request), as_role=Role.DISTRICT_ADMIN, with_sections=False
    )
    totals = {
        "teachers": sum(s.teacher_count for s in schools),
        "students": sum(s.student_count for s in schools),
        "sections": sum(s.section_count for s in schools),
    }
    return render(request, "portals/district_home.html", {"schools": schools, "totals": totals})


@login_required
def section_detail(request: HttpRequest, section_id: int) -> HttpResponse:
    user = _user(request)
    section, students = selectors.section_page(user, section_id)
    return render(
        request,
        "portals/section_detail.html",
        {
            "section": section,
            "students": students,
            "archived": section.is_archived(selectors.today()),
            # Its teachers reset its students' passwords (the page itself checks their role).
            "teaches": any(
                e.user_id == user.pk
                for e in getattr(section, "teacher_enrollments", [])  # prefetched
            ),
        },
    )


@login_required
def student_detail(request: HttpRequest, student_id: int) -> HttpResponse:
    student, sections = selectors.student_page(_user(request), student_id)
    return render(
        request, "portals/student_detail.html", {"student": student, "sections": sections}
    )
