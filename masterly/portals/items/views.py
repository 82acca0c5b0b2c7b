"""The item bank's pages: search, one item (preview, key, alignments, history), copy, share,
and the images items show."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from masterly.accounts.models import User
from masterly.assessments.items import selectors, services
from masterly.assessments.items.content import image_response
from masterly.assessments.items.drafts import number_text
from masterly.assessments.items.models import Scope
from masterly.assessments.items.usage import versions_in_use
from masterly.portals.items.forms import BankSearchForm


def bank_user(request: HttpRequest) -> User:
    """The signed-in staff member, or 403: students and parents never see the bank."""
    user = request.user
    if not isinstance(user, User) or not selectors.may_use_bank(user):
        raise PermissionDenied(_("The item bank is for teachers, leaders and district staff."))
    return user


@login_required
def bank(request: HttpRequest) -> HttpResponse:
    user = bank_user(request)
    form = BankSearchForm(request.GET or None, authors=selectors.authors(user))
    filters = selectors.BankFilters()
    if form.is_bound and form.is_valid():
        filters = form.filters()
    page = None if form.errors else selectors.bank_page(user, filters, request.GET.get("page"))
    return render(request, "portals/items/bank.html", {"form": form, "page": page})


@login_required
def item_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = bank_user(request)
    item = selectors.item_or_404(user, pk)
    number = request.GET.get("version", "")
    version = selectors.version_detail(item, int(number) if number.isdigit() else None)
    history = selectors.item_history(item)
    return render(
        request,
        "portals/items/item.html",
        {
            "item": item,
            "version": version,
            "history": history,
            "in_use": versions_in_use(v.pk for v in history),
            "can_edit": selectors.can_edit_item(user, item),
            "numeric_key": (
                number_text(version.numeric_answer),
                number_text(version.numeric_tolerance),
            ),
            "scopes": Scope.choices,
        },
    )


@login_required
@require_POST
def item_copy(request: HttpRequest, pk: int) -> HttpResponse:
    user = bank_user(request)
    copy = services.item_copy(actor=user, item=selectors.item_or_404(user, pk))
    messages.success(request, _("Copied: this is your own item now; edit it as you like."))
    return redirect("item_edit", copy.pk)


@login_required
@require_POST
def item_share(request: HttpRequest, pk: int) -> HttpResponse:
    user = bank_user(request)
    item = selectors.item_or_404(user, pk)
    try:
        services.item_share(actor=user, item=item, scope=request.POST.get("scope", ""))
    except ValidationError as refused:
        for message in refused.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Sharing saved."))
    return redirect("item_page", item.pk)


@login_required
def item_image(request: HttpRequest, pk: int) -> HttpResponse:
    if not isinstance(request.user, User):
        raise Http404
    image = get_object_or_404(selectors.visible_images(request.user), pk=pk)
    return image_response(bytes(image.data), image.content_type)
