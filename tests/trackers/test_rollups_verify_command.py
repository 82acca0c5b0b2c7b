"""``masterly rollups verify`` finds every kind of drift; ``recompute`` repairs it."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from masterly.assessments.models import Evidence
from masterly.trackers.models import Rollup
from tests.assessment_factories import Mastery


def verify(*args: str) -> str:
    out = io.StringIO()
    call_command("rollups", "verify", *args, stdout=out)
    return out.getvalue()


def failing_verify(*args: str) -> str:
    out = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("rollups", "verify", *args, stdout=out)
    assert caught.value.returncode == 1
    return out.getvalue()


def test_clean_rollups_verify_with_0_mismatches(mastery: Mastery) -> None:
    mastery.record(earned=70)
    mastery.record(standard=mastery.standard_c, earned=20)

    assert verify().strip().endswith("0 mismatches")
    assert "0 mismatches" in verify("--tracker", str(mastery.tracker.pk))


def test_every_kind_of_drift_is_reported(mastery: Mastery) -> None:
    student = mastery.world.student
    mastery.record(earned=70)
    mastery.record(standard=mastery.standard_b, earned=20)
    evidence = mastery.record(standard=mastery.standard_c, earned=90)
    Rollup.objects.filter(tracker=mastery.tracker, standard=mastery.standard_a).update(
        score=Decimal("71.00")
    )
    Rollup.objects.filter(tracker=mastery.shared, standard=mastery.standard_b).delete()
    Rollup.objects.create(
        tracker=mastery.shared,
        student=mastery.world.other_student,
        standard=mastery.standard_a,
        computed_level="M",
        level="M",
        evidence_count=1,
    )
    Evidence.objects.filter(pk=evidence.pk).update(points_earned=Decimal("10"))

    report = failing_verify()

    assert f"different: tracker {mastery.tracker.pk} student {student.pk}" in report
    assert "score stored Decimal('71.00'), expected Decimal('70.00')" in report
    assert f"missing: tracker {mastery.shared.pk} student {student.pk}" in report
    assert f"extra: tracker {mastery.shared.pk}" in report
    assert f"evidence_copy: evidence {evidence.pk}" in report
    assert "different: " in report and report.strip().endswith("mismatches")
    assert "5 mismatches" in report


def test_recompute_repairs_the_rollups(mastery: Mastery) -> None:
    mastery.record(earned=70)
    Rollup.objects.all().delete()
    failing_verify()

    out = io.StringIO()
    call_command("rollups", "recompute", stdout=out)

    assert "Done" in out.getvalue()
    assert "0 mismatches" in verify()


def test_recompute_can_queue_instead(mastery: Mastery) -> None:
    out = io.StringIO()
    call_command(
        "rollups", "recompute", "--queue", "--tracker", str(mastery.tracker.pk), stdout=out
    )
    assert "queued" in out.getvalue()


def test_an_unknown_tracker_is_named(mastery: Mastery) -> None:
    with pytest.raises(CommandError, match="No tracker with id 999"):
        call_command("rollups", "verify", "--tracker", "999")
