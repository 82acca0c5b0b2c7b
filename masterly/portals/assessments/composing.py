"""The composer's buttons (each a small POST form, so it works without JavaScript): add an
item, move, remove, switch to an item's newer version; add, rename, move, remove sections."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from masterly.accounts.models import User
from masterly.assessments.composition import selectors, services
from masterly.assessments.composition.models import AssessmentSection
from masterly.assessments.items.models import AssessmentItem
from masterly.assessments.items.selectors import visible_items
from masterly.assessments.models import Assessment
from masterly.portals.assessments.access import assessment_for, staff_user


def _number(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404(f"No {name}.")
    return int(value)


def _step(request: HttpRequest) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


Action = Callable[[HttpRequest, User, Assessment], str]


def _item_add(request: HttpRequest, user: User, assessment: Assessment) -> str:
    item = get_object_or_404(visible_items(user), pk=_number(request, "item"))
    services.item_add(
        actor=user, assessment=assessment, item=item, section=_number(request, "section")
    )
    return _("Item %(n)d added.") % {"n": item.pk}


def _row(request: HttpRequest, assessment: Assessment) -> AssessmentItem:
    return get_object_or_404(
        AssessmentItem.objects.select_related("assessment", "item_version__item"),
        assessment=assessment,
        pk=_number(request, "row"),
    )


def _section(request: HttpRequest, assessment: Assessment) -> AssessmentSection:
    return get_object_or_404(
        AssessmentSection.objects.select_related("assessment"),
        assessment=assessment,
        number=_number(request, "section"),
    )


def _item_move(request: HttpRequest, user: User, assessment: Assessment) -> str:
    services.item_move(actor=user, row=_row(request, assessment), step=_step(request))
    return _("Item moved.")


def _item_to_section(request: HttpRequest, user: User, assessment: Assessment) -> str:
    services.item_to_section(
        actor=user, row=_row(request, assessment), section=_number(request, "to_section")
    )
    return _("Item moved to another section.")


def _item_remove(request: HttpRequest, user: User, assessment: Assessment) -> str:
    services.item_remove(actor=user, row=_row(request, assessment))
    return _("Item removed from the assessment (it stays in the bank).")


def _item_update(request: HttpRequest, user: User, assessment: Assessment) -> str:
    row = services.item_use_current_version(actor=user, row=_row(request, assessment))
    return _("The item now uses version %(n)d.") % {"n": row.item_version.number}


def _section_add(request: HttpRequest, user: User, assessment: Assessment) -> str:
    services.section_add(actor=user, assessment=assessment, title=request.POST.get("title", ""))
    return _("Section added.")


def _section_rename(request: HttpRequest, user: User, assessment: Assessment) -> str:
    services.section_rename(
        actor=user, section=_section(request, assessment), title=request.POST.get("title", "")
    )
    return _("Section renamed.")


def _section_move(request: HttpRequest, user: User, assessment: Assessment) -> str:
    services.section_move(actor=user, section=_section(request, assessment), step=_step(request))
    return _("Section moved.")


def _section_remove(request: HttpRequest, user: User, assessment: Assessment) -> str:
    services.section_remove(actor=user, section=_section(request, assessment))
    return _("Section removed.")


ACTIONS: dict[str, Action] = {
    "item_add": _item_add,
    "item_move": _item_move,
    "item_to_section": _item_to_section,
    "item_remove": _item_remove,
    "item_update": _item_update,
    "section_add": _section_add,
    "section_rename": _section_rename,
    "section_move": _section_move,
    "section_remove": _section_remove,
}


@login_required
@require_POST
def assessment_change(request: HttpRequest, pk: int) -> HttpResponse:
    user = staff_user(request)
    assessment = assessment_for(user, pk)
    if not selectors.can_edit_assessment(user, assessment):
        raise PermissionDenied(_("Only the assessment's author may change it."))
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        raise Http404("No such change.")
    try:
        messages.success(request, action(request, user, assessment))
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    back = request.POST.get("back", "")
    return redirect(f"{assessment_page_url(assessment)}{'?' + back if back else ''}#composition")


def assessment_page_url(assessment: Assessment) -> str:
    from django.urls import reverse

    return reverse("assessment_page", args=[assessment.pk])
