"""A new item written from an assessment's composer goes into that assessment (its last
section), and the teacher goes back there."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from masterly.accounts.models import User
from masterly.assessments.composition import selectors, services
from masterly.assessments.composition.models import AssessmentSection
from masterly.assessments.items.models import Item


def added_to_assessment(request: HttpRequest, user: User, item: Item) -> HttpResponse | None:
    """Add ``item`` to the assessment the editor was opened from, and go back to it; None
    when it was not opened from one (or the assessment is not the user's to change)."""
    wanted = returning_to(request)
    if not wanted:
        return None
    assessment = selectors.visible_assessments(user).filter(pk=int(wanted)).first()
    if assessment is None or not selectors.can_edit_assessment(user, assessment):
        return None
    last = AssessmentSection.objects.filter(assessment=assessment).order_by("-number").first()
    try:
        services.item_add(
            actor=user, assessment=assessment, item=item, section=last.number if last else 1
        )
    except (ValidationError, PermissionDenied) as refused:
        messages.error(request, " ".join(getattr(refused, "messages", [str(refused)])))
        return None
    messages.success(request, _added(item))
    return redirect("assessment_page", assessment.pk)


def returning_to(request: HttpRequest) -> str:
    """The id of the assessment the editor was opened from ("" when none)."""
    wanted = request.POST.get("for_assessment") or request.GET.get("for_assessment") or ""
    return wanted if wanted.isdigit() else ""


def _added(item: Item) -> str:
    from django.utils.translation import gettext as _

    return _("Item %(n)d added to the assessment.") % {"n": item.pk}
