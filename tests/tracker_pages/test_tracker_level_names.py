"""A tracker's own level names, abbreviations and colours on its Settings page: shown with
where they come from, a rename or recolour saved without recalculating and used by the grid,
the student's and the family's pages; a new abbreviation recalculates; bad rows, a locked
scale and a leader are refused with nothing changed."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from masterly.core.models import AuditEvent
from masterly.mastery import FOUR_LEVEL_SCALE
from masterly.portals.trackers.settings_forms import TrackerSettingsForm
from masterly.trackers.models import PolicyRun, RecomputeRun, Rollup, Tracker
from masterly.trackers.policy import SCALE
from masterly.trackers.rollups import run_recompute
from masterly.trackers.scales import DEFAULT_SCALE, scale_to_data
from masterly.trackers.services.policy import run_policy, settings_policy_change
from tests.tracker_pages.conftest import Pages, text, url
from tests.tracker_pages.test_tracker_settings_pages import settings_post, snapshot

# The Mastery level renamed and recoloured (its abbreviation and cut as they were).
PROFICIENT = {"level1_name": "Proficient", "level1_traffic_light": "#1B5E20"}


def mastery_level(pages: Pages) -> str:
    return Rollup.objects.get(
        tracker=pages.tracker, student=pages.world.student, standard=pages.ratio_1
    ).level


def test_the_settings_page_shows_each_level_and_where_the_scale_comes_from(
    pages: Pages,
) -> None:
    page = text(pages.client("teacher").get(url("tracker_settings", pages)))
    assert "In force: the built-in default." in page
    assert (
        "Without its own: Mastery (M) from 80 %, Near Mastery (NM) from 50 %, Remediation (R) "
        "from 0 % — from the built-in default." in page
    )
    for name, value in (
        ("level1_name", "Mastery"),
        ("level1_abbreviation", "M"),
        ("level1_traffic_light", "#2E7D32"),
        ("level3_colour_blind_safe", "#D55E00"),
        ("level0_name", "Advanced"),  # offered for 4 levels
    ):
        assert f'name="{name}" value="{value}"' in page, name
    assert '<label class="visually-hidden" for="id_level2_name">Level below mastery name' in page
    assert 'class="level-chip lc-2e7d32">M</span> Mastery' in page  # as saved, drawn


def test_a_renamed_recoloured_level_shows_at_once_without_recalculating(pages: Pages) -> None:
    pages.record(pages.world.student, pages.ratio_1, 4)
    before = snapshot(pages)
    teacher = pages.client("teacher")
    response = teacher.post(url("tracker_settings", pages), settings_post(**PROFICIENT))
    assert response.status_code == 302
    assert response["Location"] == url("tracker_grid", pages)
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    assert tracker.own_settings[SCALE][0]["name"] == "Proficient"
    assert tracker.mastery_scale().levels[0].colours.traffic_light == "#1B5E20"
    # Rollups store abbreviations: none recalculated, none needed.
    assert tracker.settings_version == before["settings_version"]
    assert RecomputeRun.objects.filter(tracker=tracker).count() == before["runs"]
    assert mastery_level(pages) == "M"
    event = AuditEvent.objects.get(action="tracker.settings_changed")
    assert event.summary == "Level names or colours of 'Period 1 math' changed"
    assert event.details["recomputed"] is False
    assert event.details["new"]["scale"][0]["name"] == "Proficient"

    grid = text(teacher.get(url("tracker_grid", pages)))
    assert 'class="level-chip lc-1b5e20">M</span> Proficient' in grid  # the legend
    assert "/trackers/colours/" in grid and "1b5e20" in grid
    settings = text(teacher.get(url("tracker_settings", pages)))
    assert "In force: this tracker's own setting." in settings
    assert "Without its own: Mastery (M) from 80 %" in settings  # what following gives back
    student = pages.client("student").get(reverse("student_mastery", args=[pages.tracker.pk]))
    assert student.status_code == 200 and "Proficient" in text(student)
    family = pages.client("parent").get(
        reverse("family_mastery", args=[pages.world.student.pk, pages.tracker.pk])
    )
    assert family.status_code == 200 and "Proficient" in text(family)


def test_a_new_abbreviation_recalculates_every_cell(pages: Pages) -> None:
    pages.record(pages.world.student, pages.ratio_1, 4)
    before = snapshot(pages)
    teacher = pages.client("teacher")
    response = teacher.post(
        url("tracker_settings", pages), settings_post(**PROFICIENT, level1_abbreviation="P")
    )
    run = RecomputeRun.objects.filter(tracker=pages.tracker).latest("id")
    assert response["Location"] == reverse(
        "trackers:recompute_progress", args=[pages.tracker.pk, run.pk]
    )
    assert Tracker.objects.get(pk=pages.tracker.pk).settings_version == (
        before["settings_version"] + 1
    )
    run_recompute(run.pk)
    assert mastery_level(pages) == "P"
    grid = text(teacher.get(url("tracker_grid", pages)))
    assert 'class="level-chip lc-1b5e20">P</span> Proficient' in grid


def test_four_renamed_levels_keep_mastery_in_its_place(pages: Pages) -> None:
    teacher = pages.client("teacher")
    response = teacher.post(
        url("tracker_settings", pages),
        settings_post(
            levels="4",
            cut_advanced="90",
            level0_name="Exceeds",
            level0_abbreviation="E",
            level1_name="Meets",
            level1_abbreviation="ME",
        ),
    )
    assert response.status_code == 302
    scale = Tracker.objects.get(pk=pages.tracker.pk).mastery_scale()
    assert [(level.name, level.abbreviation) for level in scale.levels] == [
        ("Exceeds", "E"),
        ("Meets", "ME"),
        ("Near Mastery", "NM"),
        ("Remediation", "R"),
    ]
    assert scale.mastery == "ME"  # n times at mastery counts the renamed Mastery level


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"level1_name": " "}, "level1_name", "Mastery level needs its name."),
        (
            {"level3_abbreviation": ""},
            "level3_abbreviation",
            "Lowest level needs its abbreviation.",
        ),
        (
            {"level2_abbreviation": "M"},
            "level2_abbreviation",
            "Level abbreviations must be unique; repeated: M.",
        ),
        (
            {"level3_abbreviation": "NS"},  # "not assessed" has it
            "level3_abbreviation",
            "Level abbreviations must be unique; repeated: NS.",
        ),
        (
            {"level1_traffic_light": "green"},
            "level1_traffic_light",
            "Give a colour as # and six hex digits, like #2E7D32.",
        ),
        (
            {"level2_skittles": "#FFF"},
            "level2_skittles",
            "Give a colour as # and six hex digits, like #2E7D32.",
        ),
        (
            {"levels": "4", "cut_advanced": "90", "level0_name": ""},
            "level0_name",
            "Level above mastery needs its name.",
        ),
    ],
)
def test_a_bad_level_row_is_refused_on_its_field_with_nothing_changed(
    pages: Pages, changes: dict[str, str], field: str, message: str
) -> None:
    before = snapshot(pages)
    response = pages.client("teacher").post(
        url("tracker_settings", pages),
        # With other changes, none of which may be saved either.
        settings_post(**{"level1_name": "Proficient", **changes, "method": "highest"}),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert errors[field] == [message]
    page = text(response)
    assert "Nothing was saved. Fix the following:" in page
    assert f'<a href="#id_{field}">' in page and message in page
    assert snapshot(pages) == before


def test_a_locked_scale_shows_disabled_and_a_rename_posted_anyway_is_refused(
    pages: Pages,
) -> None:
    run = settings_policy_change(
        actor=pages.world.admin,
        org=pages.world.district,
        values={SCALE: scale_to_data(DEFAULT_SCALE)},
        locked=[SCALE],
    )
    assert run is not None
    run_policy(run.pk)
    teacher = pages.client("teacher")
    page = text(teacher.get(url("tracker_settings", pages)))
    assert "Locked by the district" in page
    assert re.search(r'<input [^>]*name="level1_name" value="Mastery"[^>]* disabled', page)
    before = snapshot(pages)
    response = teacher.post(url("tracker_settings", pages), settings_post(**PROFICIENT))
    assert response.status_code == 400
    assert response.context["form"].errors["level1_name"] == [
        "The mastery scale is locked by the district; ask them to change it."
    ]
    assert snapshot(pages) == before
    assert SCALE not in Tracker.objects.get(pk=pages.tracker.pk).own_settings


@pytest.mark.parametrize(
    ("persona", "status"), [("leader", 403), ("admin", 403), ("other_teacher", 404)]
)
def test_nobody_but_the_owner_renames_a_level(pages: Pages, persona: str, status: int) -> None:
    """A leader reads the tracker (its Settings too) and changes none of it."""
    before = snapshot(pages)
    response = pages.client(persona).post(
        url("tracker_settings", pages), settings_post(**PROFICIENT)
    )
    assert response.status_code == status
    assert snapshot(pages) == before


def test_a_district_rename_reaches_a_following_tracker_without_recalculating(
    pages: Pages,
) -> None:
    before = snapshot(pages)
    scale: list[dict[str, Any]] = scale_to_data(DEFAULT_SCALE)
    scale[1]["name"] = "Approaching"
    run = settings_policy_change(
        actor=pages.world.admin, org=pages.world.district, values={SCALE: scale}, locked=[]
    )
    assert run is not None
    run = run_policy(run.pk)
    assert (run.status, run.changed_trackers) == (PolicyRun.Status.DONE, 1)
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    assert tracker.mastery_scale().levels[1].name == "Approaching"
    assert tracker.settings_version == before["settings_version"]
    assert RecomputeRun.objects.filter(tracker=tracker).count() == before["runs"]
    grid = text(pages.client("teacher").get(url("tracker_grid", pages)))
    assert "NM</span> Approaching" in grid


@pytest.mark.parametrize("locked", [False, True])
def test_a_tracker_following_a_two_level_district_scale_saves_its_other_settings(
    pages: Pages, locked: bool
) -> None:
    """The level rows show 3 or 4 levels: a district scale of two (Met, Not yet), followed as
    it is, is not checked as rows (its one level shown twice was refused as a repeated
    abbreviation, and no setting of the page could be saved)."""
    two = scale_to_data(DEFAULT_SCALE)
    del two[1]  # Mastery (M) from 80 %, Remediation (R) from 0 %
    run = settings_policy_change(
        actor=pages.world.admin,
        org=pages.world.district,
        values={SCALE: two},
        locked=[SCALE] if locked else [],
    )
    assert run is not None
    run_policy(run.pk)
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    shown = TrackerSettingsForm.initial_for(tracker)  # what the page's fields hold
    posted = {name: "" if value is None else str(value) for name, value in shown.items()}
    posted.update(action="save", follow_scale="on", follow_calculation="on")
    posted["portal_answer_key"] = "always"
    response = pages.client("teacher").post(url("tracker_settings", pages), posted)
    assert response.status_code == 302, text(response)
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    assert tracker.portal_answer_key == "always"
    assert [level.abbreviation for level in tracker.mastery_scale().levels] == ["M", "R"]
    assert SCALE not in tracker.own_settings


def test_a_rename_keeps_the_mastery_level_the_scale_had(pages: Pages) -> None:
    """A district whose mastery is its top level (Advanced, of four): a teacher renaming
    another level keeps mastery where it was, and nothing is recalculated (the mastery level
    was moved to the second row, and every cell recalculated, by a rename)."""
    four = scale_to_data(FOUR_LEVEL_SCALE)
    for level in four:
        level["is_mastery"] = level["abbreviation"] == "A"
    run = settings_policy_change(
        actor=pages.world.admin, org=pages.world.district, values={SCALE: four}, locked=[]
    )
    assert run is not None
    run_policy(run.pk)
    before = snapshot(pages)
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    assert tracker.mastery_scale().mastery == "A"
    shown = TrackerSettingsForm.initial_for(tracker)
    posted = {name: "" if value is None else str(value) for name, value in shown.items()}
    posted.update(action="save", follow_calculation="on", level2_name="Approaching")
    response = pages.client("teacher").post(url("tracker_settings", pages), posted)
    assert response.status_code == 302, text(response)
    scale = Tracker.objects.get(pk=pages.tracker.pk).mastery_scale()
    assert [level.name for level in scale.levels][2] == "Approaching"
    assert scale.mastery == "A"
    assert RecomputeRun.objects.filter(tracker=pages.tracker).count() == before["runs"]
