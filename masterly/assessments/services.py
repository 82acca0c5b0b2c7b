"""Writes of assessments, attempts and evidence.

**Evidence: call through** :mod:`masterly.trackers.services` (``evidence_record``,
``evidence_edit``, ``evidence_delete``, ``evidence_restore``). Those call the low-level
writers here *and* update the stored rollups of every tracker the evidence counts in, in the
same transaction. Calling :func:`evidence_create` or :func:`evidence_change` directly leaves the
rollups stale until the next bulk recompute (``masterly rollups verify`` would report it).

Every writer validates first and raises :class:`~django.core.exceptions.ValidationError` whose
messages name the field and say what to do, before anything is written; each write records its
history row and an audit row in the same transaction.
"""

from __future__ import annotations

import datetime
import decimal
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.models import (
    POINTS_DIGITS,
    POINTS_PLACES,
    Accommodations,
    Assessment,
    AssessmentStandard,
    Attempt,
    Evidence,
    EvidenceRevision,
    Source,
    Tool,
)
from masterly.core import audit
from masterly.standards.models import Standard

MAX_POINTS = Decimal(10 ** (POINTS_DIGITS - POINTS_PLACES)) - Decimal(1).scaleb(-POINTS_PLACES)
"""The most points a score may have (99999.99)."""

_LABELS = {
    "points_earned": "Points earned",
    "points_possible": "Points possible",
    "assessed_on": "The assessed date",
}


# ------------------------------------------------------------------ validation


def clean_points(value: object, field: str) -> Decimal:
    """``value`` as points: a number ≥ 0 with at most two decimals, else a ValidationError."""
    label = _LABELS[field]
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise ValidationError(
            {field: f"{label} must be a number such as 3 or 2.5 (got {value!r})."}
        )
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except decimal.InvalidOperation:
        raise ValidationError(
            {field: f"{label} must be a number such as 3 or 2.5 (got {value!r})."}
        ) from None
    if not number.is_finite():
        raise ValidationError({field: f"{label} must be a finite number (got {value!r})."})
    if number < 0:
        raise ValidationError({field: f"{label} cannot be negative (got {number})."})
    if number != number.quantize(Decimal(1).scaleb(-POINTS_PLACES), rounding=decimal.ROUND_DOWN):
        raise ValidationError(
            {field: f"{label} can have at most {POINTS_PLACES} decimal places (got {number})."}
        )
    if number > MAX_POINTS:
        raise ValidationError({field: f"{label} can be at most {MAX_POINTS} (got {number})."})
    return number.quantize(Decimal(1).scaleb(-POINTS_PLACES))


def clean_score(points_earned: object, points_possible: object) -> tuple[Decimal, Decimal]:
    """Points earned and possible, checked together (earned ≤ possible, possible > 0)."""
    errors: dict[str, str] = {}
    earned = possible = None
    try:
        earned = clean_points(points_earned, "points_earned")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    try:
        possible = clean_points(points_possible, "points_possible")
    except ValidationError as error:
        errors.update({k: v[0] for k, v in error.message_dict.items()})
    if possible is not None and possible <= 0:
        errors["points_possible"] = f"Points possible must be more than 0 (got {possible})."
    if errors or earned is None or possible is None:
        raise ValidationError(errors)
    if earned > possible:
        raise ValidationError(
            {
                "points_earned": (
                    f"Points earned ({earned}) cannot be more than points possible ({possible})."
                )
            }
        )
    return earned, possible


def clean_assessed_on(value: object, *, today: datetime.date | None = None) -> datetime.date:
    """A date (or ``YYYY-MM-DD``) that is not in the future."""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError(
                {"assessed_on": f"The assessed date must look like 2026-09-14 (got {value!r})."}
            ) from None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ValidationError(
            {"assessed_on": f"The assessed date must be a date such as 2026-09-14 (got {value!r})."}
        )
    today = today or timezone.localdate()
    if value > today:
        raise ValidationError(
            {
                "assessed_on": (
                    f"The assessed date {value.isoformat()} is in the future; use today's date "
                    f"({today.isoformat()}) or an earlier one."
                )
            }
        )
    return value


def clean_reason(reason: object) -> str:
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError(
            {"reason": "Give a reason for the change: it is kept in the score's history."}
        )
    return reason.strip()


def _clean_source(source: object) -> str:
    if source not in Source.values:
        raise ValidationError(
            {"source": f"Source must be one of {', '.join(Source.values)} (got {source!r})."}
        )
    return str(source)


def _as_text(value: object) -> str | None:
    return None if value is None else str(value)


# ------------------------------------------------------------------ assessments and attempts


def assessment_create(
    *,
    actor: User | None,
    title: str,
    kind: str = Assessment.Kind.QUICK_CHECK,
    standards: Iterable[tuple[Standard, Decimal | int | str]] = (),
    assessed_on: datetime.date | None = None,
) -> Assessment:
    """An assessment aligned to ``standards`` (each with the points it is scored out of)."""
    if not title or not title.strip():
        raise ValidationError({"title": "Give the assessment a title."})
    if kind not in Assessment.Kind.values:
        raise ValidationError(
            {"kind": f"Kind must be one of {', '.join(Assessment.Kind.values)} (got {kind!r})."}
        )
    alignments: list[tuple[Standard, Decimal]] = []
    for standard, possible in standards:
        points = clean_points(possible, "points_possible")
        if points <= 0:
            raise ValidationError(
                {"points_possible": f"Points possible for {standard} must be more than 0."}
            )
        alignments.append((standard, points))
    if len({standard.pk for standard, _ in alignments}) != len(alignments):
        raise ValidationError({"standards": "Each standard may be listed only once."})
    on = clean_assessed_on(assessed_on) if assessed_on is not None else timezone.localdate()
    with transaction.atomic():
        assessment = Assessment.objects.create(
            title=title.strip(), kind=kind, created_by=actor, assessed_on=on
        )
        AssessmentStandard.objects.bulk_create(
            AssessmentStandard(assessment=assessment, standard=standard, points_possible=points)
            for standard, points in alignments
        )
        audit.record(
            actor=actor,
            action="assessment.created",
            target=assessment,
            summary=f"Assessment {assessment.title!r} created",
            details={"standards": [s.pk for s, _ in alignments], "kind": kind},
        )
    return assessment


def attempt_start(*, actor: User | None, assessment: Assessment, student: User) -> Attempt:
    """The student's next attempt at ``assessment`` (1 for the first, then 2, 3…)."""
    with transaction.atomic():
        last = (
            Attempt.objects.select_for_update()
            .filter(assessment=assessment, student=student)
            .order_by("-number")
            .values_list("number", flat=True)
            .first()
        )
        attempt = Attempt.objects.create(
            assessment=assessment,
            student=student,
            number=(last or 0) + 1,
            started_at=timezone.now(),
        )
        audit.record(
            actor=actor,
            action="attempt.started",
            target=attempt,
            summary=f"Attempt {attempt.number} of {assessment.title!r} for {student}",
        )
    return attempt


# ------------------------------------------------------------------ evidence (low level)


def evidence_create(
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
    """Low level: a new piece of evidence with its first revision and an audit row.

    **Call** :func:`masterly.trackers.services.evidence_record` **instead**: it calls this
    and keeps the rollups current in the same transaction.
    """
    earned, possible = clean_score(points_earned, points_possible)
    on = clean_assessed_on(assessed_on)
    source = _clean_source(source)
    if attempt is not None:
        if assessment is None:
            assessment = attempt.assessment
        if attempt.assessment_id != assessment.pk:
            raise ValidationError(
                {"attempt": "That attempt belongs to another assessment; choose its own attempt."}
            )
        if attempt.student_id != student.pk:
            raise ValidationError(
                {"attempt": "That attempt belongs to another student; choose this student's."}
            )
    if assessment is not None:
        aligned = list(
            AssessmentStandard.objects.filter(assessment=assessment).values_list(
                "standard_id", flat=True
            )
        )
        if aligned and standard.pk not in aligned:
            raise ValidationError(
                {
                    "standard": (
                        f"{standard} is not one of the standards {assessment.title!r} is "
                        "aligned to; align it first or choose an aligned standard."
                    )
                }
            )
    with transaction.atomic(savepoint=False):
        now = timezone.now()
        evidence = Evidence.objects.create(
            student=student,
            standard=standard,
            assessment=assessment,
            attempt=attempt,
            points_earned=earned,
            points_possible=possible,
            assessed_on=on,
            source=source,
            entered_by=actor,
            entered_at=now,
            version=1,
        )
        EvidenceRevision.objects.create(
            evidence=evidence,
            version=1,
            kind=EvidenceRevision.Kind.CREATED,
            points_earned=earned,
            points_possible=possible,
            assessed_on=on,
            is_deleted=False,
            changed_by=actor,
            changed_at=now,
        )
        audit.record(
            actor=actor,
            action="evidence.created",
            target=evidence,
            summary=f"Score {earned}/{possible} on {standard} for {student} ({on})",
            details={
                "student": student.pk,
                "standard": standard.pk,
                "points_earned": str(earned),
                "points_possible": str(possible),
                "assessed_on": on.isoformat(),
                "source": source,
            },
        )
    return evidence


def evidence_change(
    *,
    actor: User | None,
    evidence: Evidence,
    kind: str,
    reason: object,
    points_earned: object = None,
    points_possible: object = None,
    assessed_on: object = None,
    expected_version: int | None = None,
) -> tuple[Evidence, EvidenceRevision | None]:
    """Low level: edit, delete or restore ``evidence`` with a new revision and an audit row.

    ``kind`` is ``edited`` (the values given change; ``None`` keeps a value), ``deleted`` or
    ``restored``. Returns the evidence as it now is and the new revision, or ``None`` when an
    edit changes nothing (nothing is written). ``expected_version`` (the version the person
    saw) refuses the change if someone else changed the evidence since.

    **Call** ``evidence_edit`` / ``evidence_delete`` / ``evidence_restore`` in
    :mod:`masterly.trackers.services` **instead**: they keep the rollups current.
    """
    why = clean_reason(reason)
    if kind not in {
        EvidenceRevision.Kind.EDITED,
        EvidenceRevision.Kind.DELETED,
        EvidenceRevision.Kind.RESTORED,
    }:
        raise ValueError(f"kind must be edited, deleted or restored (got {kind!r})")
    with transaction.atomic(savepoint=False):
        current = Evidence.objects.select_for_update().get(pk=evidence.pk)
        if expected_version is not None and current.version != expected_version:
            raise ValidationError(
                f"This score was changed by someone else since you opened it (it is now "
                f"version {current.version}, you had version {expected_version}); reload the "
                "page to see the change, then try again.",
                code="stale",
            )
        before = (
            current.points_earned,
            current.points_possible,
            current.assessed_on,
            current.is_deleted,
        )
        earned, possible, on, deleted = before
        if kind == EvidenceRevision.Kind.EDITED:
            if current.is_deleted:
                raise ValidationError(
                    "This score was deleted; restore it before editing it.", code="deleted"
                )
            earned, possible = clean_score(
                current.points_earned if points_earned is None else points_earned,
                current.points_possible if points_possible is None else points_possible,
            )
            if assessed_on is not None:
                on = clean_assessed_on(assessed_on)
        elif kind == EvidenceRevision.Kind.DELETED:
            if current.is_deleted:
                raise ValidationError("This score is already deleted.", code="deleted")
            deleted = True
        else:
            if not current.is_deleted:
                raise ValidationError("This score is not deleted, so there is nothing to restore.")
            deleted = False
        after = (earned, possible, on, deleted)
        if after == before:
            return current, None
        now = timezone.now()
        current.points_earned, current.points_possible, current.assessed_on = earned, possible, on
        current.is_deleted = deleted
        current.version += 1
        current.save(
            update_fields=[
                "points_earned",
                "points_possible",
                "assessed_on",
                "is_deleted",
                "version",
            ]
        )
        revision = EvidenceRevision.objects.create(
            evidence=current,
            version=current.version,
            kind=kind,
            points_earned=earned,
            points_possible=possible,
            assessed_on=on,
            is_deleted=deleted,
            old_points_earned=before[0],
            old_points_possible=before[1],
            old_assessed_on=before[2],
            old_is_deleted=before[3],
            reason=why,
            changed_by=actor,
            changed_at=now,
        )
        changes: dict[str, Any] = {
            name: {"old": _as_text(old), "new": _as_text(new)}
            for name, old, new in zip(
                ("points_earned", "points_possible", "assessed_on"),
                before[:3],
                after[:3],
                strict=True,
            )
            if old != new
        }
        audit.record(
            actor=actor,
            action=f"evidence.{kind}",
            target=current,
            summary=f"Score {kind} on {current.standard_id} for {current.student_id}: {why}",
            details={"version": current.version, "reason": why, "changes": changes},
        )
    return current, revision


# ------------------------------------------------------------------ accommodations


def accommodations_set(
    *,
    actor: User | None,
    school_year: int,
    tools: Mapping[int, Iterable[str]],
) -> list[int]:
    """Turn on exactly the given tools (``Tool`` values) for each student (by id) for the
    school year; returns the ids of the students whose tools changed. A fixed number of
    queries for a class of any size, with one audit row for the change."""
    wanted = {student: sorted(set(chosen)) for student, chosen in tools.items()}
    unknown = sorted({tool for chosen in wanted.values() for tool in chosen} - set(Tool.values))
    if unknown:
        raise ValidationError(
            {"tools": f"Unknown tool {unknown[0]!r}; choose from {', '.join(Tool.values)}."}
        )
    with transaction.atomic():
        rows = {
            row.student_id: row
            for row in Accommodations.objects.select_for_update().filter(
                student__in=list(wanted), school_year=school_year
            )
        }
        now = timezone.now()
        changed = [
            student
            for student, chosen in wanted.items()
            if (rows[student].tools if student in rows else []) != chosen
        ]
        if not changed:
            return []
        updated = [rows[student] for student in changed if student in rows]
        for row in updated:
            row.tools, row.updated_by, row.updated_at = wanted[row.student_id], actor, now
        Accommodations.objects.bulk_update(updated, ["tools", "updated_by", "updated_at"])
        Accommodations.objects.bulk_create(
            Accommodations(
                student_id=student,
                school_year=school_year,
                tools=wanted[student],
                updated_by=actor,
                updated_at=now,
            )
            for student in changed
            if student not in rows
        )
        audit.record(
            actor=actor,
            action="accommodations.changed",
            summary=f"Tools and accommodations of {len(changed)} students for {school_year}",
            details={
                "school_year": school_year,
                "old": {str(s): rows[s].tools if s in rows else [] for s in changed},
                "new": {str(s): wanted[s] for s in changed},
            },
        )
    return changed
