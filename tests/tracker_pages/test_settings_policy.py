"""District and school policy: who sets it, what is refused, and a change reaching every
tracker under it (recomputed, levels changed) but not a tracker with its own unlocked value."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from masterly.core.models import AuditEvent
from masterly.trackers import services
from masterly.trackers.models import PolicyRun, RecomputeRun, Rollup, SettingsPolicy, Tracker
from masterly.trackers.policy import CALCULATION, PORTAL, SCALE
from masterly.trackers.rollups import run_recompute
from masterly.trackers.scales import DEFAULT_SCALE, scale_to_data
from masterly.trackers.selectors.policy import tracker_setting
from masterly.trackers.services.policy import run_policy, settings_policy_change
from tests.tracker_pages.conftest import Pages


def scale_with_mastery_from(cut: int) -> list[dict[str, Any]]:
    data = scale_to_data(DEFAULT_SCALE)
    data[0]["cut"] = str(cut)
    return data


@pytest.fixture
def own_scale_tracker(pages: Pages) -> Tracker:
    """A second tracker on the same class with its own scale (the default one, set by hand)."""
    tracker = services.tracker_create(
        actor=pages.world.teacher,
        name="Own scale",
        owner=pages.world.teacher,
        sections=[pages.world.section],
        standards=[pages.ratio_1],
        scale=scale_to_data(DEFAULT_SCALE),
    )
    run_recompute(RecomputeRun.objects.filter(tracker=tracker).latest("pk").pk)
    return tracker


def level(tracker: Tracker, pages: Pages) -> str:
    return Rollup.objects.get(
        tracker=tracker, student=pages.world.student, standard=pages.ratio_1
    ).level


def test_the_districts_cut_score_recomputes_the_trackers_that_follow_it(
    pages: Pages, own_scale_tracker: Tracker
) -> None:
    pages.record(pages.world.student, pages.ratio_1, 2.8)  # 70 %: Near Mastery at 80
    assert level(pages.tracker, pages) == level(own_scale_tracker, pages) == "NM"
    run = settings_policy_change(
        actor=pages.world.admin,
        org=pages.world.district,
        values={SCALE: scale_with_mastery_from(65)},
        locked=[],
    )
    assert run is not None and run.status == PolicyRun.Status.QUEUED
    run = run_policy(run.pk)
    assert (run.status, run.total_trackers, run.done_trackers, run.changed_trackers) == (
        "done",
        2,
        2,
        1,
    )
    assert level(pages.tracker, pages) == "M"  # follows the district: recomputed
    assert level(own_scale_tracker, pages) == "NM"  # its own scale wins (not locked)
    setting = tracker_setting(Tracker.objects.get(pk=pages.tracker.pk))
    assert setting.in_force_phrases[SCALE] == "the district's policy"
    event = AuditEvent.objects.get(action="policy.changed")
    assert event.actor == pages.world.admin
    assert event.details["level"] == "district"
    assert event.details["old"]["values"] == {}
    assert event.details["new"]["values"][SCALE][0]["cut"] == "65"

    # Locked, it reaches the tracker with its own scale too.
    run = settings_policy_change(
        actor=pages.world.admin,
        org=pages.world.district,
        values={SCALE: scale_with_mastery_from(65)},
        locked=[SCALE],
    )
    assert run is not None
    run_policy(run.pk)
    assert level(own_scale_tracker, pages) == "M"
    setting = tracker_setting(Tracker.objects.get(pk=own_scale_tracker.pk))
    assert setting.in_force[SCALE].locked_by == "the district"


def test_a_schools_policy_wins_over_the_districts_unless_locked(pages: Pages) -> None:
    world = pages.world
    district_calc = {"method": "highest", "decay": "0.65", "weight": "0.65", "n_mastery": 3}
    school_calc = {**district_calc, "method": "most_recent"}
    run_policy(
        settings_policy_change(
            actor=world.admin, org=world.district, values={CALCULATION: district_calc}, locked=[]
        ).pk  # type: ignore[union-attr]
    )
    run_policy(
        settings_policy_change(
            actor=world.leader, org=world.school, values={CALCULATION: school_calc}, locked=[]
        ).pk  # type: ignore[union-attr]
    )
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    assert tracker.method == "most_recent"
    assert tracker_setting(tracker).in_force_phrases[CALCULATION] == "Adams Middle's policy"
    run_policy(
        settings_policy_change(
            actor=world.admin,
            org=world.district,
            values={CALCULATION: district_calc},
            locked=[CALCULATION],
        ).pk  # type: ignore[union-attr]
    )
    assert Tracker.objects.get(pk=pages.tracker.pk).method == "highest"
    # The school may no longer set another method; its leader is told who locked it.
    with pytest.raises(ValidationError) as refused:
        settings_policy_change(
            actor=world.leader, org=world.school, values={CALCULATION: school_calc}, locked=[]
        )
    assert refused.value.message_dict[CALCULATION] == [
        "The calculation method is locked by the district; ask them to change it."
    ]
    # Nor may the teacher, on the tracker.
    with pytest.raises(ValidationError) as refused:
        services.tracker_settings_change(actor=world.teacher, tracker=tracker, method="average")
    assert "locked by the district" in refused.value.message_dict["method"][0]
    assert Tracker.objects.get(pk=pages.tracker.pk).method == "highest"


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        (
            {SCALE: [{"name": "Mastery", "abbreviation": "M", "cut": "80"}]},
            SCALE,
            "A scale needs at least two levels",
        ),
        (
            {SCALE: scale_with_mastery_from(40)},
            SCALE,
            "Cut scores must go strictly down from the top level: Near Mastery (50) is not "
            "below Mastery (40).",
        ),
        (
            {
                SCALE: [
                    {**scale_to_data(DEFAULT_SCALE)[0], "colours": {"traffic_light": "green"}},
                    *scale_to_data(DEFAULT_SCALE)[1:],
                ]
            },
            SCALE,
            "Colours must give traffic_light, skittles and colour_blind_safe.",
        ),
        (
            {CALCULATION: {"method": "guess", "decay": "0.65", "weight": "0.65", "n_mastery": 3}},
            "method",
            "Unknown calculation method 'guess'; choose one of",
        ),
        (
            {CALCULATION: {"method": "average", "decay": "1.5", "weight": "0.65", "n_mastery": 3}},
            "decay",
            "Decay must be between",
        ),
        ({PORTAL: {"portal_scores": "sometimes"}}, "portal_scores", "Choose one of"),
    ],
)
def test_a_bad_policy_is_refused_in_words_and_changes_nothing(
    pages: Pages, values: dict[str, Any], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        settings_policy_change(
            actor=pages.world.admin, org=pages.world.district, values=values, locked=[]
        )
    assert refused.value.message_dict[field][0].startswith(message), refused.value.message_dict
    assert not SettingsPolicy.objects.exists()
    assert not PolicyRun.objects.exists()
    assert not AuditEvent.objects.filter(action="policy.changed").exists()


def test_only_the_districts_admins_and_the_schools_leaders_set_a_policy(pages: Pages) -> None:
    world = pages.world
    for actor, org in (
        (world.leader, world.district),
        (world.other_leader, world.school),
        (world.teacher, world.school),
    ):
        with pytest.raises(PermissionDenied):
            settings_policy_change(actor=actor, org=org, values={}, locked=[SCALE])
    assert not SettingsPolicy.objects.exists()


def test_an_archived_tracker_keeps_its_settings(pages: Pages) -> None:
    Tracker.objects.filter(pk=pages.tracker.pk).update(is_archived=True)
    run = settings_policy_change(
        actor=pages.world.admin,
        org=pages.world.district,
        values={SCALE: scale_with_mastery_from(65)},
        locked=[SCALE],
    )
    assert run is not None
    assert run_policy(run.pk).total_trackers == 0
    assert Tracker.objects.get(pk=pages.tracker.pk).scale is None
