"""Rescoring: a corrected key is a new item version, previewed, then the evidence revised."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from masterly.assessments.items.key_corrections import KeyChange
from masterly.assessments.models import Evidence, EvidenceRevision, ItemVersion, KeyCorrection
from masterly.core.models import AuditEvent
from masterly.trackers.services.rescoring import rescore_apply, rescore_preview
from tests.scoring.conftest import Paper, add_students
from tests.scoring.test_paper_scores import RIGHT, row, save


def entered(paper: Paper) -> list[object]:
    """Four students: two chose A on item 1 (the key), two chose B."""
    students = [paper.m.world.student, *add_students(paper.m, 3)]
    for student, first in zip(students, "AABB", strict=True):
        save(paper, row(RIGHT) | {1: first}, student=student)
    return students


def test_the_preview_counts_the_students_whose_score_changes_and_writes_nothing(
    paper: Paper,
) -> None:
    entered(paper)
    before = (
        EvidenceRevision.objects.count(),
        ItemVersion.objects.count(),
        AuditEvent.objects.count(),
    )
    preview = rescore_preview(
        actor=paper.m.world.teacher,
        tracker=paper.m.tracker,
        assessment=paper.assessment,
        placement_id=paper.placements[0].pk,
        change=KeyChange(correct=frozenset({1})),
    )
    assert preview.students == 4 and preview.responses == 4
    assert sorted(after for _, _, after in preview.changed) == [0, 0, 1, 1]
    assert (
        EvidenceRevision.objects.count(),
        ItemVersion.objects.count(),
        AuditEvent.objects.count(),
    ) == before


def test_rescoring_writes_a_new_version_and_revisions_with_the_reason(paper: Paper) -> None:
    students = entered(paper)
    placed = paper.placements[0].item_version
    summary = rescore_apply(
        actor=paper.m.world.teacher,
        tracker=paper.m.tracker,
        assessment=paper.assessment,
        placement_id=paper.placements[0].pk,
        change=KeyChange(correct=frozenset({1})),
    )
    assert summary.changed == 4
    corrected = KeyCorrection.objects.get().item_version
    assert corrected.number == placed.number + 1 and corrected.item_id == placed.item_id
    # What students saw is unchanged; the corrected version's key is B.
    assert list(placed.choices.filter(is_correct=True).values_list("position", flat=True)) == [0]
    assert list(corrected.choices.filter(is_correct=True).values_list("position", flat=True)) == [1]
    for student, first in zip(students, "AABB", strict=True):
        evidence = Evidence.objects.get(student=student, standard=paper.m.standard_a)
        assert evidence.points_earned == (Decimal(5) if first == "A" else Decimal(6))
        assert evidence.version == 2
        assert evidence.revisions.last().reason == "rescored: key of item 1 corrected"  # type: ignore[union-attr]
    assert AuditEvent.objects.filter(action="item.key_corrected").count() == 1
    assert AuditEvent.objects.filter(action="assessment.key_corrected").count() == 1
    # New entries are scored with the corrected key.
    save(paper, {1: "B"})
    assert Evidence.objects.get(student=students[0], standard=paper.m.standard_a).points_earned == 6


def test_a_correction_that_changes_nothing_is_refused(paper: Paper) -> None:
    entered(paper)
    with pytest.raises(ValidationError, match="That is the key already"):
        rescore_preview(
            actor=paper.m.world.teacher,
            tracker=paper.m.tracker,
            assessment=paper.assessment,
            placement_id=paper.placements[0].pk,
            change=KeyChange(correct=frozenset({0})),
        )


@pytest.mark.parametrize(
    ("number", "change", "message"),
    [
        (1, KeyChange(correct=frozenset({0, 1})), "exactly one correct option"),
        (1, KeyChange(correct=frozenset({7})), "among the item's"),
        (4, KeyChange(numeric_tolerance=Decimal(-1)), "cannot be negative"),
        (5, KeyChange(accepted_answers=["  "]), "at least one accepted answer"),
        (6, KeyChange(accepted_answers=["x"]), "no key to correct"),
    ],
)
def test_a_bad_correction_is_named_and_changes_nothing(
    paper: Paper, number: int, change: KeyChange, message: str
) -> None:
    entered(paper)
    before = (EvidenceRevision.objects.count(), ItemVersion.objects.count())
    with pytest.raises(ValidationError, match=message):
        rescore_apply(
            actor=paper.m.world.teacher,
            tracker=paper.m.tracker,
            assessment=paper.assessment,
            placement_id=paper.placements[number - 1].pk,
            change=change,
        )
    assert (EvidenceRevision.objects.count(), ItemVersion.objects.count()) == before
    assert not KeyCorrection.objects.exists()


def test_someone_who_does_not_score_the_tracker_cannot_rescore(paper: Paper) -> None:
    entered(paper)
    with pytest.raises(PermissionDenied):
        rescore_apply(
            actor=paper.m.world.other_teacher,
            tracker=paper.m.tracker,
            assessment=paper.assessment,
            placement_id=paper.placements[0].pk,
            change=KeyChange(correct=frozenset({1})),
        )
    assert not KeyCorrection.objects.exists()


def test_a_tolerance_widened_rescores_numeric_answers(paper: Paper) -> None:
    save(paper, row(RIGHT) | {4: "4.5"})
    rescore_apply(
        actor=paper.m.world.teacher,
        tracker=paper.m.tracker,
        assessment=paper.assessment,
        placement_id=paper.placements[3].pk,
        change=KeyChange(numeric_tolerance=Decimal("0.5")),
    )
    assert Evidence.objects.get(standard=paper.m.standard_b).points_earned == 5
