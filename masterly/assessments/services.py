"""Writes of assessments, attempts and accommodations.

**Evidence** is written only by :mod:`masterly.trackers.services.evidence` (record one or
many, edit, delete, restore): it owns the concept because every evidence write must update
the stored rollups of the trackers, which sit above this app (ADR 11). What a valid score
is (its points, its date) is told once, in :mod:`masterly.assessments.scores`.

Every writer validates first and raises :class:`~django.core.exceptions.ValidationError` whose
messages name the field and say what to do, before anything is written; each write records its
history row and an audit row in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.models import (
    EXTENDED_TIME_DEFAULT,
    EXTENDED_TIME_FACTORS,
    Accommodations,
    Assessment,
    AssessmentStandard,
    Attempt,
    Tool,
)
from masterly.assessments.scores import clean_assessed_on, clean_points
from masterly.core import audit
from masterly.core.bulk import insert_rows_returning_ids
from masterly.standards.models import Standard

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
            summary=_attempt_summary(attempt.number, assessment, student),
        )
    return attempt


@dataclass(frozen=True, slots=True)
class TakenAttempt:
    """An attempt already taken (on paper, or before Masterly), with when it was taken."""

    assessment: Assessment
    student: User
    number: int
    taken_at: datetime.datetime


def attempts_record(*, actor: User | None, attempts: Sequence[TakenAttempt]) -> list[Attempt]:
    """Attempts already taken, written in bulk (each started and submitted when taken), each
    with its audit row; returns them in order, with their ids. Call it in a transaction."""
    numbers = [attempt.number for attempt in attempts]
    if any(number < 1 for number in numbers):
        raise ValidationError({"number": "An attempt's number is 1 or more."})
    ids = insert_rows_returning_ids(
        Attempt,
        [
            {
                "assessment": attempt.assessment.pk,
                "student": attempt.student.pk,
                "number": attempt.number,
                "started_at": attempt.taken_at,
                "submitted_at": attempt.taken_at,
            }
            for attempt in attempts
        ],
    )
    audit.record_many(
        actor=actor,
        action="attempt.started",
        model=Attempt,
        events=(
            (pk, _attempt_summary(each.number, each.assessment, each.student), None)
            for pk, each in zip(ids, attempts, strict=True)
        ),
    )
    return [
        Attempt(
            pk=pk,
            assessment=each.assessment,
            student=each.student,
            number=each.number,
            started_at=each.taken_at,
            submitted_at=each.taken_at,
        )
        for pk, each in zip(ids, attempts, strict=True)
    ]


def _attempt_summary(number: int, assessment: Assessment, student: User) -> str:
    return f"Attempt {number} of {assessment.title!r} for {student}"


# ------------------------------------------------------------------ accommodations


def accommodations_set(
    *,
    actor: User | None,
    school_year: int,
    tools: Mapping[int, Iterable[str]],
    factors: Mapping[int, Decimal] | None = None,
) -> list[int]:
    """Turn on exactly the given tools (``Tool`` values) for each student (by id) for the
    school year, with each student's extended time factor if given (else kept); returns the
    ids of the students whose accommodations changed. A fixed number of queries for a class
    of any size, with one audit row for the change."""
    wanted = {student: sorted(set(chosen)) for student, chosen in tools.items()}
    unknown = sorted({tool for chosen in wanted.values() for tool in chosen} - set(Tool.values))
    if unknown:
        raise ValidationError(
            {"tools": f"Unknown tool {unknown[0]!r}; choose from {', '.join(Tool.values)}."}
        )
    factors = dict(factors or {})
    if set(factors) - set(wanted) or set(factors.values()) - set(EXTENDED_TIME_FACTORS):
        choices = ", ".join(str(factor) for factor in EXTENDED_TIME_FACTORS)
        raise ValidationError({"factors": f"Choose an extended time factor of {choices}."})
    with transaction.atomic():
        rows = {
            row.student_id: row
            for row in Accommodations.objects.select_for_update().filter(
                student__in=list(wanted), school_year=school_year
            )
        }

        def before(student: int) -> tuple[list[str], Decimal]:
            row = rows.get(student)
            return (row.tools, row.extended_time_factor) if row else ([], EXTENDED_TIME_DEFAULT)

        after = {s: (wanted[s], factors.get(s, before(s)[1])) for s in wanted}
        now = timezone.now()
        changed = [student for student in wanted if before(student) != after[student]]
        if not changed:
            return []
        old = {str(s): _described(*before(s)) for s in changed}
        updated = [rows[student] for student in changed if student in rows]
        for row in updated:
            row.tools, row.extended_time_factor = after[row.student_id]
            row.updated_by, row.updated_at = actor, now
        Accommodations.objects.bulk_update(
            updated, ["tools", "extended_time_factor", "updated_by", "updated_at"]
        )
        Accommodations.objects.bulk_create(
            Accommodations(
                student_id=student,
                school_year=school_year,
                tools=after[student][0],
                extended_time_factor=after[student][1],
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
                "old": old,
                "new": {str(s): _described(*after[s]) for s in changed},
            },
        )
    return changed


def _described(tools: list[str], factor: Decimal) -> list[str]:
    """A student's accommodations as the audit log keeps them: the tools, and the extended
    time factor beside extended time when it is on."""
    return [f"{tool} ×{factor}" if tool == Tool.EXTENDED_TIME else tool for tool in tools]
