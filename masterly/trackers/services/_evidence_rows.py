"""The rows of an evidence write: the evidence, its history (``EvidenceRevision``) and its
audit rows. Values arrive checked; nothing here touches the rollups.

Private to :mod:`masterly.trackers.services.evidence` (an import-linter contract): it alone
calls these, inside the transaction that also keeps the rollups current.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model

from masterly.accounts.models import User
from masterly.assessments.models import Evidence, EvidenceRevision
from masterly.assessments.scores import clean_assessed_on, clean_score
from masterly.core import audit
from masterly.core.bulk import insert_rows, insert_rows_returning_ids
from masterly.standards.models import Standard


@dataclass(frozen=True, slots=True)
class CheckedEvidence:
    """A new score whose values were checked."""

    student: User
    standard: Standard
    points_earned: Decimal
    points_possible: Decimal
    assessed_on: datetime.date
    source: str
    assessment_id: int | None
    attempt_id: int | None


def insert(
    *, actor: User | None, rows: Sequence[CheckedEvidence], now: datetime.datetime
) -> list[int]:
    """New evidence, each with its first revision and an audit row; returns the new ids.

    A fixed number of statements per chunk of rows: the evidence ``INSERT`` is split at the
    database's limit on parameters (:func:`~masterly.core.bulk.rows_per_insert`).
    """
    entered_by = _pk(actor)
    ids = insert_rows_returning_ids(
        Evidence,
        [
            {
                "student": row.student.pk,
                "standard": row.standard.pk,
                "assessment": row.assessment_id,
                "attempt": row.attempt_id,
                "points_earned": row.points_earned,
                "points_possible": row.points_possible,
                "assessed_on": row.assessed_on,
                "source": row.source,
                "entered_by": entered_by,
                "entered_at": now,
                "is_deleted": False,
                "version": 1,
            }
            for row in rows
        ],
    )
    insert_rows(
        EvidenceRevision,
        [
            {
                "evidence": evidence_id,
                "version": 1,
                "kind": EvidenceRevision.Kind.CREATED.value,
                "points_earned": row.points_earned,
                "points_possible": row.points_possible,
                "assessed_on": row.assessed_on,
                "is_deleted": False,
                "reason": "",
                "changed_by": entered_by,
                "changed_at": now,
            }
            for evidence_id, row in zip(ids, rows, strict=True)
        ],
    )
    audit.record_many(
        actor=actor,
        action="evidence.created",
        model=Evidence,
        events=(
            (
                evidence_id,
                f"Score {row.points_earned}/{row.points_possible} on {row.standard} "
                f"for {row.student} ({row.assessed_on})",
                {
                    "student": row.student.pk,
                    "standard": row.standard.pk,
                    "points_earned": str(row.points_earned),
                    "points_possible": str(row.points_possible),
                    "assessed_on": row.assessed_on.isoformat(),
                    "source": row.source,
                },
            )
            for evidence_id, row in zip(ids, rows, strict=True)
        ),
    )
    return ids


def change(
    *,
    actor: User | None,
    evidence: Evidence,
    kind: str,
    why: str,
    expected_version: int | None,
    points_earned: object = None,
    points_possible: object = None,
    assessed_on: object = None,
) -> tuple[Evidence, EvidenceRevision | None]:
    """Edit, delete or restore ``evidence`` with a new revision and an audit row.

    For an edit, the points and date given (``None`` keeps one) are checked against the row
    as locked here. Returns the evidence as it now is and the new revision, or ``None`` when
    an edit changes nothing (nothing is written).
    """
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
    current.points_earned, current.points_possible, current.assessed_on = earned, possible, on
    current.is_deleted = deleted
    current.version += 1
    current.save(
        update_fields=["points_earned", "points_possible", "assessed_on", "is_deleted", "version"]
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
    )
    changes: dict[str, Any] = {
        name: {"old": _as_text(old), "new": _as_text(new)}
        for name, old, new in zip(
            ("points_earned", "points_possible", "assessed_on"), before[:3], after[:3], strict=True
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


def _pk(model: Model | None) -> Any:
    return getattr(model, "pk", None)


def _as_text(value: object) -> str | None:
    return None if value is None else str(value)
