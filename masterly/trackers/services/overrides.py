"""Overrides: a teacher sets a student's level on a standard by hand, with a reason.

Each function is one transaction holding the override, an audit row and the update of the
cell's stored rollup in that tracker. Only those who manage the tracker may call them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from masterly.accounts.models import User
from masterly.core import audit
from masterly.mastery import OverrideError, calculate, override
from masterly.standards.models import Standard
from masterly.trackers import rollup_cells
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Override, Tracker
from masterly.trackers.services.checks import check_manage, check_not_archived


def _check_cell(tracker: Tracker, student: User, standard: Standard) -> None:
    errors: dict[str, str] = {}
    if not tracker.tracker_standards.filter(standard=standard).exists():
        errors["standard"] = (
            f"{standard} is not in the tracker {tracker.name!r}; add it to the tracker first."
        )
    if not tracker_students(tracker.pk).filter(user=student.pk).exists():
        errors["student"] = f"{student} is not enrolled in any of the sections of {tracker.name!r}."
    if errors:
        raise ValidationError(errors)


def override_set(
    *,
    actor: User | None,
    tracker: Tracker,
    student: User,
    standard: Standard,
    level: str,
    reason: str,
) -> Override:
    """Set the student's level on the standard by hand, with a reason students will see.

    ``level`` is one of the tracker scale's abbreviations (``M``, ``NM``, ``R``). An active
    override of the cell is replaced (it stays in the history, marked cleared).
    """
    check_manage(actor, tracker)
    check_not_archived(tracker)
    policy = tracker.policy()
    try:
        chosen = override(calculate([], policy), level, reason)
    except OverrideError as error:
        field = "reason" if "reason" in str(error) else "level"
        raise ValidationError({field: f"{str(error)[:1].upper()}{str(error)[1:]}."}) from None
    _check_cell(tracker, student, standard)
    with transaction.atomic():
        locked = rollup_cells.lock_cells({(student.pk, standard.pk)}, tracker_id=tracker.pk)
        now = timezone.now()
        replaced = Override.objects.filter(
            tracker=tracker, student=student, standard=standard, cleared_at__isnull=True
        ).update(cleared_at=now, cleared_by=actor, clear_reason="Replaced by a new override.")
        row = Override.objects.create(
            tracker=tracker,
            student=student,
            standard=standard,
            level=chosen.level.abbreviation,
            reason=reason.strip(),
            set_by=actor,
            set_at=now,
        )
        audit.record(
            actor=actor,
            action="override.set",
            target=row,
            summary=f"{student} on {standard} set to {row.level} in {tracker.name}: {row.reason}",
            details={
                "tracker": tracker.pk,
                "student": student.pk,
                "standard": standard.pk,
                "level": row.level,
                "reason": row.reason,
                "replaced": replaced,
            },
        )
        rollup_cells.refresh(locked)
    return row


def override_clear(
    *,
    actor: User | None,
    tracker: Tracker,
    student: User,
    standard: Standard,
    reason: str = "",
) -> Override:
    """Remove the active override: the computed level shows again. Returns the cleared row."""
    check_manage(actor, tracker)
    check_not_archived(tracker)
    with transaction.atomic():
        locked = rollup_cells.lock_cells({(student.pk, standard.pk)}, tracker_id=tracker.pk)
        row = (
            Override.objects.select_for_update()
            .filter(tracker=tracker, student=student, standard=standard, cleared_at__isnull=True)
            .first()
        )
        if row is None:
            raise ValidationError(
                f"{student} has no override on {standard} in {tracker.name!r}: nothing to clear."
            )
        row.cleared_at = timezone.now()
        row.cleared_by = actor
        row.clear_reason = reason.strip()
        row.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])
        audit.record(
            actor=actor,
            action="override.cleared",
            target=row,
            summary=f"Override of {student} on {standard} in {tracker.name} cleared",
            details={"tracker": tracker.pk, "level": row.level, "reason": row.clear_reason},
        )
        rollup_cells.refresh(locked)
    return row
