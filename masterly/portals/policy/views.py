"""The district and school policy pages: thin views over ``trackers.selectors.policy`` and
``trackers.services.policy``. A district admin sets the district's policy and any of its
schools'; a school leader sets their school's. Anyone else gets a 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.html import strip_tags
from django.views.decorators.http import require_GET, require_http_methods

from masterly.mastery import METHOD_NAMES
from masterly.portals.policy.forms import PolicyForm
from masterly.portals.standards.forms import apply_errors
from masterly.portals.trackers.level_rows import scale_summary
from masterly.portals.trackers.views import _user
from masterly.roster.models import Org
from masterly.trackers import policy
from masterly.trackers.models import PORTAL_FIELDS, PortalShow
from masterly.trackers.scales import scale_from_data
from masterly.trackers.selectors import policy as selectors
from masterly.trackers.services.policy import settings_policy_change

PORTAL_LABELS = {
    "portal_scores": "Scores",
    "portal_assessments": "Assessments",
    "portal_answer_key": "Answer key",
    "portal_item_analysis": "Item analysis",
}


@require_GET
@login_required
def policy_index(request: HttpRequest) -> HttpResponse:
    orgs = list(selectors.policy_orgs(_user(request)).order_by("type", "name", "id"))
    return render(request, "portals/policy/index.html", {"orgs": orgs})


@require_http_methods(["GET", "POST"])
@login_required
def policy_page(request: HttpRequest, org_id: int) -> HttpResponse:
    user = _user(request)
    org = selectors.policy_org_or_404(user, org_id)
    current = selectors.org_policy(org)
    initial = PolicyForm.initial_for(current.own, current.in_force)
    form = PolicyForm(request.POST or None, initial=initial)
    form.lock_above(current.inherited)
    if request.method == "POST" and form.is_valid():
        try:
            run = settings_policy_change(
                actor=user, org=org, values=form.values(), locked=form.locked()
            )
        except ValidationError as problem:
            apply_errors(form, problem)
        else:
            if run is None:
                messages.success(request, "Nothing changed.")
            else:
                messages.success(
                    request,
                    "Policy saved. Every tracker under it is being brought up to date; "
                    "the progress shows below.",
                )
            return redirect("policy_page", org.pk)
    run = selectors.latest_policy_run(org)
    return render(
        request,
        "portals/policy/page.html",
        {
            "org": org,
            "level": "district" if org.type == Org.Type.DISTRICT else "school",
            "form": form,
            "groups": _groups(form, current),
            "run": run,
        },
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
def policy_run_progress(request: HttpRequest, org_id: int, run_id: int) -> JsonResponse:
    """How far applying a policy has got, as JSON for the policy page's progress bar."""
    run = selectors.policy_run_or_404(_user(request), org_id, run_id)
    text = render_to_string("portals/policy/_run_status.html", {"run": run}, request=request)
    return JsonResponse(
        {
            "status": run.status,
            "percent": run.percent_done,
            "is_finished": run.is_finished,
            "text": strip_tags(text).strip(),
        }
    )


def _groups(form: PolicyForm, current: selectors.OrgPolicy) -> list[dict[str, Any]]:
    """Each group as the page shows it: what it inherits (from where), and its fields."""
    groups = []
    for group in policy.GROUPS:
        inherited = current.inherited[group]
        groups.append(
            {
                "key": group,
                "name": policy.GROUP_NAMES[group],
                "inherited": summary(group, inherited.value),
                "source": selectors.source_phrase(inherited),
                "locked_by": inherited.locked_by,
                "own": form[f"own_{group}"],
                "lock": form[f"lock_{group}"],
            }
        )
    return groups


def summary(group: str, value: Any) -> str:
    """A setting group's value in words, for the "inherited" line."""
    if group == policy.SCALE:
        return scale_summary(scale_from_data(value))
    if group == policy.CALCULATION:
        return (
            f"{METHOD_NAMES[value['method']]} (decay {value['decay']}, "
            f"weight {value['weight']}, n {value['n_mastery']})"
        )
    return "; ".join(
        f"{PORTAL_LABELS[field]}: {PortalShow(value[field]).label}" for field in PORTAL_FIELDS
    )
