"""The policy pages: a district admin's and a school leader's, the inherited values and
where they come from, locks, refusals in words, and the tracker's Settings page saying
where each value comes from and refusing a locked one."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from masterly.trackers.models import PolicyRun, SettingsPolicy, Tracker
from masterly.trackers.policy import SCALE
from masterly.trackers.services.policy import run_policy
from tests.tracker_pages.conftest import LEVEL_ROWS_SHOWN, Pages, text, url


def policy_post(**changes: Any) -> dict[str, Any]:
    """The district page's form as it comes (the built-in values), with ``changes``."""
    data: dict[str, Any] = {
        "mastery": "M",
        "method": "decaying_average",
        "decay": "0.65",
        "weight": "0.65",
        "n_mastery": "3",
        "portal_scores": "always",
        "portal_assessments": "after_all",
        "portal_answer_key": "never",
        "portal_item_analysis": "never",
    }
    for row, (name, abbreviation, cut, colour) in enumerate(
        [
            ("Mastery", "M", "80", "#2E7D32"),
            ("Near Mastery", "NM", "50", "#F9A825"),
            ("Remediation", "R", "0", "#C62828"),
        ]
    ):
        data.update(
            {
                f"level{row}_name": name,
                f"level{row}_abbreviation": abbreviation,
                f"level{row}_cut": cut,
                f"level{row}_traffic_light": colour,
            }
        )
    data.update(changes)
    return data


def test_who_opens_which_policy_page(pages: Pages) -> None:
    world = pages.world
    district = reverse("policy_page", args=[world.district.pk])
    school = reverse("policy_page", args=[world.school.pk])
    school_b = reverse("policy_page", args=[world.school_b.pk])
    expected = {
        "admin": (200, 200, 200),
        "leader": (404, 200, 404),
        "other_leader": (404, 404, 200),
        "teacher": (404, 404, 404),
        "student": (404, 404, 404),
        "parent": (404, 404, 404),
    }
    for persona, codes in expected.items():
        client = pages.client(persona)
        got = tuple(client.get(address).status_code for address in (district, school, school_b))
        assert got == codes, persona
        posted = client.post(district, policy_post(own_scale="on", level0_cut="75"))
        assert posted.status_code == (302 if codes[0] == 200 else 404), persona
    assert SettingsPolicy.objects.get().org == world.district  # the admin's post only


def test_the_district_page_changes_the_cut_score_and_shows_the_progress(pages: Pages) -> None:
    client = pages.client("admin")
    address = reverse("policy_page", args=[pages.world.district.pk])
    page = text(client.get(address))
    assert "District policy of Demo District" in page
    assert "Inherited: Mastery (M) from 80 %, Near Mastery (NM) from 50 %" in page
    assert "from the built-in default" in page
    response = client.post(address, policy_post(own_scale="on", level0_cut="70"))
    assert response.status_code == 302
    run = PolicyRun.objects.get()
    page = text(client.get(address))
    assert "Waiting to start" in page and "0 of 0 trackers" in page
    progress = reverse("policy_run_progress", args=[pages.world.district.pk, run.pk])
    assert f'data-policy-run-url="{progress}"' in page
    assert client.get(progress).json()["text"] == "Waiting to start — 0 of 0 trackers (0 %)"
    assert pages.client("leader").get(progress).status_code == 404
    run_policy(run.pk)
    page = text(client.get(address))
    assert "1 of 1 tracker (100 %)" in page and "data-policy-run-url" not in page
    assert client.get(progress).json()["is_finished"]
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    assert tracker.mastery_scale().levels[0].cut == 70
    settings = text(pages.client("teacher").get(url("tracker_settings", pages)))
    assert "In force: the district's policy." in settings


def test_a_bad_scale_is_refused_in_words_with_nothing_saved(pages: Pages) -> None:
    client = pages.client("admin")
    address = reverse("policy_page", args=[pages.world.district.pk])
    for changes, message in (
        (
            {"level1_cut": "85"},
            "Cut scores must go strictly down from the top level: Near Mastery (85) is not "
            "below Mastery (80).",
        ),
        ({"level2_cut": "10"}, "The lowest level (Remediation) must start at 0"),
        ({"level0_traffic_light": "green"}, "Give a colour as # and six hex digits"),
        ({"level1_abbreviation": "M"}, "Level abbreviations must be unique; repeated: M."),
        ({"level1_abbreviation": ""}, "Level 2 needs its abbreviation."),
    ):
        response = client.post(address, policy_post(own_scale="on", **changes))
        assert response.status_code == 400, changes
        page = text(response)
        assert "Nothing was saved." in page and message in page, (changes, page[-3000:])
    assert not SettingsPolicy.objects.exists() and not PolicyRun.objects.exists()


def test_a_lock_shows_on_the_school_page_and_the_trackers_settings(pages: Pages) -> None:
    admin = pages.client("admin")
    admin.post(
        reverse("policy_page", args=[pages.world.district.pk]),
        policy_post(own_scale="on", lock_scale="on", level0_cut="75"),
    )
    run_policy(PolicyRun.objects.get().pk)
    school = text(pages.client("leader").get(reverse("policy_page", args=[pages.world.school.pk])))
    assert "Locked by the district" in school
    assert 'name="own_scale" disabled' in school or "disabled" in school
    teacher = pages.client("teacher")
    settings = text(teacher.get(url("tracker_settings", pages)))
    assert "Locked by the district" in settings
    assert "It cannot be changed for this tracker." in settings
    # A crafted post cannot change it: the locked fields keep the value in force.
    before = Tracker.objects.get(pk=pages.tracker.pk).scale
    response = teacher.post(
        url("tracker_settings", pages),
        {
            "action": "save",
            "levels": "3",
            "cut_mastery": "95",
            "cut_near": "50",
            "method": "decaying_average",
            "decay": "0.65",
            "weight": "0.65",
            "n_mastery": "3",
            "portal_scores": "always",
            "portal_assessments": "after_all",
            "portal_answer_key": "never",
            "portal_item_analysis": "never",
            "follow_calculation": "on",
            "follow_portal": "on",
        },
    )
    # Refused in words (a page opened before the lock would post it), nothing saved.
    assert response.status_code == 400
    assert response.context["form"].errors["cut_mastery"] == [
        "The mastery scale is locked by the district; ask them to change it."
    ]
    assert Tracker.objects.get(pk=pages.tracker.pk).scale == before
    assert SCALE not in Tracker.objects.get(pk=pages.tracker.pk).own_settings


def _policy_queries(pages: Pages, schools: int) -> tuple[int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories as f

    for number in range(schools):
        f.OrgFactory(
            sourced_id=f"extra-{number}", name=f"School {number}", parent=pages.world.district
        )
    client = pages.client("admin")
    index, page = reverse("policy_index"), reverse("policy_page", args=[pages.world.school.pk])
    client.get(index)  # the session remembers the role
    counts = []
    for address in (index, page):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200
        counts.append(len(queries))
    return counts[0], counts[1]


def test_the_policy_pages_run_the_same_queries_for_a_small_and_a_large_district(
    pages: Pages,
) -> None:
    small = _policy_queries(pages, 0)
    assert _policy_queries(pages, 12) == small


def test_a_changed_value_is_the_trackers_own_and_a_ticked_box_follows_again(
    pages: Pages,
) -> None:
    teacher = pages.client("teacher")
    form = {
        "action": "save",
        "levels": "3",
        "cut_mastery": "80",
        "cut_near": "50",
        "method": "highest",  # changed, with its "use the default" box left ticked
        "decay": "0.65",
        "weight": "0.65",
        "n_mastery": "3",
        "portal_scores": "always",
        "portal_assessments": "after_all",
        "portal_answer_key": "never",
        "portal_item_analysis": "never",
        **LEVEL_ROWS_SHOWN,
        "follow_scale": "on",
        "follow_calculation": "on",
        "follow_portal": "on",
    }
    assert teacher.post(url("tracker_settings", pages), form).status_code == 302
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    assert tracker.method == "highest" and list(tracker.own_settings) == ["calculation"]
    page = text(teacher.get(url("tracker_settings", pages)))
    assert "In force: this tracker's own setting." in page
    # Ticking the box with the values as shown follows the district again.
    assert teacher.post(url("tracker_settings", pages), form).status_code == 302
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    assert tracker.method == "decaying_average" and tracker.own_settings == {}
