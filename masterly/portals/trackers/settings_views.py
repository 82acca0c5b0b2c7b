"""The five settings buttons of a tracker: Students, Mastery Tracker, Tools &
Accommodations, Settings, More. Each is a page with a form that works without JavaScript,
with **Save** and **Return to Default** (which asks to confirm first).

Only the owner changes settings (collaborators get 403 on the forms; More shows them the
collaborators and the standards read-only); an archived tracker is read-only.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods

from masterly.accounts.models import User
from masterly.assessments.models import EXTENDED_TIME_DEFAULT, EXTENDED_TIME_FACTORS, Tool
from masterly.assessments.selectors import accommodations_of, extended_time_factors_of
from masterly.mastery import ColourMode
from masterly.portals.standards.forms import apply_errors
from masterly.portals.trackers.level_rows import COLOUR_MODES, scale_summary
from masterly.portals.trackers.settings_forms import (
    AddStandardForm,
    CollaboratorSearchForm,
    TrackerSettingsForm,
)
from masterly.portals.trackers.views import _user
from masterly.roster.selectors import today
from masterly.standards.selectors import find_standard_by_code
from masterly.trackers import policy, services
from masterly.trackers.models import (
    PORTAL_DEFAULTS,
    Tracker,
    TrackerCollaborator,
    TrackerStandard,
)
from masterly.trackers.scales import scale_from_data
from masterly.trackers.selectors import grid as grids
from masterly.trackers.selectors import policy as policy_selectors
from masterly.trackers.selectors.collaborators import teachers_matching
from masterly.trackers.selectors.students import chosen_and_pinned, visible_tracker_students
from masterly.trackers.selectors.trackers import (
    can_manage_tracker,
    tracker_or_404,
    tracker_school_year,
)
from masterly.trackers.services import display, sharing


def _owned(request: HttpRequest, tracker_id: int) -> tuple[Tracker, bool]:
    """The tracker and whether the user may change it (403 on a POST when not)."""
    tracker = tracker_or_404(request.user, tracker_id)
    can_edit = not tracker.is_archived and can_manage_tracker(request.user, tracker)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied("Only the tracker's owner changes its settings.")
    return tracker, can_edit


def _action(request: HttpRequest) -> str:
    """``save``, ``default`` (asks to confirm) or ``default-confirmed``."""
    action = request.POST.get("action", "save")
    if action == "default":
        return "default-confirmed" if request.POST.get("confirm") == "yes" else "default"
    return "save"


def _page(
    request: HttpRequest,
    template: str,
    tracker: Tracker,
    button: str,
    context: dict[str, Any],
    *,
    can_edit: bool,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        f"portals/trackers/settings/{template}",
        {
            "tracker": tracker,
            "button": button,
            "can_edit": can_edit,
            "is_owner": can_manage_tracker(request.user, tracker),
            "confirm_default": request.method == "POST" and _action(request) == "default",
            **context,
        },
        status=status,
    )


def _ids(request: HttpRequest, name: str) -> list[int]:
    try:
        return [int(value) for value in request.POST.getlist(name)]
    except ValueError:
        return [-1]  # not an id: the service refuses it as not in the tracker


# ------------------------------------------------------------------ Students


@require_http_methods(["GET", "POST"])
@login_required
def tracker_students(request: HttpRequest, tracker_id: int) -> HttpResponse:
    tracker, can_edit = _owned(request, tracker_id)
    error = ""
    if request.method == "POST" and _action(request) != "default":
        chosen, pinned = [], []
        if _action(request) == "save":
            chosen, pinned = _ids(request, "chosen"), _ids(request, "pinned")
        try:
            display.tracker_students_choose(
                actor=_user(request), tracker=tracker, chosen=chosen, pinned=pinned
            )
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request,
                "Students saved."
                if chosen or pinned
                else "Back to the default: every student shows, none pinned.",
            )
            return redirect("tracker_grid", tracker.pk)
    students = list(visible_tracker_students(request.user, tracker))
    chosen_ids, pinned_ids = chosen_and_pinned(tracker)
    rows = [(s, s.pk in chosen_ids, s.pk in pinned_ids) for s in students]
    return _page(
        request,
        "students.html",
        tracker,
        "students",
        {"rows": rows, "error": error},
        can_edit=can_edit,
        status=400 if error else 200,
    )


# ------------------------------------------------------------------ Mastery Tracker


@require_http_methods(["GET", "POST"])
@login_required
def tracker_standards(request: HttpRequest, tracker_id: int) -> HttpResponse:
    tracker, can_edit = _owned(request, tracker_id)
    error = ""
    add_form = AddStandardForm()
    if request.method == "POST" and request.POST.get("action") == "add":
        add_form = AddStandardForm(request.POST)
        if add_form.is_valid():
            try:
                standard = find_standard_by_code(code=add_form.cleaned_data["code"])
            except ValidationError as problem:
                add_form.add_error("code", problem.messages)
            else:
                try:
                    run = display.tracker_standard_add(
                        actor=_user(request), tracker=tracker, standard=standard
                    )
                except ValidationError as problem:
                    add_form.add_error("code", problem.messages)
                else:
                    messages.success(request, f"{standard} added; its mastery is being computed.")
                    return redirect("trackers:recompute_progress", tracker.pk, run.pk)
    elif request.method == "POST" and _action(request) != "default":
        placed = TrackerStandard.objects.filter(tracker=tracker)
        shown = (
            _ids(request, "shown")
            if _action(request) == "save"
            else list(placed.values_list("standard_id", flat=True))
        )
        try:
            display.tracker_standards_show(actor=_user(request), tracker=tracker, shown=shown)
        except ValidationError as problem:
            error = " ".join(problem.messages)
        else:
            messages.success(
                request,
                "Standards saved."
                if _action(request) == "save"
                else "Back to the default: every standard shows.",
            )
            return redirect("tracker_grid", tracker.pk)
    return _page(
        request,
        "standards.html",
        tracker,
        "standards",
        {
            "units": grids.tracker_units(tracker, include_hidden=True),
            "error": error,
            "add_form": add_form,
        },
        can_edit=can_edit,
        status=400 if error or add_form.errors else 200,
    )


# ------------------------------------------------------------------ Tools & Accommodations


@require_http_methods(["GET", "POST"])
@login_required
def tracker_tools(request: HttpRequest, tracker_id: int) -> HttpResponse:
    tracker, can_edit = _owned(request, tracker_id)
    students = list(visible_tracker_students(request.user, tracker))
    error = ""
    if request.method == "POST" and _action(request) != "default":
        wanted: dict[int, list[str]] = {student.pk: [] for student in students}
        factors: dict[int, Decimal] = {}
        if _action(request) == "save":
            for value in request.POST.getlist("tool"):
                student_id, _, tool = value.partition(":")
                if not student_id.isdigit():
                    error = gettext("The form was not understood; reload the page.")
                    break
                wanted.setdefault(int(student_id), []).append(tool)
            factors, bad_factor = _factors(request, students)
            error = error or bad_factor
        if not error:
            try:
                changed = sharing.accommodations_save(
                    actor=_user(request),
                    tracker=tracker,
                    tools=wanted,
                    today=today(),
                    factors=factors,
                )
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Tools and accommodations saved (%(n)d student changed).",
                        "Tools and accommodations saved (%(n)d students changed).",
                        len(changed),
                    )
                    % {"n": len(changed)}
                    if _action(request) == "save"
                    else "Back to the default: every tool is off for these students.",
                )
                return redirect("tracker_tools", tracker.pk)
    year = tracker_school_year(tracker, today())
    ids = [student.pk for student in students]
    on = accommodations_of(ids, year)
    factor_of = extended_time_factors_of(ids, year)
    rows = [
        (
            student,
            [(tool, tool in on.get(student.pk, [])) for tool in Tool],
            factor_of.get(student.pk, EXTENDED_TIME_DEFAULT),
        )
        for student in students
    ]
    return _page(
        request,
        "tools.html",
        tracker,
        "tools",
        {
            "rows": rows,
            "tools": list(Tool),
            "factors": EXTENDED_TIME_FACTORS,
            "year": year,
            "error": error,
        },
        can_edit=can_edit,
        status=400 if error else 200,
    )


def _factors(request: HttpRequest, students: list[User]) -> tuple[dict[int, Decimal], str]:
    """Each student's extended time factor from the form (``factor-<id>``), or what is wrong."""
    factors: dict[int, Decimal] = {}
    for student in students:
        raw = request.POST.get(f"factor-{student.pk}")
        if raw is None:
            continue
        try:
            factors[student.pk] = Decimal(raw.strip())
        except ArithmeticError:
            return {}, gettext("Choose an extended time factor from the list.")
        if factors[student.pk] not in EXTENDED_TIME_FACTORS:
            return {}, gettext("Choose an extended time factor from the list.")
    return factors, ""


# ------------------------------------------------------------------ Settings


@require_http_methods(["GET", "POST"])
@login_required
def tracker_settings(request: HttpRequest, tracker_id: int) -> HttpResponse:
    tracker, can_edit = _owned(request, tracker_id)
    setting = policy_selectors.tracker_setting(tracker)
    initial = TrackerSettingsForm.initial_for(tracker)
    form = _settings_form(None, initial, setting, tracker)
    if request.method == "POST" and _action(request) != "default":
        restore = _action(request) != "save"
        data = TrackerSettingsForm.defaults() if restore else request.POST
        form = _settings_form(data, initial, setting, tracker)
        if form.is_valid():
            values = form.cleaned_data
            try:
                run = services.tracker_settings_save(
                    actor=_user(request),
                    tracker=tracker,
                    portal={field: values[field] for field in PORTAL_DEFAULTS},
                    method=values["method"],
                    decay=values["decay"],
                    weight=values["weight"],
                    n_mastery=values["n_mastery"],
                    scale=form.scale_data(),
                    # Return to Default: every group follows the school's and district's.
                    follow=set(policy.GROUPS) if restore else form.followed(),
                )
            except ValidationError as problem:
                # The form checked the cut scores; the service's scale message names them too.
                names = {"scale": "cut_mastery", "portal": "portal_scores"}
                apply_errors(form, _renamed(problem, names))
            else:
                if run is not None:
                    messages.success(
                        request, "Settings saved. Mastery is being recalculated for every cell."
                    )
                    return redirect("trackers:recompute_progress", tracker.pk, run.pk)
                messages.success(request, "Settings saved.")
                return redirect("tracker_grid", tracker.pk)
    # The levels as saved, in each colour mode, drawn as the grid draws them.
    previews = [
        (label, list(grids.swatches(tracker.mastery_scale(), ColourMode(mode)).values()))
        for mode, label in COLOUR_MODES
    ]
    return _page(
        request,
        "settings.html",
        tracker,
        "settings",
        {
            "form": form,
            "setting": setting,
            "inherited_scale": scale_summary(
                scale_from_data(setting.inherited[policy.SCALE].value)
            ),
            "previews": previews,
            "preview_swatches": [swatch for _, swatches in previews for swatch in swatches],
        },
        can_edit=can_edit,
        status=400 if form.errors else 200,
    )


def _settings_form(
    data: Any, initial: dict[str, Any], setting: policy_selectors.TrackerSetting, tracker: Tracker
) -> TrackerSettingsForm:
    form = TrackerSettingsForm(data, initial=initial)
    form.apply_policy(setting.inherited, tracker.own_settings, setting.inherited_phrases)
    return form


def _renamed(problem: ValidationError, names: dict[str, str]) -> ValidationError:
    """The service's error with its fields named as the form names them."""
    if not hasattr(problem, "error_dict"):
        return problem
    return ValidationError(
        {names.get(field, field): messages for field, messages in problem.message_dict.items()}
    )


# ------------------------------------------------------------------ More


@require_http_methods(["GET", "POST"])
@login_required
def tracker_more(request: HttpRequest, tracker_id: int) -> HttpResponse:
    tracker, can_edit = _owned(request, tracker_id)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        teacher = User.objects.filter(pk__in=_ids(request, "teacher")[:1]).first()
        if teacher is None:
            error = "That teacher was not found; search again."
        else:
            try:
                if action == "remove":
                    sharing.collaborator_remove(
                        actor=_user(request), tracker=tracker, teacher=teacher
                    )
                    messages.success(request, f"{teacher} no longer collaborates on this tracker.")
                else:
                    sharing.collaborator_add(actor=_user(request), tracker=tracker, teacher=teacher)
                    messages.success(
                        request, f"{teacher} can now see this tracker and enter scores."
                    )
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                return redirect("tracker_more", tracker.pk)
    search = CollaboratorSearchForm(request.GET or None)
    found: list[User] = []
    collaborators = list(
        TrackerCollaborator.objects.filter(tracker=tracker)
        .select_related("teacher")
        .order_by("teacher__last_name", "teacher__first_name", "id")
    )
    if can_edit and search.is_valid() and search.cleaned_data["q"].strip():
        found = teachers_matching(
            _user(request),
            search.cleaned_data["q"].strip(),
            exclude=[tracker.owner_id, *(c.teacher_id for c in collaborators)],
        )
    return _page(
        request,
        "more.html",
        tracker,
        "more",
        {
            "collaborators": collaborators,
            "search": search,
            "found": found,
            "searched": bool(search.is_bound and request.GET.get("q", "").strip()),
            "units": grids.tracker_units(tracker, include_hidden=True),
            "error": error,
        },
        can_edit=can_edit,
        status=400 if error else 200,
    )
