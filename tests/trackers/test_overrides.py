"""A teacher's override shows as such, with its reason, and stays in the history."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from masterly.core.models import AuditEvent
from masterly.trackers import services
from masterly.trackers.models import Override, Rollup
from masterly.trackers.selectors.cells import cell_result, override_history
from tests.assessment_factories import Mastery


def _cell(mastery: Mastery) -> Rollup:
    return Rollup.objects.get(
        tracker=mastery.tracker, student=mastery.world.student, standard=mastery.standard_a
    )


def test_an_override_wins_and_says_why(mastery: Mastery) -> None:
    teacher, student = mastery.world.teacher, mastery.world.student
    mastery.record(earned=40)

    row = services.override_set(
        actor=teacher,
        tracker=mastery.tracker,
        student=student,
        standard=mastery.standard_a,
        level="M",
        reason="Showed mastery in a conference",
    )

    rollup = _cell(mastery)
    assert (rollup.level, rollup.computed_level, rollup.is_overridden) == ("M", "R", True)
    assert rollup.score == Decimal("40.00")  # the computed score stays
    assert (row.reason, row.set_by, row.is_active) == (
        "Showed mastery in a conference",
        teacher,
        True,
    )
    result = cell_result(mastery.tracker, student, mastery.standard_a)
    assert result.overridden and result.level.abbreviation == "M"
    assert "Showed mastery in a conference" in result.explain()
    assert AuditEvent.objects.filter(action="override.set", actor=teacher).count() == 1
    # Only this tracker: the shared one still shows the computed level.
    shared = Rollup.objects.get(
        tracker=mastery.shared, student=student, standard=mastery.standard_a
    )
    assert (shared.level, shared.is_overridden) == ("R", False)


def test_new_evidence_keeps_the_override_and_updates_the_computed_level(
    mastery: Mastery,
) -> None:
    mastery.record(earned=40)
    services.override_set(
        actor=mastery.world.teacher,
        tracker=mastery.tracker,
        student=mastery.world.student,
        standard=mastery.standard_a,
        level="NM",
        reason="Partial credit",
    )

    mastery.record(earned=100)
    mastery.record(earned=100)  # 40, 100, 100 → 92.65

    rollup = _cell(mastery)
    assert (rollup.level, rollup.computed_level, rollup.evidence_count) == ("NM", "M", 3)


def test_replacing_and_clearing_keep_the_whole_history(mastery: Mastery) -> None:
    teacher, student = mastery.world.teacher, mastery.world.student
    mastery.record(earned=40)
    kwargs = {"tracker": mastery.tracker, "student": student, "standard": mastery.standard_a}
    services.override_set(actor=teacher, level="NM", reason="first look", **kwargs)  # type: ignore[arg-type]
    services.override_set(actor=teacher, level="M", reason="second look", **kwargs)  # type: ignore[arg-type]

    cleared = services.override_clear(actor=teacher, reason="new evidence due", **kwargs)  # type: ignore[arg-type]

    history = list(override_history(**kwargs))  # type: ignore[arg-type]
    assert [(o.level, o.reason, o.is_active) for o in history] == [
        ("NM", "first look", False),
        ("M", "second look", False),
    ]
    assert history[0].clear_reason == "Replaced by a new override."
    assert cleared.clear_reason == "new evidence due" and cleared.cleared_by == teacher
    rollup = _cell(mastery)
    assert (rollup.level, rollup.is_overridden) == ("R", False)
    assert AuditEvent.objects.filter(action="override.cleared").count() == 1


def test_an_override_on_a_cell_without_evidence_has_a_row_until_cleared(
    mastery: Mastery,
) -> None:
    teacher, student = mastery.world.teacher, mastery.world.student
    kwargs = {"tracker": mastery.tracker, "student": student, "standard": mastery.standard_b}
    services.override_set(actor=teacher, level="M", reason="Observed", **kwargs)  # type: ignore[arg-type]

    rollup = Rollup.objects.get(**kwargs)
    assert (rollup.score, rollup.computed_level, rollup.level, rollup.evidence_count) == (
        None,
        "NS",
        "M",
        0,
    )

    services.override_clear(actor=teacher, **kwargs)  # type: ignore[arg-type]
    assert not Rollup.objects.filter(**kwargs).exists()


@pytest.mark.parametrize(
    ("level", "reason", "field", "message"),
    [
        ("X", "why", "level", "must be one of this scale's levels: M, NM, R"),
        ("NS", "why", "level", "must be one of this scale's levels"),
        ("M", "  ", "reason", "needs a reason"),
    ],
)
def test_a_bad_override_is_refused(
    mastery: Mastery, level: str, reason: str, field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.override_set(
            actor=mastery.world.teacher,
            tracker=mastery.tracker,
            student=mastery.world.student,
            standard=mastery.standard_a,
            level=level,
            reason=reason,
        )
    assert message in caught.value.message_dict[field][0]
    assert not Override.objects.exists() and not Rollup.objects.exists()


def test_an_override_must_be_on_a_cell_of_the_tracker(mastery: Mastery) -> None:
    with pytest.raises(ValidationError) as caught:
        services.override_set(
            actor=mastery.world.teacher,
            tracker=mastery.shared,
            student=mastery.world.school_b_student,
            standard=mastery.standard_c,
            level="M",
            reason="why",
        )
    assert "is not in the tracker" in caught.value.message_dict["standard"][0]
    assert "is not enrolled" in caught.value.message_dict["student"][0]
    with pytest.raises(ValidationError, match="nothing to clear"):
        services.override_clear(
            actor=mastery.world.teacher,
            tracker=mastery.tracker,
            student=mastery.world.student,
            standard=mastery.standard_a,
        )


def test_only_the_owner_may_override(mastery: Mastery) -> None:
    with pytest.raises(PermissionDenied):
        services.override_set(
            actor=mastery.world.other_teacher,
            tracker=mastery.tracker,
            student=mastery.world.student,
            standard=mastery.standard_a,
            level="M",
            reason="not mine to set",
        )
    assert not Override.objects.exists()
