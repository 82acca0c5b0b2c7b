"""The one way services record a change (no signals: call it explicitly, in the transaction).

:func:`record` writes one audit row; :func:`record_many` the rows of a set-based write (one
per record it wrote), in bulk. Both shape a row the same way (:func:`_row`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from masterly.core.bulk import insert_rows
from masterly.core.models import AuditEvent

SUMMARY_LENGTH = 300


def record(
    *,
    actor: Any | None,
    action: str,
    target: models.Model | None = None,
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    return AuditEvent.objects.create(
        **_row(
            actor=actor,
            action=action,
            object_type=target._meta.label_lower if target is not None else "",
            object_id=target.pk if target is not None else "",
            summary=summary,
            details=details,
        )
    )


def record_many(
    *,
    actor: Any | None,
    action: str,
    model: type[models.Model],
    events: Iterable[tuple[object, str, dict[str, Any] | None]],
) -> int:
    """One audit row per ``(object id, summary, details)`` of ``model``; returns how many."""
    object_type = model._meta.label_lower
    return insert_rows(
        AuditEvent,
        [
            _row(
                actor=actor,
                action=action,
                object_type=object_type,
                object_id=object_id,
                summary=summary,
                details=details,
            )
            for object_id, summary, details in events
        ],
    )


def _row(
    *,
    actor: Any | None,
    action: str,
    object_type: str,
    object_id: object,
    summary: str,
    details: dict[str, Any] | None,
) -> dict[str, Any]:
    return {
        "actor": actor if getattr(actor, "pk", None) else None,
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "summary": summary[:SUMMARY_LENGTH],
        "details": details or {},
    }
