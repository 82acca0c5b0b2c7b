"""Curriculum map pages. Every change goes through ``masterly.standards.services``, which
decides who may make it; these views only collect input and show the result."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from masterly.portals.standards.forms import (
    AddStandardForm,
    CopyForm,
    CurriculumMapEditForm,
    CurriculumMapForm,
    UnitForm,
    apply_errors,
)
from masterly.standards import permissions, services
from masterly.standards.models import CurriculumMap, Standard, Unit, UnitStandard
from masterly.standards.selectors import curriculum_map_units, curriculum_maps_for_list
from masterly.standards.services.curriculum_maps import Direction


def _map_url(curriculum_map: CurriculumMap, unit: Unit | None = None) -> str:
    url = reverse("curriculum_map", args=[curriculum_map.pk])
    return f"{url}#unit-{unit.pk}" if unit else url


def _next_or(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Back where the form came from (the search results), or to ``fallback``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _posted(request: HttpRequest) -> QueryDict | None:
    """The form data to bind to: even an empty POST is a submission (and gets its errors)."""
    return request.POST if request.method == "POST" else None


def _direction(request: HttpRequest) -> Direction:
    return "up" if request.POST.get("direction") == "up" else "down"


def _get_map(pk: int) -> CurriculumMap:
    return get_object_or_404(
        CurriculumMap.objects.select_related("course", "owner", "framework", "copied_from"),
        pk=pk,
    )


def _get_unit(pk: int) -> Unit:
    return get_object_or_404(
        Unit.objects.select_related("curriculum_map", "curriculum_map__course"), pk=pk
    )


def _get_placement(pk: int) -> UnitStandard:
    return get_object_or_404(
        UnitStandard.objects.select_related("unit", "unit__curriculum_map", "standard"), pk=pk
    )


# ------------------------------------------------------------------ maps


@login_required
def map_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portals/curriculum_maps/list.html",
        {
            "groups": curriculum_maps_for_list(request.user),
            "can_create": bool(permissions.map_scopes_for(request.user)),
        },
    )


@login_required
def map_create(request: HttpRequest) -> HttpResponse:
    form = CurriculumMapForm(_posted(request), user=request.user)
    if not permissions.map_scopes_for(request.user):
        messages.error(request, "Only teachers and district admins can create curriculum maps.")
        return redirect("curriculum_maps")
    if request.method == "POST" and form.is_valid():
        try:
            curriculum_map = services.curriculum_map_create(
                actor=request.user,
                course=form.cleaned_data["course"],
                title=form.cleaned_data["title"],
                scope=form.cleaned_data["scope"],
                framework=form.cleaned_data["framework"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Created “{curriculum_map.title}”. Now add its units.")
            return redirect(_map_url(curriculum_map))
    return render(request, "portals/curriculum_maps/form.html", {"form": form, "creating": True})


def _render_map(
    request: HttpRequest,
    curriculum_map: CurriculumMap,
    *,
    unit_form: UnitForm | None = None,
    add_forms: dict[int, AddStandardForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = permissions.can_edit_map(request.user, curriculum_map)
    units = curriculum_map_units(curriculum_map)
    grade = curriculum_map.course.grades.split(",")[0].strip() if curriculum_map.course else ""
    return render(
        request,
        "portals/curriculum_maps/detail.html",
        {
            "map": curriculum_map,
            "units": units,
            "can_edit": can_edit,
            "can_copy": bool(permissions.map_scopes_for(request.user)),
            "unit_form": unit_form or UnitForm(),
            "add_forms": add_forms or {},
            "course_grade": grade,
            "standard_total": sum(len(unit.placements) for unit in units),
            "power_total": sum(1 for unit in units for p in unit.placements if p.is_power),
        },
        status=status,
    )


@login_required
def map_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_map(request, _get_map(pk))


@login_required
def map_edit(request: HttpRequest, pk: int) -> HttpResponse:
    curriculum_map = _get_map(pk)
    permissions.require_map_editor(request.user, curriculum_map)
    initial = {
        "title": curriculum_map.title,
        "framework": curriculum_map.framework_id,
        "description": curriculum_map.description,
    }
    form = CurriculumMapEditForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.curriculum_map_update(
                actor=request.user,
                curriculum_map=curriculum_map,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                framework=form.cleaned_data["framework"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(_map_url(curriculum_map))
    return render(
        request,
        "portals/curriculum_maps/form.html",
        {"form": form, "map": curriculum_map, "creating": False},
    )


@login_required
def map_copy(request: HttpRequest, pk: int) -> HttpResponse:
    curriculum_map = _get_map(pk)
    if not permissions.map_scopes_for(request.user):
        raise PermissionDenied("Only teachers and district admins can copy curriculum maps.")
    form = CopyForm(
        _posted(request),
        user=request.user,
        initial={"title": f"{curriculum_map.title} (copy)"},
    )
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.curriculum_map_copy(
                actor=request.user,
                curriculum_map=curriculum_map,
                title=form.cleaned_data["title"],
                scope=form.cleaned_data["scope"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Copied to “{copy.title}”. This copy is yours to change.")
            return redirect(_map_url(copy))
    return render(
        request, "portals/curriculum_maps/copy.html", {"form": form, "map": curriculum_map}
    )


@login_required
def map_delete(request: HttpRequest, pk: int) -> HttpResponse:
    curriculum_map = _get_map(pk)
    if request.method == "POST":
        try:
            services.curriculum_map_delete(actor=request.user, curriculum_map=curriculum_map)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(_map_url(curriculum_map))
        messages.success(request, f"Deleted “{curriculum_map.title}”.")
        return redirect("curriculum_maps")
    permissions.require_map_editor(request.user, curriculum_map)
    return render(
        request,
        "portals/curriculum_maps/confirm_delete.html",
        {
            "map": curriculum_map,
            "thing": f"the curriculum map “{curriculum_map.title}”",
            "details": f"{curriculum_map.units.count()} units and their standards go with it.",
            "cancel_url": _map_url(curriculum_map),
        },
    )


# ------------------------------------------------------------------ units


@login_required
@require_POST
def unit_add(request: HttpRequest, pk: int) -> HttpResponse:
    curriculum_map = _get_map(pk)
    form = UnitForm(request.POST)
    if form.is_valid():
        try:
            unit = services.unit_create(
                actor=request.user,
                curriculum_map=curriculum_map,
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Added the unit “{unit.title}”.")
            return redirect(_map_url(curriculum_map, unit))
    return _render_map(request, curriculum_map, unit_form=form, status=400)


@login_required
@require_POST
def unit_rename(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _get_unit(unit_id)
    try:
        services.unit_rename(actor=request.user, unit=unit, title=request.POST.get("title", ""))
    except ValidationError as error:
        messages.error(request, f"The unit was not renamed: {' '.join(error.messages)}")
    else:
        messages.success(request, f"Renamed the unit to “{unit.title}”.")
    return redirect(_map_url(unit.curriculum_map, unit))


@login_required
@require_POST
def unit_move(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _get_unit(unit_id)
    services.unit_move(actor=request.user, unit=unit, direction=_direction(request))
    return redirect(_map_url(unit.curriculum_map, unit))


@login_required
def unit_delete(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = _get_unit(unit_id)
    curriculum_map = unit.curriculum_map
    if request.method == "POST":
        services.unit_delete(actor=request.user, unit=unit)
        messages.success(request, f"Removed the unit “{unit.title}”.")
        return redirect(_map_url(curriculum_map))
    permissions.require_map_editor(request.user, curriculum_map)
    return render(
        request,
        "portals/curriculum_maps/confirm_delete.html",
        {
            "map": curriculum_map,
            "thing": f"the unit “{unit.title}”",
            "details": f"Its {unit.unit_standards.count()} standards are removed from this map "
            "(the standards themselves stay).",
            "cancel_url": _map_url(curriculum_map, unit),
        },
    )


@login_required
@require_POST
def unit_standard_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    """Add by typed code (the map page) or by picked standard (the search results)."""
    unit = _get_unit(unit_id)
    curriculum_map = unit.curriculum_map
    standard_id = request.POST.get("standard", "")
    if standard_id.isdigit():
        standard = get_object_or_404(Standard, pk=int(standard_id))
        try:
            services.unit_standard_add(actor=request.user, unit=unit, standard=standard)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Added {standard.label} to “{unit.title}”.")
        return _next_or(request, _map_url(curriculum_map, unit))

    form = AddStandardForm(request.POST)
    if form.is_valid():
        try:
            placed = services.unit_standard_add_by_code(
                actor=request.user, unit=unit, code=form.cleaned_data["code"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"Added {placed.standard.label} to “{unit.title}”.")
            return redirect(_map_url(curriculum_map, unit))
    return _render_map(request, curriculum_map, add_forms={unit.pk: form}, status=400)


@login_required
@require_POST
def standard_add_to_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """From a standard's page: add it to the unit chosen in the form."""
    standard = get_object_or_404(Standard, pk=pk)
    unit_id = request.POST.get("unit", "")
    unit = _get_unit(int(unit_id)) if unit_id.isdigit() else None
    if unit is None:
        messages.error(request, "Choose the unit to add it to.")
        return redirect("standards_standard", pk=standard.pk)
    try:
        services.unit_standard_add(actor=request.user, unit=unit, standard=standard)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("standards_standard", pk=standard.pk)
    messages.success(
        request, f"Added {standard.label} to “{unit.title}” of “{unit.curriculum_map.title}”."
    )
    return redirect("standards_standard", pk=standard.pk)


@login_required
@require_POST
def unit_standard_move(request: HttpRequest, pk: int) -> HttpResponse:
    placed = _get_placement(pk)
    services.unit_standard_move(
        actor=request.user, unit_standard=placed, direction=_direction(request)
    )
    return redirect(_map_url(placed.unit.curriculum_map, placed.unit))


@login_required
@require_POST
def unit_standard_power(request: HttpRequest, pk: int) -> HttpResponse:
    placed = _get_placement(pk)
    is_power = request.POST.get("is_power") == "1"
    services.unit_standard_set_power(actor=request.user, unit_standard=placed, is_power=is_power)
    return redirect(_map_url(placed.unit.curriculum_map, placed.unit))


@login_required
@require_POST
def unit_standard_remove(request: HttpRequest, pk: int) -> HttpResponse:
    placed = _get_placement(pk)
    services.unit_standard_remove(actor=request.user, unit_standard=placed)
    messages.success(request, f"Removed {placed.standard.label} from “{placed.unit.title}”.")
    return redirect(_map_url(placed.unit.curriculum_map, placed.unit))
