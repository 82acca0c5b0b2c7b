"""The assessment pages: my assessments, a new one, the composer (settings, sections, items,
adding from the bank) and the blueprint."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from masterly.assessments.composition import selectors, services
from masterly.assessments.composition.blueprint import blueprint
from masterly.assessments.items import selectors as bank
from masterly.portals.assessments.access import assessment_for, staff_user
from masterly.portals.assessments.forms import AssessmentForm, AssessmentSettingsForm, add_refusal
from masterly.portals.items.forms import BankSearchForm
from masterly.trackers.selectors.assignments import assessments_given_to


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    mine_only = request.GET.get("whose") == "mine"
    page = selectors.my_assessments_page(
        user, mine_only=mine_only, number=request.GET.get("page"), also=assessments_given_to(user)
    )
    return render(request, "portals/assessments/list.html", {"page": page, "mine_only": mine_only})


@login_required
def assessment_new(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    form = AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.assessment_create(actor=user, **form.cleaned_data)
        except ValidationError as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("Assessment created. Add items from the bank below."))
            return redirect("assessment_page", assessment.pk)
    status = 400 if form.errors else 200
    return render(request, "portals/assessments/new.html", {"form": form}, status=status)


@login_required
def assessment_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    assessment = assessment_for(user, pk)
    can_edit = selectors.can_edit_assessment(user, assessment)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(_("Only the assessment's author may change it."))
    form = AssessmentSettingsForm(
        request.POST if request.method == "POST" else None,
        prefix="settings",
        initial={
            "title": assessment.title,
            "kind": assessment.kind,
            "instructions": assessment.instructions,
            "scope": assessment.scope,
            "shuffle_items": assessment.shuffle_items,
            "shuffle_options": assessment.shuffle_options,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_update(actor=user, assessment=assessment, **form.cleaned_data)
        except ValidationError as refused:
            add_refusal(form, refused)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("assessment_page", assessment.pk)
    search = BankSearchForm(request.GET or None, authors=bank.authors(user))
    results = None
    if can_edit and search.is_bound and search.is_valid():
        results = bank.bank_page(user, search.filters(), request.GET.get("page"))
    parts = selectors.composition(assessment)
    placed_items = {p.version.item_id for part in parts for p in part.placed}
    return render(
        request,
        "portals/assessments/composer.html",
        {
            "assessment": assessment,
            "parts": parts,
            "can_edit": can_edit,
            "started": can_edit and selectors.has_answers(assessment),
            "form": form,
            "search": search,
            "results": results,
            "placed_items": placed_items,
            # A reader (a leader, a co-teacher) may not see every item in the bank: those
            # are named, not linked, so no link leads to a "not found".
            "linkable_items": set(
                bank.visible_items(user).filter(pk__in=placed_items).values_list("pk", flat=True)
            ),
            "total_points": sum((p.points for part in parts for p in part.placed), Decimal(0)),
        },
        status=400 if form.errors else 200,
    )


@login_required
def assessment_blueprint(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    assessment = assessment_for(user, pk)
    plan = blueprint(
        selectors.composition(assessment),
        min_items=settings.BLUEPRINT_MIN_ITEMS,
        min_points=Decimal(settings.BLUEPRINT_MIN_POINTS),
    )
    return render(
        request, "portals/assessments/blueprint.html", {"assessment": assessment, "plan": plan}
    )
