"""Tracker settings: the engine's policy, the stored scale, and clear refusals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from masterly.core.models import AuditEvent
from masterly.mastery import FOUR_LEVEL_SCALE, THREE_LEVEL_SCALE, MasteryError
from masterly.trackers import services
from masterly.trackers.models import RecomputeRun, Tracker
from masterly.trackers.scales import scale_from_data, scale_to_data
from tests.assessment_factories import Mastery, make_tracker


def test_a_tracker_builds_the_engines_policy(mastery: Mastery) -> None:
    policy = mastery.shared.policy()
    assert (policy.method, policy.decay, policy.n, policy.scale) == (
        "highest",
        Decimal("0.65"),
        3,
        THREE_LEVEL_SCALE,
    )


def test_a_scale_round_trips_through_json() -> None:
    assert scale_from_data(scale_to_data(FOUR_LEVEL_SCALE)) == FOUR_LEVEL_SCALE
    assert scale_from_data(None) == THREE_LEVEL_SCALE
    two = scale_from_data(
        [
            {"name": "Met", "abbreviation": "MET", "cut": 70, "is_mastery": True},
            {"name": "Not yet", "abbreviation": "NY", "cut": 0},
        ]
    )
    assert (two.mastery, two.levels[0].cut) == ("MET", Decimal(70))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("M,NM", "a scale must be a list of levels"),
        ([{"name": "M"}], "each level needs abbreviation, cut"),
        ([{"name": "M", "abbreviation": "M", "cut": 0, "colours": "red"}], "colours must be"),
        (
            [{"name": "M", "abbreviation": "M", "cut": 0, "colours": {"red": "#FF0000"}}],
            "traffic_light, skittles and colour_blind_safe",
        ),
        ([{"name": "M", "abbreviation": "M", "cut": 0}], "at least two levels"),
    ],
)
def test_a_malformed_scale_is_refused(data: Any, message: str) -> None:
    with pytest.raises(MasteryError, match=message):
        scale_from_data(data)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"method": "median"}, "method", "Unknown calculation method 'median'; choose one of"),
        ({"decay": "0.3"}, "decay", "Decay must be between 0.50 and 0.99 (got 0.3)"),
        ({"decay": "0.655"}, "decay", "at most 2 decimal places"),
        ({"weight": "1.5"}, "weight", "Weight must be between 0.01 and 0.99"),
        ({"n_mastery": 0}, "n_mastery", "N must be a positive whole number"),
        ({"scale": [{"name": "M", "abbreviation": "M", "cut": 0}]}, "scale", "at least two"),
    ],
)
def test_a_bad_setting_is_refused_and_nothing_changes(
    mastery: Mastery, change: dict[str, Any], field: str, message: str
) -> None:
    runs, audits = RecomputeRun.objects.count(), AuditEvent.objects.count()

    with pytest.raises(ValidationError) as caught:
        services.tracker_settings_change(
            actor=mastery.world.teacher, tracker=mastery.tracker, **change
        )

    assert message in caught.value.message_dict[field][0]
    tracker = Tracker.objects.get(pk=mastery.tracker.pk)
    assert (tracker.method, tracker.decay, tracker.settings_version) == (
        "decaying_average",
        Decimal("0.65"),
        1,
    )
    assert (RecomputeRun.objects.count(), AuditEvent.objects.count()) == (runs, audits)


def test_only_the_owner_changes_settings_and_archived_trackers_are_read_only(
    mastery: Mastery,
) -> None:
    with pytest.raises(PermissionDenied):
        services.tracker_settings_change(
            actor=mastery.world.other_teacher, tracker=mastery.tracker, method="highest"
        )
    Tracker.objects.filter(pk=mastery.tracker.pk).update(is_archived=True)
    mastery.tracker.refresh_from_db()
    with pytest.raises(ValidationError, match="archived and read-only"):
        services.tracker_settings_change(
            actor=mastery.world.teacher, tracker=mastery.tracker, method="highest"
        )


def test_a_tracker_needs_a_name_and_a_section(mastery: Mastery) -> None:
    with pytest.raises(ValidationError) as caught:
        services.tracker_create(
            actor=None, name=" ", owner=mastery.world.teacher, sections=[], standards=[]
        )
    assert set(caught.value.message_dict) == {"name", "sections"}
    with pytest.raises(ValidationError, match="only once"):
        make_tracker(mastery.world.teacher, [mastery.world.section], [mastery.standard_a] * 2)


def test_a_tracker_can_take_its_standards_from_a_curriculum_map(mastery: Mastery) -> None:
    from masterly.standards.models import CurriculumMap, Unit, UnitStandard

    course = mastery.world.section.course
    curriculum = CurriculumMap.objects.create(
        title="Math 6 map", course=course, scope=CurriculumMap.Scope.DISTRICT
    )
    ratios = Unit.objects.create(curriculum_map=curriculum, title="Ratios", position=1)
    first = Unit.objects.create(curriculum_map=curriculum, title="Numbers", position=0)
    UnitStandard.objects.create(unit=ratios, standard=mastery.standard_a, position=0)
    UnitStandard.objects.create(unit=first, standard=mastery.standard_c, position=0, is_power=True)

    tracker = services.tracker_create(
        actor=mastery.world.teacher,
        name="From the map",
        owner=mastery.world.teacher,
        sections=[mastery.world.section],
        curriculum_map=curriculum,
    )

    placed = list(tracker.tracker_standards.values_list("standard", "unit_title", "is_power"))
    assert placed == [
        (mastery.standard_c.pk, "Numbers", True),
        (mastery.standard_a.pk, "Ratios", False),
    ]


PORTAL = {
    "portal_scores": "always",
    "portal_assessments": "after_all",
    "portal_answer_key": "never",
    "portal_item_analysis": "never",
}


def test_the_settings_save_writes_the_calculation_and_the_portal_together(
    mastery: Mastery,
) -> None:
    tracker = mastery.tracker
    run = services.tracker_settings_save(
        actor=mastery.world.teacher,
        tracker=tracker,
        portal={**PORTAL, "portal_answer_key": "always"},
        method="highest",
    )

    assert run is not None and run.status == RecomputeRun.Status.QUEUED
    saved = Tracker.objects.get(pk=tracker.pk)
    assert (saved.method, saved.portal_answer_key) == ("highest", "always")
    assert set(
        AuditEvent.objects.filter(object_id=str(tracker.pk)).values_list("action", flat=True)
    ) >= {"tracker.portal_changed", "tracker.settings_changed"}


def test_the_settings_save_names_every_bad_field_of_both_parts_and_writes_nothing(
    mastery: Mastery,
) -> None:
    tracker = mastery.tracker
    before = (Tracker.objects.filter(pk=tracker.pk).values().get(), AuditEvent.objects.count())

    with pytest.raises(ValidationError) as error:
        services.tracker_settings_save(
            actor=mastery.world.teacher,
            tracker=tracker,
            portal={**PORTAL, "portal_scores": "sometimes"},
            method="median",
        )

    assert set(error.value.message_dict) == {"portal_scores", "method"}
    after = (Tracker.objects.filter(pk=tracker.pk).values().get(), AuditEvent.objects.count())
    assert after == before
    assert not RecomputeRun.objects.filter(tracker=tracker, reason__startswith="Settings").exists()


def test_only_the_owner_saves_the_settings(mastery: Mastery) -> None:
    with pytest.raises(PermissionDenied):
        services.tracker_settings_save(
            actor=mastery.world.other_teacher, tracker=mastery.tracker, portal=PORTAL
        )
