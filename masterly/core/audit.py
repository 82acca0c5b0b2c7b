"""The one way services record a change (no signals: call it explicitly, in the transaction)."""

from __future__ import annotations

from typing import Any

from django.db import models

from masterly.core.models import AuditEvent


def record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        summary=summary[:300],
        details=details or {},
    )
