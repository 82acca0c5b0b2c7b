"""How many attempts beyond the assignment's own a student has been granted.

Grants (``trackers.AttemptGrant``) are made by the student's teachers: approving a
reassessment request, or opening one more attempt for a group. Trackers sit above
assessments in the import layers, so the model is looked up by name, not imported.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps


def extra_attempts(assignment: Any, student: Any) -> int:
    """The grants not yet used by ``student`` on ``assignment`` (one query)."""
    grants = apps.get_model("trackers", "AttemptGrant")
    return int(
        grants.objects.filter(
            assignment=assignment, student=student, used_attempt__isnull=True
        ).count()
    )


def grant_use(assignment: Any, student: Any, attempt: Any) -> bool:
    """Mark the oldest unused grant as used by ``attempt`` (call it in the transaction that
    starts an attempt beyond the assignment's own); False when there was none."""
    grants = apps.get_model("trackers", "AttemptGrant")
    grant = (
        grants.objects.select_for_update()
        .filter(assignment=assignment, student=student, used_attempt__isnull=True)
        .order_by("granted_at", "pk")
        .first()
    )
    if grant is None:
        return False
    grant.used_attempt = attempt
    grant.save(update_fields=["used_attempt"])
    return True
