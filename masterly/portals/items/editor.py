"""The item editor: a new item of any type, or an edit of one's own (a new version once the
current one is used). Rows are added and removed with submit buttons, so it works without
JavaScript; an image is uploaded with its alt text (or marked decorative) and placed in the
stem."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import escape
from django.utils.translation import gettext as _

from masterly.accounts.models import User
from masterly.assessments.items import selectors, services
from masterly.assessments.items.models import InteractionType, Item, Scope
from masterly.assessments.items.usage import item_version_in_use
from masterly.portals.items.editor_state import (
    EditorState,
    apply_row_buttons,
    draft_from_state,
    state_from_post,
    state_from_version,
)
from masterly.portals.items.returning import added_to_assessment, returning_to
from masterly.portals.items.views import bank_user


@login_required
def item_new(request: HttpRequest) -> HttpResponse:
    user = bank_user(request)
    if request.method != "POST":
        kind = request.GET.get("type", "")
        state = EditorState(
            interaction=kind if kind in InteractionType.values else InteractionType.MULTIPLE_CHOICE
        )
        apply_row_buttons(state, _change_type())
        return _editor(request, user, state, None, {})
    return _submitted(request, user, None)


@login_required
def item_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = bank_user(request)
    item = selectors.item_or_404(user, pk)
    if not selectors.can_edit_item(user, item):
        raise PermissionDenied(_("Only the item's owner may change it; copy it instead."))
    if request.method != "POST":
        state = state_from_version(selectors.version_detail(item))
        return _editor(request, user, state, item, {})
    return _submitted(request, user, item)


def _change_type() -> dict[str, str]:
    return {"change_type": "1"}


def _submitted(request: HttpRequest, user: User, item: Item | None) -> HttpResponse:
    state = state_from_post(request.POST)
    if apply_row_buttons(state, request.POST):
        return _editor(request, user, state, item, {})
    if "upload_image" in request.POST:
        return _upload_image(request, user, state, item)
    stimuli = {s.pk: s for s in selectors.visible_stimuli(user)}
    draft, problems = draft_from_state(state, stimuli)
    if draft is not None:
        try:
            if item is None:
                item = services.item_create(actor=user, draft=draft, scope=state.scope)
                messages.success(request, _("Item saved."))
                back = added_to_assessment(request, user, item)
                if back is not None:
                    return back
            else:
                version = services.item_edit(actor=user, item=item, draft=draft)
                messages.success(
                    request,
                    _("Saved as version %(n)d.") % {"n": version.number}
                    if version.number > 1
                    else _("Item saved."),
                )
            return redirect("item_page", item.pk)
        except ValidationError as refused:
            problems = refused.message_dict
    return _editor(request, user, state, item, problems, status=400)


def _upload_image(
    request: HttpRequest, user: User, state: EditorState, item: Item | None
) -> HttpResponse:
    upload = request.FILES.get("image_file")
    alt = request.POST.get("image_alt", "")
    decorative = request.POST.get("image_decorative") == "on"
    if upload is None:
        return _editor(request, user, state, item, {"image": [_("Choose an image file.")]}, 400)
    try:
        image = services.image_add(
            actor=user,
            data=upload.read(),
            filename=upload.name or "",
            alt_text=alt,
            decorative=decorative,
        )
    except ValidationError as refused:
        return _editor(request, user, state, item, refused.message_dict, status=400)
    tag = f'<img src="/assessments/images/{image.pk}/" alt="{escape(image.alt_text)}">'
    state.stem = f"{state.stem.rstrip()}\n<p>{tag}</p>" if state.stem.strip() else f"<p>{tag}</p>"
    messages.success(request, _("Image added to the stem. Save the item to keep it."))
    return _editor(request, user, state, item, {})


def _editor(
    request: HttpRequest,
    user: User,
    state: EditorState,
    item: Item | None,
    problems: dict[str, list[str]],
    status: int = 200,
) -> HttpResponse:
    used = item is not None and item.current is not None and item_version_in_use(item.current)
    return render(
        request,
        "portals/items/editor.html",
        {
            "state": state,
            "item": item,
            "problems": problems,
            "used": used,
            "types": InteractionType.choices,
            "scopes": Scope.choices,
            "stimuli": selectors.visible_stimuli(user).order_by("title"),
            "doks": ["1", "2", "3", "4"],
            "for_assessment": returning_to(request),
        },
        status=status,
    )
