"""A score's whole history stays: every record, edit, deletion and restore is a revision."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from masterly.assessments.models import Evidence, EvidenceRevision
from masterly.core.models import AuditEvent
from masterly.trackers import services
from masterly.trackers.selectors.cells import evidence_history
from tests.assessment_factories import DAY, Mastery


def test_recording_a_score_writes_its_first_revision_and_an_audit_row(mastery: Mastery) -> None:
    teacher = mastery.world.teacher

    evidence = mastery.record(earned="3.5", possible=4)

    assert (evidence.points_earned, evidence.points_possible) == (Decimal("3.50"), Decimal("4"))
    assert evidence.version == 1
    assert evidence.entered_by == teacher
    assert evidence.entered_at is not None and evidence.entered_at.tzinfo is not None
    (revision,) = evidence_history(evidence)
    assert revision.kind == EvidenceRevision.Kind.CREATED
    assert revision.values() == (Decimal("3.50"), Decimal("4.00"), DAY, False)
    assert (revision.changed_by, revision.old_points_earned) == (teacher, None)
    audit = AuditEvent.objects.get(action="evidence.created")
    assert audit.actor == teacher
    assert audit.object_id == str(evidence.pk)
    assert audit.details["points_earned"] == "3.50"


def test_an_edit_keeps_the_old_value_with_who_when_and_why(mastery: Mastery) -> None:
    teacher = mastery.world.teacher
    evidence = mastery.record(earned=2, possible=4)

    edited = services.evidence_edit(
        actor=teacher,
        evidence=evidence,
        reason="Misread the rubric",
        points_earned=3,
        assessed_on=datetime.date(2026, 9, 2),
    )

    assert (edited.points_earned, edited.assessed_on, edited.version) == (
        Decimal("3.00"),
        datetime.date(2026, 9, 2),
        2,
    )
    created, edit = evidence_history(edited)
    assert created.points_earned == Decimal("2.00")
    assert edit.kind == EvidenceRevision.Kind.EDITED
    assert (edit.old_points_earned, edit.points_earned) == (Decimal("2.00"), Decimal("3.00"))
    assert (edit.old_assessed_on, edit.assessed_on) == (DAY, datetime.date(2026, 9, 2))
    assert (edit.reason, edit.changed_by, edit.version) == ("Misread the rubric", teacher, 2)
    assert edit.changed_at >= created.changed_at
    audit = AuditEvent.objects.get(action="evidence.edited")
    assert audit.details["changes"]["points_earned"] == {"old": "2.00", "new": "3.00"}
    assert audit.details["reason"] == "Misread the rubric"


def test_a_deletion_and_a_restore_are_revisions_and_nothing_is_destroyed(mastery: Mastery) -> None:
    teacher = mastery.world.teacher
    evidence = mastery.record()

    deleted = services.evidence_delete(actor=teacher, evidence=evidence, reason="Wrong student")
    assert deleted.is_deleted and deleted.version == 2
    assert Evidence.objects.filter(pk=evidence.pk).exists()

    restored = services.evidence_restore(actor=teacher, evidence=deleted, reason="Right student")
    assert not restored.is_deleted and restored.version == 3

    kinds = [r.kind for r in evidence_history(restored)]
    assert kinds == ["created", "deleted", "restored"]
    deletion = evidence_history(restored)[1]
    assert (deletion.old_is_deleted, deletion.is_deleted, deletion.reason) == (
        False,
        True,
        "Wrong student",
    )
    assert set(
        AuditEvent.objects.filter(
            object_type="assessments.evidence", object_id=str(evidence.pk)
        ).values_list("action", flat=True)
    ) == {"evidence.created", "evidence.deleted", "evidence.restored"}


def test_the_current_value_is_a_copy_of_the_latest_revision(mastery: Mastery) -> None:
    teacher = mastery.world.teacher
    evidence = mastery.record(earned=1, possible=4)
    for earned in (2, 3, 4):
        evidence = services.evidence_edit(
            actor=teacher, evidence=evidence, reason="regrade", points_earned=earned
        )
    latest = evidence_history(evidence).last()
    assert latest is not None
    stored = Evidence.objects.get(pk=evidence.pk)
    assert (
        stored.points_earned,
        stored.points_possible,
        stored.assessed_on,
        stored.is_deleted,
    ) == (latest.values())
    assert stored.version == latest.version == 4


def test_an_edit_made_on_an_old_version_is_refused(mastery: Mastery) -> None:
    teacher = mastery.world.teacher
    evidence = mastery.record(earned=2, possible=4)
    services.evidence_edit(
        actor=mastery.world.other_teacher,
        evidence=evidence,
        reason="co-teacher regrade",
        points_earned=3,
        expected_version=1,
    )

    with pytest.raises(ValidationError) as caught:
        services.evidence_edit(
            actor=teacher, evidence=evidence, reason="mine", points_earned=1, expected_version=1
        )

    assert "changed by someone else" in caught.value.messages[0]
    assert "reload" in caught.value.messages[0]
    assert Evidence.objects.get(pk=evidence.pk).points_earned == Decimal("3.00")
    assert EvidenceRevision.objects.filter(evidence=evidence).count() == 2


def test_an_edit_that_changes_nothing_writes_nothing(mastery: Mastery) -> None:
    evidence = mastery.record(earned=2, possible=4)
    before = AuditEvent.objects.count()

    same = services.evidence_edit(
        actor=mastery.world.teacher, evidence=evidence, reason="no-op", points_earned="2.00"
    )

    assert same.version == 1
    assert EvidenceRevision.objects.filter(evidence=evidence).count() == 1
    assert AuditEvent.objects.count() == before


def test_a_deleted_score_must_be_restored_before_it_is_edited(mastery: Mastery) -> None:
    teacher = mastery.world.teacher
    evidence = services.evidence_delete(actor=teacher, evidence=mastery.record(), reason="dup")

    with pytest.raises(ValidationError, match="restore it before editing"):
        services.evidence_edit(actor=teacher, evidence=evidence, reason="x", points_earned=1)
    with pytest.raises(ValidationError, match="already deleted"):
        services.evidence_delete(actor=teacher, evidence=evidence, reason="again")
    restored = services.evidence_restore(actor=teacher, evidence=evidence, reason="not a dup")
    with pytest.raises(ValidationError, match="nothing to restore"):
        services.evidence_restore(actor=teacher, evidence=restored, reason="again")
