"""Recording many scores at once (an attempt, an import batch, the demo) is the same as
recording each, in a fixed number of queries, and a bad row writes nothing."""

from __future__ import annotations

import datetime
import sqlite3
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masterly.accounts.models import User
from masterly.assessments import services as assessment_services
from masterly.assessments.models import Evidence, EvidenceRevision
from masterly.core.bulk import rows_per_insert
from masterly.core.models import AuditEvent
from masterly.standards.models import Standard
from masterly.trackers import services
from masterly.trackers.models import Rollup
from masterly.trackers.services import NewEvidence
from masterly.trackers.verify import verify
from tests.assessment_factories import DAY, Mastery
from tests.factories import EnrollmentFactory, UserFactory


def _rows(mastery: Mastery, count: int, students: list[User] | None = None) -> list[NewEvidence]:
    """``count`` scores spread over the students, the three standards and some days."""
    students = students or [mastery.world.student, mastery.world.other_student]
    standards: list[Standard] = [mastery.standard_a, mastery.standard_b, mastery.standard_c]
    return [
        NewEvidence(
            student=students[number % len(students)],
            standard=standards[number % len(standards)],
            points_earned=(number * 7) % 11,
            points_possible=10 + number % 2,
            assessed_on=DAY + datetime.timedelta(days=number % 5),
        )
        for number in range(count)
    ]


def _rollups() -> list[tuple[object, ...]]:
    return list(
        Rollup.objects.order_by("tracker", "student", "standard").values_list(
            "tracker", "student", "standard", "score", "level", "evidence_count", "last_assessed_on"
        )
    )


def _counts() -> tuple[int, int, int]:
    return (Evidence.objects.count(), EvidenceRevision.objects.count(), AuditEvent.objects.count())


def _more_students(mastery: Mastery, count: int) -> list[User]:
    students = [mastery.world.student, mastery.world.other_student]
    for number in range(count):
        student = UserFactory(username=f"pupil{number}")
        EnrollmentFactory(user=student, section=mastery.world.section)
        students.append(student)
    return students


def test_a_batch_gives_the_rollups_of_recording_each_and_of_a_full_recompute(
    mastery: Mastery,
) -> None:
    rows = _rows(mastery, 30)
    teacher = mastery.world.teacher

    ids = services.evidence_record_many(actor=teacher, rows=rows)
    batched = _rollups()

    assert len(ids) == 30 and batched  # cells in both trackers, student and other_student
    assert {tracker for tracker, *_ in batched} == {mastery.tracker.pk, mastery.shared.pk}
    assert verify([mastery.tracker.pk, mastery.shared.pk]) == []  # equal to a full recompute
    # Recording the same scores one at a time gives the same rollups.
    Evidence.objects.filter(pk__in=ids).update(is_deleted=True)
    Rollup.objects.all().delete()
    for row in rows:
        services.evidence_record(
            actor=teacher,
            student=row.student,
            standard=row.standard,
            points_earned=row.points_earned,
            points_possible=row.points_possible,
            assessed_on=row.assessed_on,
            source=row.source,
        )
    assert _rollups() == batched


def test_each_score_has_its_history_and_audit_row(mastery: Mastery) -> None:
    teacher = mastery.world.teacher
    ids = services.evidence_record_many(actor=teacher, rows=_rows(mastery, 7))

    evidence = list(Evidence.objects.filter(pk__in=ids).order_by("pk"))
    assert [e.pk for e in evidence] == ids  # returned in the rows' order
    assert {(e.version, e.entered_by_id, e.source) for e in evidence} == {(1, teacher.pk, "manual")}
    revisions = EvidenceRevision.objects.filter(evidence__in=ids)
    assert sorted(revisions.values_list("evidence", flat=True)) == ids
    assert set(revisions.values_list("kind", "version")) == {("created", 1)}
    audit = AuditEvent.objects.filter(action="evidence.created", object_type="assessments.evidence")
    assert sorted(int(pk) for pk in audit.values_list("object_id", flat=True)) == ids
    first = audit.get(object_id=str(ids[0]))
    assert first.actor_id == teacher.pk
    assert first.summary == (
        f"Score 0.00/10.00 on {mastery.standard_a} for {mastery.world.student} ({DAY})"
    )


def test_a_bad_row_is_named_and_nothing_is_written(mastery: Mastery) -> None:
    rows = _rows(mastery, 5)
    rows[1] = NewEvidence(mastery.world.student, mastery.standard_a, 12, 10, DAY)
    rows[3] = NewEvidence(mastery.world.student, mastery.standard_a, 1, 10, "14/09/2026")
    before = (
        Evidence.objects.count(),
        EvidenceRevision.objects.count(),
        AuditEvent.objects.count(),
    )

    with pytest.raises(ValidationError) as error:
        services.evidence_record_many(actor=mastery.world.teacher, rows=rows)

    assert error.value.message_dict == {
        "points_earned": [
            "Row 2: Points earned (12.00) cannot be more than points possible (10.00)."
        ],
        "assessed_on": ["Row 4: The assessed date must look like 2026-09-14 (got '14/09/2026')."],
    }
    assert _counts() == before
    assert not Rollup.objects.exists()


def test_an_empty_batch_writes_nothing(mastery: Mastery) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert services.evidence_record_many(actor=mastery.world.teacher, rows=[]) == []
    assert len(queries) == 0


def test_the_queries_do_not_grow_with_the_batch(mastery: Mastery) -> None:
    students = _more_students(mastery, 12)
    teacher = mastery.world.teacher

    with CaptureQueriesContext(connection) as small:
        services.evidence_record_many(actor=teacher, rows=_rows(mastery, 3, students))
    with CaptureQueriesContext(connection) as large:
        services.evidence_record_many(actor=teacher, rows=_rows(mastery, 40, students))

    assert Evidence.objects.count() == 43
    # Lock the trackers, insert the evidence, revisions and audit rows, read the cells'
    # evidence and overrides, upsert the rollups, mark the dashboard counts stale (and the
    # savepoint around it).
    assert len(large) == len(small) <= 10
    assert verify([mastery.tracker.pk, mastery.shared.pk]) == []


def test_a_batch_larger_than_one_insert_is_recorded_whole_and_in_order(mastery: Mastery) -> None:
    """The evidence ``INSERT`` is split at the database's limit on parameters (lowered here
    on SQLite, whose real limit would need thousands of rows): one more per chunk."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        sqlite = connection.connection
        limit = sqlite.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        sqlite.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 240)
    try:
        chunk = rows_per_insert(Evidence)
        rows = _rows(mastery, chunk + 3)
        with CaptureQueriesContext(connection) as queries:
            ids = services.evidence_record_many(actor=mastery.world.teacher, rows=rows)
    finally:
        if connection.vendor == "sqlite":
            sqlite.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)

    table = connection.ops.quote_name(Evidence._meta.db_table)
    inserts = [q for q in queries.captured_queries if q["sql"].startswith(f"INSERT INTO {table}")]
    assert len(inserts) == 2
    evidence = list(Evidence.objects.order_by("pk").values_list("pk", "student", "points_earned"))
    assert [pk for pk, *_ in evidence] == ids and len(ids) == chunk + 3
    assert [(s, e) for _, s, e in evidence] == [
        (row.student.pk, Decimal(row.points_earned))
        for row in rows  # type: ignore[arg-type]
    ]
    assert EvidenceRevision.objects.count() == len(ids)
    assert verify([mastery.tracker.pk, mastery.shared.pk]) == []


def test_a_whole_attempt_is_recorded_at_once_on_its_aligned_standards(mastery: Mastery) -> None:
    teacher, student = mastery.world.teacher, mastery.world.student
    assessment = assessment_services.assessment_create(
        actor=teacher,
        title="Unit 1 test",
        kind="common",
        standards=[(mastery.standard_a, 4), (mastery.standard_b, 6)],
        assessed_on=DAY,
    )
    attempt = assessment_services.attempt_start(
        actor=student, assessment=assessment, student=student
    )

    def row(standard: Standard, earned: int) -> NewEvidence:
        return NewEvidence(student, standard, earned, 4, DAY, "online", None, attempt)

    with pytest.raises(ValidationError) as error:
        services.evidence_record_many(
            actor=student, rows=[row(mastery.standard_a, 3), row(mastery.standard_c, 1)]
        )
    assert error.value.message_dict == {
        "standard": [
            f"Row 2: {mastery.standard_c} is not one of the standards 'Unit 1 test' is aligned "
            "to; align it first or choose an aligned standard."
        ]
    }
    assert not Evidence.objects.exists()

    ids = services.evidence_record_many(
        actor=student, rows=[row(mastery.standard_a, 3), row(mastery.standard_b, 4)]
    )
    assert set(
        Evidence.objects.filter(pk__in=ids).values_list("assessment", "attempt", "source")
    ) == {(assessment.pk, attempt.pk, "online")}
    assert verify([mastery.tracker.pk, mastery.shared.pk]) == []
    assert Rollup.objects.filter(student=student).count() == 4  # A and B in both trackers
