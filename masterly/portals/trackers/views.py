"""The tracker pages: thin views over ``trackers.selectors`` and ``trackers.services``.
Every page works without JavaScript.

Who may open a tracker is ``trackers.selectors.trackers.tracker_or_404``; anyone else gets a
404 (existence is not revealed). The create form is the teacher's; the list is the teacher's
own trackers, or, for a leader or district admin, the trackers of their schools (read-only:
the pages offer them no control that changes anything, and the services refuse them).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods

from masterly.accounts.models import User
from masterly.mastery import ColourMode
from masterly.portals.roles import act_as, active_role
from masterly.portals.standards.forms import apply_errors
from masterly.portals.trackers.forms import OverrideClearForm, OverrideForm, TrackerCreateForm
from masterly.portals.trackers.rendering import print_parts, row_cells_html
from masterly.roster.models import Role
from masterly.roster.selectors import today
from masterly.standards.models import CurriculumMap
from masterly.trackers import services
from masterly.trackers.csv_export import grid_csv
from masterly.trackers.models import RecomputeRun, Tracker
from masterly.trackers.selectors import cells
from masterly.trackers.selectors import grid as grids
from masterly.trackers.selectors import tracker_list as listing
from masterly.trackers.selectors.reassessment import pending_request_count
from masterly.trackers.selectors.scoring_queue import pending_count
from masterly.trackers.selectors.students import cell_student_or_404
from masterly.trackers.selectors.trackers import (
    can_manage_tracker,
    can_score_tracker,
    latest_recompute,
    tracker_or_404,
)

COLOUR_SESSION_KEY = "masterly_tracker_colours"


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user


def _colour_mode(request: HttpRequest) -> ColourMode:
    """``?colours=…`` if given (and remembered in the session), else the remembered one."""
    asked = grids.colour_mode(request.GET.get("colours", ""))
    if asked is not None:
        if request.session.get(COLOUR_SESSION_KEY) != asked.value:
            request.session[COLOUR_SESSION_KEY] = asked.value
        return asked
    return grids.colour_mode(request.session.get(COLOUR_SESSION_KEY)) or grids.DEFAULT_COLOUR_MODE


# ------------------------------------------------------------------ list and create


@require_GET
@login_required
def tracker_list(request: HttpRequest) -> HttpResponse:
    if active_role(request) in OVERSEERS:
        return _overseen_list(request)
    act_as(request, Role.TEACHER)
    trackers = listing.tracker_list(_user(request))
    return render(request, "portals/trackers/list.html", {"trackers": trackers})


OVERSEERS = (Role.SCHOOL_LEADER, Role.DISTRICT_ADMIN)


def _overseen_list(request: HttpRequest) -> HttpResponse:
    """A leader's (or district admin's) trackers: their schools', filtered and paged."""
    chosen = {name: request.GET.get(name, "") for name in ("school", "teacher", "course")}
    overseen = listing.overseen_tracker_list(
        _user(request), **chosen, page=request.GET.get("page", 1)
    )
    return render(
        request,
        "portals/trackers/overseen_list.html",
        {"overseen": overseen, "page": overseen.page, "chosen": chosen},
    )


@require_http_methods(["GET", "POST"])
@login_required
def tracker_create(request: HttpRequest) -> HttpResponse:
    act_as(request, Role.TEACHER)
    user = _user(request)
    sections = listing.creatable_sections(user, today())
    maps = CurriculumMap.objects.select_related("course").order_by("title", "id")
    form = TrackerCreateForm(request.POST or None, sections=sections, maps=maps)
    if request.method == "POST" and form.is_valid():
        try:
            tracker = services.tracker_create(
                actor=user,
                name=form.cleaned_data["name"],
                owner=user,
                sections=list(form.cleaned_data["sections"]),
                curriculum_map=form.cleaned_data["curriculum_map"],
                standards=form.cleaned_data["standards"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Tracker “{tracker.name}” created.")
            return redirect("tracker_grid", tracker.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "portals/trackers/create.html",
        {"form": form, "has_sections": sections.exists()},
        status=status,
    )


# ------------------------------------------------------------------ the grid


def _grid(request: HttpRequest, tracker: Tracker, standard: int | None = None) -> grids.Grid:
    sort = request.GET.get("sort", "name")
    return grids.build_grid(
        request.user,
        tracker,
        mode=_colour_mode(request),
        section_id=request.GET.get("section") or None,
        sort=sort if sort in grids.SORTS else "name",
        standard=standard,
        all_students=request.GET.get("students") == "all",
    )


def first_levels_pending(tracker: Tracker, run: RecomputeRun | None) -> bool:
    """Whether ``run`` is still calculating the tracker's first levels (a new tracker): until
    it ends, no cell has a stored level and each would read NS, wrongly."""
    if run is None or run.is_finished:
        return False
    return (run.generation or tracker.rollup_generation + 1) <= 1


def recompute_context(run: RecomputeRun | None, *, pending: bool) -> dict[str, object]:
    """What ``_recompute_status.html`` shows: the latest recompute while it runs, or if it
    failed (None once it is done), and whether the first levels are still to come."""
    running_or_failed = run is not None and (
        not run.is_finished or run.status == RecomputeRun.Status.FAILED
    )
    return {"recompute": run if running_or_failed else None, "levels_pending": pending}


def grid_context(
    tracker: Tracker,
    grid: grids.Grid,
    *,
    is_owner: bool = False,
    can_score: bool = False,
    recompute: RecomputeRun | None = None,
) -> dict[str, object]:
    """What ``grid.html`` shows (no database work: the grid is already built).

    ``recompute`` is the tracker's latest recompute: while it runs (or if it failed) the page
    says so, with its progress.
    """
    pending = first_levels_pending(tracker, recompute)
    return {
        "is_owner": is_owner,
        "can_score": can_score and not tracker.is_archived,
        "tracker": tracker,
        "grid": grid,
        "rows": row_cells_html(grid, pending=pending),
        "print_parts": print_parts(grid, pending=pending),
        **recompute_context(recompute, pending=pending),
        "modes": list(grids.COLOUR_MODE_LABELS.items()),
        "sorts": list(grids.SORTS.items()),
        "section_value": str(grid.section.pk) if grid.section else "",
    }


@require_GET
@login_required
def tracker_grid(request: HttpRequest, tracker_id: int) -> HttpResponse:
    tracker = tracker_or_404(request.user, tracker_id)
    grid = _grid(request, tracker)
    is_owner = can_manage_tracker(request.user, tracker)
    can_score = is_owner or can_score_tracker(request.user, tracker)
    context = grid_context(
        tracker,
        grid,
        is_owner=is_owner,
        can_score=can_score,
        recompute=latest_recompute(tracker),
    )
    if can_score:  # what waits for the tracker's teachers: answers to score, requests
        context["pending_answers"] = pending_count(request.user, tracker)
        context["pending_requests"] = pending_request_count(request.user, tracker)
    return render(request, "portals/trackers/grid.html", context)


@require_GET
@login_required
def tracker_export(request: HttpRequest, tracker_id: int) -> HttpResponse:
    tracker = tracker_or_404(request.user, tracker_id)
    grid = _grid(request, tracker)
    response = HttpResponse(grid_csv(grid), content_type="text/csv; charset=utf-8")
    filename = slugify(tracker.name) or f"tracker-{tracker.pk}"
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


@require_GET
@login_required
def reteach_groups(request: HttpRequest, tracker_id: int, standard_id: int) -> HttpResponse:
    tracker = tracker_or_404(request.user, tracker_id)
    placement = cells.cell_placement_or_404(tracker, standard_id)
    grid = _grid(request, tracker, standard=placement.standard_id)
    groups = [
        (swatch, [row for row in grid.rows if row.cells[0].swatch == swatch])
        for swatch in grid.legend
    ]
    recompute = latest_recompute(tracker)
    return render(
        request,
        "portals/trackers/groups.html",
        {
            "tracker": tracker,
            "grid": grid,
            "placement": placement,
            "groups": groups,
            "can_grant": not tracker.is_archived and can_score_tracker(request.user, tracker),
            **recompute_context(recompute, pending=first_levels_pending(tracker, recompute)),
        },
    )


# ------------------------------------------------------------------ one cell


@require_http_methods(["GET", "POST"])
@login_required
def tracker_cell(
    request: HttpRequest, tracker_id: int, student_id: int, standard_id: int
) -> HttpResponse:
    tracker = tracker_or_404(request.user, tracker_id)
    student = cell_student_or_404(request.user, tracker, student_id)
    placement = cells.cell_placement_or_404(tracker, standard_id)
    standard = placement.standard
    scale = tracker.mastery_scale()
    can_override = not tracker.is_archived and can_manage_tracker(request.user, tracker)
    override_form = OverrideForm(scale=scale)
    clear_form = OverrideClearForm()
    if request.method == "POST":
        if not can_override:
            raise PermissionDenied
        action = request.POST.get("action")
        here = reverse("tracker_cell", args=[tracker.pk, student.pk, standard.pk])
        try:
            if action == "clear":
                clear_form = OverrideClearForm(request.POST)
                if clear_form.is_valid():
                    services.override_clear(
                        actor=_user(request),
                        tracker=tracker,
                        student=student,
                        standard=standard,
                        reason=clear_form.cleaned_data["clear_reason"],
                    )
                    messages.success(request, "Override removed: the calculated level shows.")
                    return redirect(here)
            else:
                override_form = OverrideForm(request.POST, scale=scale)
                if override_form.is_valid():
                    services.override_set(
                        actor=_user(request),
                        tracker=tracker,
                        student=student,
                        standard=standard,
                        level=override_form.cleaned_data["level"],
                        reason=override_form.cleaned_data["reason"],
                    )
                    messages.success(
                        request, "Level overridden. The reason is kept in the history."
                    )
                    return redirect(here)
        except ValidationError as error:
            apply_errors(clear_form if action == "clear" else override_form, error)
    result = cells.cell_result(tracker, student, standard)
    evidence = list(cells.cell_evidence(student, standard).select_related("attempt"))
    uses = dict(zip([row.pk for row in evidence], result.evidence, strict=False))
    mode = _colour_mode(request)
    colours = grids.swatches(scale, mode)
    swatch = colours.get(result.level.abbreviation, colours[scale.not_assessed.abbreviation])
    has_errors = bool(override_form.errors or clear_form.errors)
    return render(
        request,
        "portals/trackers/cell.html",
        {
            "tracker": tracker,
            "student": student,
            "standard": standard,
            "placement": placement,
            "result": result,
            "swatch": swatch,
            "colours": [swatch],
            "evidence": [(row, uses.get(row.pk)) for row in evidence],
            "history": list(cells.override_history(tracker, student, standard)),
            "can_override": can_override,
            "override_form": override_form,
            "clear_form": clear_form,
            "explanation": result.explain(),
        },
        status=400 if has_errors else 200,
    )
