"""QTI pages: the item import (with its confirmation when some items are unsupported) and
the downloads of the bank's items and of an assessment."""

from __future__ import annotations

import io
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from masterly.accounts.models import User
from masterly.assessments.items.selectors import may_use_bank
from masterly.core.uploads import upload_form
from masterly.integrations.qti.errors import QtiImportRejected, UnsupportedInteractions
from masterly.integrations.qti.export import export_assessment
from masterly.integrations.qti.forms import QtiImportForm
from masterly.integrations.qti.importer import import_qti
from masterly.integrations.qti.models import QtiUpload
from masterly.integrations.qti.selectors import (
    MAX_EXPORT_ITEMS,
    bank_export,
    bank_filters,
    exportable_assessment,
)


def _author(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not may_use_bank(user):
        raise PermissionDenied("Only staff who write items may import or export them.")
    return user


# A package waiting for its uploader's confirmation longer than this is dropped.
WAITING = timedelta(days=1)


@login_required
def import_package(request: HttpRequest) -> HttpResponse:
    user = _author(request)
    QtiUpload.objects.filter(created_at__lt=timezone.now() - WAITING).delete()
    form = upload_form(QtiImportForm, request)
    problems: list[str] = []
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["package"]
        payload, name, scope = (
            upload.read(),
            upload.name or "package.zip",
            form.cleaned_data["scope"],
        )
        try:
            summary = import_qti(actor=user, source=io.BytesIO(payload), name=name, scope=scope)
        except UnsupportedInteractions as unsupported:
            QtiUpload.objects.filter(owner=user).delete()  # one waiting upload per person
            waiting = QtiUpload.objects.create(
                owner=user,
                name=name[:255],
                payload=payload,
                problems=unsupported.lines,
                scope=scope,
            )
            return render(request, "qti/confirm.html", {"upload": waiting})
        except QtiImportRejected as rejected:
            problems = rejected.lines
        else:
            return render(request, "qti/imported.html", {"name": name, "summary": summary})
    return render(request, "qti/import.html", {"form": form, "problems": problems})


@login_required
@require_POST
def confirm_import(request: HttpRequest, upload_id: int) -> HttpResponse:
    """Import the supported items of a waiting upload; it is removed whatever happens."""
    user = _author(request)
    upload = get_object_or_404(QtiUpload, pk=upload_id, owner=user)
    payload, name, scope = bytes(upload.payload), upload.name, upload.scope
    upload.delete()
    try:
        summary = import_qti(
            actor=user, source=io.BytesIO(payload), name=name, scope=scope, skip_unsupported=True
        )
    except QtiImportRejected as rejected:
        return render(
            request, "qti/import.html", {"form": QtiImportForm(), "problems": rejected.lines}
        )
    return render(request, "qti/imported.html", {"name": name, "summary": summary})


def _zip(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def export_bank(request: HttpRequest) -> HttpResponse:
    """The bank search's items (the same filters as its address) as a QTI package."""
    user = _author(request)
    filters = bank_filters(request.GET)
    data, count = bank_export(user, filters)
    if not data:
        return render(
            request,
            "qti/export_refused.html",
            {"count": count, "cap": MAX_EXPORT_ITEMS},
            status=400,
        )
    return _zip(data, "masterly-items-qti.zip")


@login_required
def export_assessment_package(request: HttpRequest, assessment_id: int) -> HttpResponse:
    user = _author(request)
    assessment = exportable_assessment(user, assessment_id)
    return _zip(export_assessment(assessment), f"masterly-assessment-{assessment.pk}-qti.zip")
