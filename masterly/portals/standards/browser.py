"""The standards browser: search, a framework's tree, one standard's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from masterly.portals.standards.forms import StandardSearchForm
from masterly.standards import permissions
from masterly.standards.models import Framework, Standard, Unit
from masterly.standards.selectors import (
    StandardFilters,
    editable_units,
    framework_tree,
    frameworks,
    search_results,
    standard_detail,
    standard_ids_in_unit,
)

PAGE_SIZE = 25


def _picking_unit(request: HttpRequest) -> Unit | None:
    """The unit standards are being chosen for (``?unit=``), if the person may change it."""
    unit_id = request.GET.get("unit", "")
    if not unit_id.isdigit():
        return None
    unit = (
        Unit.objects.select_related("curriculum_map", "curriculum_map__course")
        .filter(pk=int(unit_id))
        .first()
    )
    if unit is None or not permissions.can_edit_map(request.user, unit.curriculum_map):
        return None
    return unit


@login_required
def browser(request: HttpRequest) -> HttpResponse:
    form = StandardSearchForm(request.GET or None)
    page = None
    filters = StandardFilters()
    if form.is_bound and form.is_valid():
        filters = StandardFilters(
            query=form.cleaned_data["q"],
            framework=form.cleaned_data["framework"],
            grade=form.cleaned_data["grade"],
            domain=form.domain_standard(),
        )
    if filters.any:
        paginator = Paginator(search_results(filters), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    unit = _picking_unit(request)
    return render(
        request,
        "portals/standards/browser.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "frameworks": frameworks() if page is None else None,
            "picking_unit": unit,
            "in_unit": standard_ids_in_unit(unit) if unit else set(),
            "can_import": permissions.can_import_standards(request.user),
        },
    )


@login_required
def framework_page(request: HttpRequest, pk: int) -> HttpResponse:
    framework = get_object_or_404(Framework, pk=pk)
    form = StandardSearchForm({**request.GET.dict(), "framework": str(framework.pk)})
    grade = ""
    domain = None
    if form.is_valid():
        grade = form.cleaned_data["grade"]
        domain = form.domain_standard()
    tree = framework_tree(framework=framework, grade=grade, domain=domain)
    return render(
        request,
        "portals/standards/framework.html",
        {
            "framework": framework,
            "form": form,
            "tree": tree,
            "grade": grade,
            "domain": domain,
            "standard_count": framework.standards.filter(retired_at__isnull=True).count(),
            "can_import": permissions.can_import_standards(request.user),
        },
    )


@login_required
def standard_page(request: HttpRequest, pk: int) -> HttpResponse:
    standard = get_object_or_404(
        Standard.objects.select_related("framework", "domain", "parent"), pk=pk
    )
    return render(
        request,
        "portals/standards/standard.html",
        {
            "detail": standard_detail(standard),
            "standard": standard,
            "units": editable_units(request.user),
        },
    )
