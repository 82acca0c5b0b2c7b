"""Every write that changes mastery: evidence, overrides, tracker settings.

Each function is one transaction holding the change, its history row, an audit row and the
incremental update of the stored rollups it affects (no signals: it is all here, explicitly).
Bad input raises :class:`~django.core.exceptions.ValidationError` naming the field, with
nothing written. Views, imports, the API and commands all call these.

Who may call them is the caller's decision for evidence (a teacher scoring their students, a
student's own online attempt, an import); the tracker functions check that the actor may
manage the tracker (:func:`masterly.trackers.selectors.can_manage_tracker`) and raise
:class:`~django.core.exceptions.PermissionDenied` otherwise. ``actor=None`` is the system.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments import services as evidence_writes
from masterly.assessments.models import Assessment, Attempt, Evidence, EvidenceRevision
from masterly.core import audit
from masterly.mastery import (
    MasteryError,
    MasteryPolicy,
    OverrideError,
    calculate,
    override,
)
from masterly.roster.models import Section
from masterly.standards.models import CurriculumMap, Standard, UnitStandard
from masterly.trackers import rollups
from masterly.trackers.models import (
    Override,
    RecomputeRun,
    Tracker,
    TrackerSection,
    TrackerStandard,
)
from masterly.trackers.scales import scale_from_data
from masterly.trackers.selectors import can_manage_tracker


class Keep(enum.Enum):
    """Leave this setting as it is (``None`` is a meaningful value for the scale)."""

    KEEP = "keep"


KEEP = Keep.KEEP


# ------------------------------------------------------------------ evidence


def evidence_record(
    *,
    actor: User | None,
    student: User,
    standard: Standard,
    points_earned: object,
    points_possible: object,
    assessed_on: object,
    source: str,
    assessment: Assessment | None = None,
    attempt: Attempt | None = None,
) -> Evidence:
    """Record a score and update the student's mastery on the standard in every tracker.

    Points are numbers ≥ 0 with at most two decimals (earned ≤ possible, possible > 0);
    ``assessed_on`` a date not in the future; ``source`` one of ``Source``'s values.
    """
    with transaction.atomic():
        trackers = rollups.lock_cell_trackers(student.pk, standard.pk)
        evidence = evidence_writes.evidence_create(
            actor=actor,
            student=student,
            standard=standard,
            points_earned=points_earned,
            points_possible=points_possible,
            assessed_on=assessed_on,
            source=source,
            assessment=assessment,
            attempt=attempt,
        )
        rollups.refresh_cell(student.pk, standard.pk, trackers)
    return evidence


def _change(
    *,
    actor: User | None,
    evidence: Evidence,
    kind: str,
    reason: object,
    expected_version: int | None,
    **values: object,
) -> Evidence:
    with transaction.atomic():
        trackers = rollups.lock_cell_trackers(evidence.student_id, evidence.standard_id)
        changed, revision = evidence_writes.evidence_change(
            actor=actor,
            evidence=evidence,
            kind=kind,
            reason=reason,
            expected_version=expected_version,
            **values,
        )
        if revision is not None:
            rollups.refresh_cell(changed.student_id, changed.standard_id, trackers)
    return changed


def evidence_edit(
    *,
    actor: User | None,
    evidence: Evidence,
    reason: str,
    points_earned: object = None,
    points_possible: object = None,
    assessed_on: object = None,
    expected_version: int | None = None,
) -> Evidence:
    """Correct a score (the values given; ``None`` keeps one), keeping the old one in history.

    ``expected_version``: the version the person edited (``Evidence.version``); if someone
    changed the score since, nothing is written and the error says to reload.
    """
    return _change(
        actor=actor,
        evidence=evidence,
        kind=EvidenceRevision.Kind.EDITED,
        reason=reason,
        expected_version=expected_version,
        points_earned=points_earned,
        points_possible=points_possible,
        assessed_on=assessed_on,
    )


def evidence_delete(
    *, actor: User | None, evidence: Evidence, reason: str, expected_version: int | None = None
) -> Evidence:
    """Mark a score deleted (it stops counting; it and its history stay)."""
    return _change(
        actor=actor,
        evidence=evidence,
        kind=EvidenceRevision.Kind.DELETED,
        reason=reason,
        expected_version=expected_version,
    )


def evidence_restore(
    *, actor: User | None, evidence: Evidence, reason: str, expected_version: int | None = None
) -> Evidence:
    """Undo a deletion: the score counts again."""
    return _change(
        actor=actor,
        evidence=evidence,
        kind=EvidenceRevision.Kind.RESTORED,
        reason=reason,
        expected_version=expected_version,
    )


# ------------------------------------------------------------------ overrides


def _check_manage(actor: User | None, tracker: Tracker) -> None:
    if not can_manage_tracker(actor, tracker):
        raise PermissionDenied("Only the tracker's owner can change it.")


def _check_not_archived(tracker: Tracker) -> None:
    if tracker.is_archived:
        raise ValidationError(
            f"The tracker {tracker.name!r} is archived and read-only; unarchive it first."
        )


def _check_cell(tracker: Tracker, student: User, standard: Standard) -> None:
    errors: dict[str, str] = {}
    if not tracker.tracker_standards.filter(standard=standard).exists():
        errors["standard"] = (
            f"{standard} is not in the tracker {tracker.name!r}; add it to the tracker first."
        )
    if not rollups.tracker_students(tracker.pk).filter(user=student.pk).exists():
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
    _check_manage(actor, tracker)
    _check_not_archived(tracker)
    policy = tracker.policy()
    try:
        chosen = override(calculate([], policy), level, reason)
    except OverrideError as error:
        field = "reason" if "reason" in str(error) else "level"
        raise ValidationError({field: f"{str(error)[:1].upper()}{str(error)[1:]}."}) from None
    _check_cell(tracker, student, standard)
    with transaction.atomic():
        locked = rollups.lock_tracker(tracker.pk)
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
        rollups.refresh_cell(student.pk, standard.pk, [locked])
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
    _check_manage(actor, tracker)
    _check_not_archived(tracker)
    with transaction.atomic():
        locked = rollups.lock_tracker(tracker.pk)
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
        rollups.refresh_cell(student.pk, standard.pk, [locked])
    return row


# ------------------------------------------------------------------ trackers


def _message(error: Exception) -> str:
    text = str(error)
    return f"{text[:1].upper()}{text[1:]}."


def _places(value: object) -> int:
    exponent = Decimal(str(value)).as_tuple().exponent
    return -exponent if isinstance(exponent, int) else 0


def _clean_settings(
    *,
    method: object,
    decay: object,
    weight: object,
    n_mastery: object,
    scale: object,
) -> MasteryPolicy:
    """The policy these settings make, or a ValidationError naming each bad field."""
    errors: dict[str, str] = {}
    parameters: dict[str, Any] = {}
    for field, parameter, value in (
        ("method", "method", method),
        ("decay", "decay", decay),
        ("weight", "weight", weight),
        ("n_mastery", "n", n_mastery),
    ):
        single: dict[str, Any] = {parameter: value}
        try:
            MasteryPolicy(**single)
        except MasteryError as error:
            errors[field] = _message(error)
            continue
        if field in {"decay", "weight"} and _places(value) > 2:
            errors[field] = f"{field.capitalize()} can have at most 2 decimal places (got {value})."
            continue
        parameters[parameter] = value
    try:
        parameters["scale"] = scale_from_data(scale)
    except MasteryError as error:
        errors["scale"] = _message(error)
    if errors:
        raise ValidationError(errors)
    return MasteryPolicy(**parameters)


def _enqueue(run: RecomputeRun) -> None:
    """Queue the run's task once the transaction commits (the worker must see the data)."""
    from masterly.trackers.tasks import recompute_tracker_rollups

    def send() -> None:
        result = recompute_tracker_rollups.enqueue(run.pk)
        RecomputeRun.objects.filter(pk=run.pk).update(task_id=str(result.id)[:64])

    transaction.on_commit(send)


def _queue_recompute(*, actor: User | None, tracker: Tracker, reason: str) -> RecomputeRun:
    run = RecomputeRun.objects.create(
        tracker=tracker,
        reason=reason[:200],
        requested_by=actor,
        settings_version=tracker.settings_version,
    )
    _enqueue(run)
    return run


def tracker_create(
    *,
    actor: User | None,
    name: str,
    owner: User,
    sections: Sequence[Section],
    standards: Sequence[Standard] | None = None,
    curriculum_map: CurriculumMap | None = None,
    method: str = Tracker.Method.DECAYING_AVERAGE,
    decay: object = Decimal("0.65"),
    weight: object = Decimal("0.65"),
    n_mastery: object = 3,
    scale: list[dict[str, Any]] | None = None,
    is_linked_to_canvas: bool = False,
) -> Tracker:
    """A tracker for ``sections`` on ``standards`` (or, if none given, the curriculum map's).

    Its rollups for evidence that already exists are computed by a queued recompute.
    """
    errors: dict[str, str] = {}
    if not name or not name.strip():
        errors["name"] = "Give the tracker a name."
    if not sections:
        errors["sections"] = "Choose at least one section."
    if errors:
        raise ValidationError(errors)
    _clean_settings(method=method, decay=decay, weight=weight, n_mastery=n_mastery, scale=scale)
    placements: list[TrackerStandard] = []
    if standards is not None:
        placements = [
            TrackerStandard(standard=standard, position=position)
            for position, standard in enumerate(standards)
        ]
    elif curriculum_map is not None:
        placements = [
            TrackerStandard(
                standard_id=placed.standard_id,
                unit_id=placed.unit_id,
                unit_title=placed.unit.title,
                is_power=placed.is_power,
                position=position,
            )
            for position, placed in enumerate(
                UnitStandard.objects.filter(unit__curriculum_map=curriculum_map)
                .select_related("unit")
                .order_by("unit__position", "unit_id", "position", "id")
            )
        ]
    if len({p.standard_id for p in placements}) != len(placements):
        raise ValidationError({"standards": "Each standard may be in a tracker only once."})
    with transaction.atomic():
        tracker = Tracker.objects.create(
            name=name.strip(),
            owner=owner,
            curriculum_map=curriculum_map,
            method=method,
            decay=Decimal(str(decay)),
            weight=Decimal(str(weight)),
            n_mastery=int(str(n_mastery)),
            scale=scale,
            is_linked_to_canvas=is_linked_to_canvas,
        )
        TrackerSection.objects.bulk_create(
            TrackerSection(tracker=tracker, section=section) for section in sections
        )
        for placement in placements:
            placement.tracker = tracker
        TrackerStandard.objects.bulk_create(placements)
        audit.record(
            actor=actor,
            action="tracker.created",
            target=tracker,
            summary=f"Tracker {tracker.name!r} created",
            details={
                "sections": [section.pk for section in sections],
                "standards": [p.standard_id for p in placements],
            },
        )
        _queue_recompute(actor=actor, tracker=tracker, reason="Tracker created")
    return tracker


def tracker_settings_change(
    *,
    actor: User | None,
    tracker: Tracker,
    method: str | None = None,
    decay: object = None,
    weight: object = None,
    n_mastery: object = None,
    scale: list[dict[str, Any]] | Keep | None = KEEP,
) -> RecomputeRun | None:
    """Change how mastery is calculated; the tracker's rollups are recomputed in the background.

    ``None`` (``KEEP`` for ``scale``, where ``None`` means the district default) leaves a
    setting as it is. Returns the queued :class:`RecomputeRun` (its progress is what the
    teacher sees), or ``None`` when nothing changed. Overrides to a level the new scale no
    longer has are cleared (kept in their history with the reason).
    """
    _check_manage(actor, tracker)
    _check_not_archived(tracker)
    wanted: dict[str, Any] = {
        "method": tracker.method if method is None else method,
        "decay": tracker.decay if decay is None else decay,
        "weight": tracker.weight if weight is None else weight,
        "n_mastery": tracker.n_mastery if n_mastery is None else n_mastery,
        "scale": tracker.scale if scale is KEEP else scale,
    }
    policy = _clean_settings(**wanted)
    wanted["decay"] = Decimal(str(wanted["decay"]))
    wanted["weight"] = Decimal(str(wanted["weight"]))
    wanted["n_mastery"] = int(str(wanted["n_mastery"]))
    with transaction.atomic():
        locked = Tracker.objects.select_for_update().get(pk=tracker.pk)
        old = {field: getattr(locked, field) for field in wanted}
        changed = [field for field in wanted if old[field] != wanted[field]]
        if not changed:
            return None
        for field in changed:
            setattr(locked, field, wanted[field])
        locked.settings_version = F("settings_version") + 1
        locked.save(update_fields=[*changed, "settings_version", "updated_at"])
        locked.refresh_from_db(fields=["settings_version"])
        kept = {level.abbreviation for level in policy.scale.levels}
        cleared = Override.objects.filter(tracker=locked, cleared_at__isnull=True).exclude(
            level__in=kept
        )
        cleared_count = cleared.update(
            cleared_at=timezone.now(),
            cleared_by=actor,
            clear_reason="The tracker's scale changed and no longer has this level.",
        )
        audit.record(
            actor=actor,
            action="tracker.settings_changed",
            target=locked,
            summary=f"Calculation settings of {locked.name!r} changed: {', '.join(changed)}",
            details={
                "old": {field: _jsonable(old[field]) for field in changed},
                "new": {field: _jsonable(wanted[field]) for field in changed},
                "settings_version": locked.settings_version,
                "overrides_cleared": cleared_count,
            },
        )
        run = _queue_recompute(
            actor=actor, tracker=locked, reason=f"Settings changed: {', '.join(changed)}"
        )
    for field in changed:
        setattr(tracker, field, wanted[field])
    tracker.settings_version = locked.settings_version
    return run


def tracker_recompute(*, actor: User | None, tracker: Tracker, reason: str) -> RecomputeRun:
    """Queue a bulk recompute (after its sections, students or standards changed)."""
    _check_manage(actor, tracker)
    with transaction.atomic():
        run = _queue_recompute(actor=actor, tracker=tracker, reason=reason)
        audit.record(
            actor=actor,
            action="tracker.recompute_queued",
            target=tracker,
            summary=f"Recompute of {tracker.name!r} queued: {reason}",
        )
    return run


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal | datetime.date):
        return str(value)
    return value
