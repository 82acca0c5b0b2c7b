"""Evidence: the one way any writer records, corrects, deletes or restores a score (ADR 11).

Record one (:func:`evidence_record`), record many (:func:`evidence_record_many`: a whole
attempt, a batch of an import, the demo), edit, delete, restore. Each is one transaction
holding the evidence, its history (``EvidenceRevision``), its audit rows and the update of
the stored rollups of every tracker the evidence counts in (:mod:`masterly.trackers.rollup_cells`),
so the walk is always down: caller → here → the rows (``_evidence_rows``) and the cells.

Bad input raises :class:`~django.core.exceptions.ValidationError` naming the field (and, for
many, the row), with nothing written. Who may write is the caller's decision (a teacher
scoring their students, a student's own online attempt, an import); ``actor=None`` is the
system.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.models import (
    Assessment,
    AssessmentStandard,
    Attempt,
    Evidence,
    EvidenceRevision,
    Source,
)
from masterly.assessments.scores import clean_assessed_on, clean_reason, clean_score
from masterly.standards.models import Standard
from masterly.trackers import rollup_cells
from masterly.trackers.services import _evidence_rows
from masterly.trackers.services._evidence_rows import CheckedEvidence

BATCH_ROWS = 2_000
"""How many scores a large writer (an import, the demo) passes to one
:func:`evidence_record_many` call, so that no transaction holds the write lock for long."""


@dataclass(frozen=True, slots=True)
class NewEvidence:
    """One score to record: what :func:`evidence_record` takes.

    Points are numbers ≥ 0 with at most two decimals (earned ≤ possible, possible > 0);
    ``assessed_on`` a date not in the future; ``source`` one of ``Source``'s values; an
    ``attempt`` belongs to the student and to the ``assessment`` (its own when none given).
    """

    student: User
    standard: Standard
    points_earned: object
    points_possible: object
    assessed_on: object
    source: str = Source.MANUAL
    assessment: Assessment | None = None
    attempt: Attempt | None = None


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
    """Record a score and update the student's mastery on the standard in every tracker."""
    row = NewEvidence(
        student, standard, points_earned, points_possible, assessed_on, source, assessment, attempt
    )
    (checked,) = _check([row], name_rows=False)
    ((evidence_id,), now) = _record(actor=actor, checked=[checked])
    evidence = Evidence(
        pk=evidence_id,
        student=student,
        standard=standard,
        assessment_id=checked.assessment_id,
        attempt_id=checked.attempt_id,
        points_earned=checked.points_earned,
        points_possible=checked.points_possible,
        assessed_on=checked.assessed_on,
        source=checked.source,
        entered_by=actor if getattr(actor, "pk", None) else None,
        entered_at=now,
        is_deleted=False,
        version=1,
    )
    evidence._state.adding, evidence._state.db = False, DEFAULT_DB_ALIAS  # as if read back
    return evidence


def evidence_record_many(*, actor: User | None, rows: Sequence[NewEvidence]) -> list[int]:
    """Record many scores at once (set-based): returns the new evidence ids, in order.

    The same as recording each (the same rows, history, audit and rollups) in a fixed number
    of queries per chunk of rows: only the evidence ``INSERT`` is split, at the database's
    limit on parameters (:func:`~masterly.core.bulk.rows_per_insert`: a whole batch of
    :data:`BATCH_ROWS` on SQLite, some 800 rows on PostgreSQL). Every row is checked first;
    errors name the row (``Row 3: …``, counted from 1) under the field, and nothing is
    written. A large writer calls this in batches of about :data:`BATCH_ROWS`, each its own
    transaction.
    """
    if not rows:
        return []
    ids, _ = _record(actor=actor, checked=_check(rows, name_rows=True))
    return ids


def _record(
    *, actor: User | None, checked: Sequence[CheckedEvidence]
) -> tuple[list[int], datetime.datetime]:
    with transaction.atomic():
        locked = rollup_cells.lock_cells({(row.student.pk, row.standard.pk) for row in checked})
        now = timezone.now()
        ids = _evidence_rows.insert(actor=actor, rows=checked, now=now)
        rollup_cells.refresh(locked)
    return ids, now


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


def evidence_for_entry(
    *, student: User, standard: Standard, assessment: Assessment
) -> Evidence | None:
    """The score ``assessment`` gave ``student`` on ``standard`` (its first attempt's, as
    quick score entry saves it), locked with the trackers holding the cell until the
    transaction ends, so that the caller can compare versions before it writes."""
    rollup_cells.lock_cells({(student.pk, standard.pk)})
    return (
        Evidence.objects.select_for_update()
        .filter(student=student, standard=standard, assessment=assessment, attempt=None)
        .order_by("-id")
        .first()
    )


def _change(
    *,
    actor: User | None,
    evidence: Evidence,
    kind: str,
    reason: object,
    expected_version: int | None,
    **values: object,
) -> Evidence:
    why = clean_reason(reason)
    with transaction.atomic():
        locked = rollup_cells.lock_cells({(evidence.student_id, evidence.standard_id)})
        changed, revision = _evidence_rows.change(
            actor=actor,
            evidence=evidence,
            kind=kind,
            why=why,
            expected_version=expected_version,
            **values,
        )
        if revision is not None:
            rollup_cells.refresh(locked)
    return changed


# ------------------------------------------------------------------ checking rows


def _check(rows: Sequence[NewEvidence], *, name_rows: bool) -> list[CheckedEvidence]:
    """Every row checked (each distinct value once: a batch's scores repeat), or one
    ValidationError holding every row's first problem."""
    points = _remembered(clean_score)
    dates = _remembered(clean_assessed_on)
    assessment_ids = {
        _assessment_id(row) for row in rows if row.assessment is not None or row.attempt
    }
    aligned: dict[int, set[int]] = {pk: set() for pk in assessment_ids if pk is not None}
    for assessment_id, standard_id in AssessmentStandard.objects.filter(
        assessment_id__in=list(aligned)
    ).values_list("assessment_id", "standard_id"):
        aligned[assessment_id].add(standard_id)
    checked: list[CheckedEvidence] = []
    errors: dict[str, list[str]] = {}
    for number, row in enumerate(rows, start=1):
        try:
            checked.append(_check_row(row, points, dates, aligned))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                prefix = f"Row {number}: " if name_rows else ""
                errors.setdefault(field, []).extend(prefix + message for message in messages)
    if errors:
        raise ValidationError(errors)
    return checked


def _check_row(
    row: NewEvidence,
    points: Callable[[object, object], tuple[Decimal, Decimal]],
    dates: Callable[[object], datetime.date],
    aligned: dict[int, set[int]],
) -> CheckedEvidence:
    earned, possible = points(row.points_earned, row.points_possible)
    on = dates(row.assessed_on)
    if row.source not in Source.values:
        raise ValidationError(
            {"source": f"Source must be one of {', '.join(Source.values)} (got {row.source!r})."}
        )
    attempt = row.attempt
    if attempt is not None:
        if row.assessment is not None and attempt.assessment_id != row.assessment.pk:
            raise ValidationError(
                {"attempt": "That attempt belongs to another assessment; choose its own attempt."}
            )
        if attempt.student_id != row.student.pk:
            raise ValidationError(
                {"attempt": "That attempt belongs to another student; choose this student's."}
            )
    assessment_id = _assessment_id(row)
    standards = aligned.get(assessment_id) if assessment_id is not None else None
    if assessment_id is not None and standards and row.standard.pk not in standards:
        title = (row.assessment or Assessment.objects.get(pk=assessment_id)).title
        raise ValidationError(
            {
                "standard": (
                    f"{row.standard} is not one of the standards {title!r} is "
                    "aligned to; align it first or choose an aligned standard."
                )
            }
        )
    return CheckedEvidence(
        student=row.student,
        standard=row.standard,
        points_earned=earned,
        points_possible=possible,
        assessed_on=on,
        source=str(row.source),
        assessment_id=assessment_id,
        attempt_id=attempt.pk if attempt is not None else None,
    )


def _assessment_id(row: NewEvidence) -> int | None:
    if row.assessment is not None:
        return row.assessment.pk
    return row.attempt.assessment_id if row.attempt is not None else None


def _remembered(check: Callable[..., Any]) -> Callable[..., Any]:
    """``check`` remembering its result per distinct arguments (by type and value, so that
    ``True`` is not taken for ``1``); errors are not remembered."""
    known: dict[tuple[object, ...], Any] = {}

    def call(*values: object) -> Any:
        try:
            key = tuple((type(value), value) for value in values)
            return known[key]
        except KeyError:
            known[key] = result = check(*values)
            return result
        except TypeError:  # an unhashable value: check it as it is
            return check(*values)

    return call
