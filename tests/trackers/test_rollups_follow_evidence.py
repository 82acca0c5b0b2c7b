"""The stored rollup follows every record, edit, deletion and restore, in every tracker."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from masterly.mastery import calculate_values
from masterly.roster.models import Enrollment
from masterly.trackers import rollup_cells, services
from masterly.trackers.models import Rollup, Tracker
from masterly.trackers.selectors.cells import cell_result, rollup_for
from tests.assessment_factories import DAY, Mastery, make_tracker


def cell(tracker: Tracker, mastery: Mastery, standard: object = None) -> Rollup | None:
    return rollup_for(
        tracker,
        mastery.world.student,
        standard or mastery.standard_a,  # type: ignore[arg-type]
    )


def test_each_step_of_a_scores_history_moves_the_rollup(mastery: Mastery) -> None:
    teacher = mastery.world.teacher
    assert cell(mastery.tracker, mastery) is None  # no evidence: not assessed

    first = mastery.record(earned=3, possible=4, on=DAY)
    rollup = cell(mastery.tracker, mastery)
    assert rollup is not None
    assert (rollup.score, rollup.level, rollup.evidence_count) == (Decimal("75.00"), "NM", 1)
    assert rollup.last_assessed_on == DAY

    second = mastery.record(earned=1, possible=4, on=DAY + datetime.timedelta(days=1))
    rollup = cell(mastery.tracker, mastery)
    assert rollup is not None
    # Decaying average: 0.35 × 75 + 0.65 × 25 = 42.5
    assert (rollup.score, rollup.level, rollup.evidence_count) == (Decimal("42.50"), "R", 2)
    assert rollup.last_assessed_on == DAY + datetime.timedelta(days=1)

    services.evidence_edit(actor=teacher, evidence=second, reason="regrade", points_earned=4)
    rollup = cell(mastery.tracker, mastery)
    assert rollup is not None
    assert (rollup.score, rollup.level) == (Decimal("91.25"), "M")

    services.evidence_delete(actor=teacher, evidence=second, reason="wrong student")
    rollup = cell(mastery.tracker, mastery)
    assert rollup is not None
    assert (rollup.score, rollup.evidence_count, rollup.last_assessed_on) == (
        Decimal("75.00"),
        1,
        DAY,
    )

    services.evidence_delete(actor=teacher, evidence=first, reason="wrong student")
    assert cell(mastery.tracker, mastery) is None  # back to not assessed

    services.evidence_restore(actor=teacher, evidence=first, reason="right student after all")
    rollup = cell(mastery.tracker, mastery)
    assert rollup is not None and rollup.score == Decimal("75.00")


def test_a_students_evidence_counts_in_every_tracker_with_that_standard(mastery: Mastery) -> None:
    for earned in (60, 90, 70):
        mastery.record(earned=earned)

    decaying = cell(mastery.tracker, mastery)
    highest = cell(mastery.shared, mastery)
    assert decaying is not None and highest is not None
    assert decaying.score == calculate_values([60, 90, 70]).percent
    assert highest.score == Decimal("90.00")  # the shared tracker uses "highest"


def test_only_trackers_that_hold_the_student_and_the_standard_change(mastery: Mastery) -> None:
    world = mastery.world
    # Standard C is only in "Period 1"; other_student only in "Both periods".
    mastery.record(standard=mastery.standard_c, earned=50)
    mastery.record(student=world.other_student, earned=100)
    mastery.record(student=world.school_b_student, earned=100)

    assert set(Rollup.objects.values_list("tracker__name", "student__username", "standard")) == {
        ("Period 1", "student", mastery.standard_c.pk),
        ("Both periods", "other_student", mastery.standard_a.pk),
    }


def test_an_inactive_enrollment_no_longer_counts(mastery: Mastery) -> None:
    Enrollment.objects.filter(user=mastery.world.student).update(is_active=False)

    mastery.record(earned=100)

    assert not Rollup.objects.exists()


def test_an_archived_tracker_is_frozen(mastery: Mastery) -> None:
    mastery.record(earned=100)
    Tracker.objects.filter(pk=mastery.tracker.pk).update(is_archived=True)

    mastery.record(earned=0)

    frozen = cell(mastery.tracker, mastery)
    live = cell(mastery.shared, mastery)
    assert frozen is not None and (frozen.score, frozen.evidence_count) == (Decimal("100.00"), 1)
    assert live is not None and live.evidence_count == 2


def test_the_order_is_by_assessed_date_not_by_entry(mastery: Mastery) -> None:
    mastery.record(earned=100, on=DAY + datetime.timedelta(days=5))
    mastery.record(earned=0, on=DAY)  # entered later, assessed earlier: x1

    rollup = cell(mastery.tracker, mastery)
    assert rollup is not None
    assert rollup.score == calculate_values([0, 100]).percent == Decimal("65.00")
    assert rollup.last_assessed_on == DAY + datetime.timedelta(days=5)


def test_the_drill_down_explains_the_stored_cell(mastery: Mastery) -> None:
    mastery.record(earned=3, possible=4)
    mastery.record(earned=4, possible=4, on=DAY + datetime.timedelta(days=1))

    result = cell_result(mastery.tracker, mastery.world.student, mastery.standard_a)
    rollup = cell(mastery.tracker, mastery)

    assert rollup is not None
    assert (result.percent, result.level.abbreviation) == (rollup.score, rollup.level)
    assert "Decaying average" in result.explain()


def test_a_new_tracker_over_existing_evidence_is_filled_by_its_recompute(
    mastery: Mastery,
) -> None:
    from masterly.trackers.rollups import run_recompute

    mastery.record(standard=mastery.standard_c, earned=40)
    later = make_tracker(
        mastery.world.teacher, [mastery.world.section], [mastery.standard_c], name="Later"
    )
    assert cell(later, mastery, mastery.standard_c) is None

    run = run_recompute(later.recompute_runs.get().pk)

    assert run.status == "done"
    rollup = cell(later, mastery, mastery.standard_c)
    assert rollup is not None and rollup.score == Decimal("40.00")


def test_cells_emptied_at_once_are_deleted_in_chunks(mastery: Mastery, monkeypatch) -> None:
    # The student's one score counts in both trackers: deleting it empties two cells, which
    # with one cell a DELETE take two statements; both cells go back to not assessed.
    monkeypatch.setattr(rollup_cells, "DELETE_CELLS", 1)
    only = mastery.record(earned=3, possible=4, on=DAY)
    assert cell(mastery.tracker, mastery) is not None and cell(mastery.shared, mastery) is not None

    with CaptureQueriesContext(connection) as queries:
        services.evidence_delete(actor=mastery.world.teacher, evidence=only, reason="wrong student")

    deletes = [q for q in queries if q["sql"].startswith('DELETE FROM "trackers_rollup"')]
    assert len(deletes) == 2
    assert cell(mastery.tracker, mastery) is None
    assert cell(mastery.shared, mastery) is None
