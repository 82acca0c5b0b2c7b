"""The owner's four settings forms (Students, Mastery Tracker, Tools & Accommodations,
Settings): each shows the current values, Save changes what the grid shows or how mastery is
calculated, bad input changes nothing and says why, and Return to Default asks first.
The Students and Tools pages run as many queries for 3 students as for 40."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from typing import Any

from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.accounts.models import User
from masterly.assessments.models import Accommodations
from masterly.assessments.selectors import accommodations_of
from masterly.core.models import AuditEvent
from masterly.roster.models import Enrollment
from masterly.trackers.models import RecomputeRun, Rollup, Tracker, TrackerStandard
from masterly.trackers.services import display
from tests import factories as f
from tests.assessment_factories import StandardFactory
from tests.tracker_pages.conftest import LEVEL_ROWS_SHOWN, Pages, rename, text, url

SCHOOL_YEAR = 2027  # the year the term of world.section's school year ends in

# What the Settings form holds for a new tracker (the district's defaults).
DEFAULT_SETTINGS = {
    "levels": "3",
    "cut_advanced": "",
    "cut_mastery": "80",
    "cut_near": "50",
    "method": "decaying_average",
    "decay": "0.65",
    "weight": "0.65",
    "n_mastery": "3",
    "portal_scores": "always",
    "portal_assessments": "after_all",
    "portal_answer_key": "never",
    "portal_item_analysis": "never",
    **LEVEL_ROWS_SHOWN,
}


def class_of_three(pages: Pages) -> list[User]:
    """Ada Adams (world.student), Ben Baker and Cy Clark, in name order."""
    baker, clark = pages.add_students(2)
    return [
        rename(pages.world.student, "Ada", "Adams"),
        rename(baker, "Ben", "Baker"),
        rename(clark, "Cy", "Clark"),
    ]


def grid_rows(response: HttpResponse) -> list[str]:
    """The grid's student names, top to bottom."""
    cells = re.findall(
        r'<th scope="row" class="grid-student">(.*?)</th>', response.content.decode()
    )
    return [html.unescape(re.sub(r"<span.*?</span>", "", cell)) for cell in cells]


def grid_codes(response: HttpResponse) -> list[str]:
    return re.findall(r"<abbr [^>]*>([^<]+)</abbr>", response.content.decode())


def snapshot(pages: Pages) -> dict[str, Any]:
    """Everything the four forms can change, to compare before and after a refused post."""
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    return {
        "audit": AuditEvent.objects.count(),
        "runs": RecomputeRun.objects.filter(tracker=tracker).count(),
        "settings_version": tracker.settings_version,
        "calculation": (tracker.method, tracker.decay, tracker.weight, tracker.n_mastery),
        "scale": tracker.scale,
        "portal": (
            tracker.portal_scores,
            tracker.portal_assessments,
            tracker.portal_answer_key,
            tracker.portal_item_analysis,
        ),
        "chosen": sorted(tracker.chosen_students.values_list("pk", flat=True)),
        "pinned": sorted(tracker.pinned_students.values_list("pk", flat=True)),
        "placements": list(
            TrackerStandard.objects.filter(tracker=tracker)
            .order_by("position", "id")
            .values_list("standard_id", "unit_title", "is_hidden")
        ),
        "accommodations": sorted(
            Accommodations.objects.values_list("student_id", "school_year", "tools")
        ),
    }


# ------------------------------------------------------------------ Students


def test_students_page_shows_each_student_with_show_and_pin(pages: Pages) -> None:
    ada, ben, cy = class_of_three(pages)
    display.tracker_students_choose(
        actor=pages.world.teacher, tracker=pages.tracker, chosen=[ben.pk], pinned=[cy.pk]
    )
    response = pages.client("teacher").get(url("tracker_students", pages))
    assert response.status_code == 200
    page = text(response)
    assert re.findall(r'<th scope="row">(.*?)</th>', page) == [
        "Adams, Ada",
        "Baker, Ben",
        "Clark, Cy",
    ]
    assert f'id="chosen-{ben.pk}" checked' in page
    assert f'id="chosen-{ada.pk}"' in page and f'id="chosen-{ada.pk}" checked' not in page
    assert f'id="pinned-{cy.pk}" checked' in page
    assert f'id="pinned-{ben.pk}" checked' not in page
    assert 'value="save"' in page and 'value="default"' in page


def test_choosing_one_student_narrows_the_grid_until_asked_for_all(pages: Pages) -> None:
    _ada, ben, _cy = class_of_three(pages)
    client = pages.client("teacher")
    response = client.post(url("tracker_students", pages), {"action": "save", "chosen": [ben.pk]})
    assert response.status_code == 302
    assert response["Location"] == url("tracker_grid", pages)
    grid = client.get(url("tracker_grid", pages))
    assert grid_rows(grid) == ["Baker, Ben"]
    assert "Showing the 1 student chosen under Students." in text(grid)
    assert "Show all students" in text(grid)
    assert "?students=all" in grid.content.decode()
    everyone = client.get(url("tracker_grid", pages) + "?students=all")
    assert grid_rows(everyone) == ["Adams, Ada", "Baker, Ben", "Clark, Cy"]
    assert "Show all students" not in text(everyone)
    assert list(pages.tracker.chosen_students.all()) == [ben]
    assert AuditEvent.objects.filter(action="tracker.students_chosen").count() == 1


def test_a_pinned_student_comes_first(pages: Pages) -> None:
    _ada, _ben, cy = class_of_three(pages)
    client = pages.client("teacher")
    response = client.post(url("tracker_students", pages), {"action": "save", "pinned": [cy.pk]})
    assert response.status_code == 302
    grid = client.get(url("tracker_grid", pages))
    assert grid_rows(grid) == ["Clark, Cy", "Adams, Ada", "Baker, Ben"]
    assert "Pinned:" in grid.content.decode()
    assert "Show all students" not in text(grid)  # pinning alone narrows nothing
    by_mastery = client.get(url("tracker_grid", pages) + "?sort=mastery")
    assert grid_rows(by_mastery)[0] == "Clark, Cy"


def test_choosing_a_student_of_another_class_is_refused(pages: Pages) -> None:
    ada, _ben, _cy = class_of_three(pages)
    before = snapshot(pages)
    client = pages.client("teacher")
    for chosen in ([ada.pk, pages.world.other_student.pk], ["not-a-number"]):
        response = client.post(url("tracker_students", pages), {"action": "save", "chosen": chosen})
        assert response.status_code == 400
        assert "Nothing was saved." in text(response)
        assert "Choose only students of this tracker's classes; reload the page." in text(response)
    response = client.post(
        url("tracker_students", pages),
        {"action": "save", "pinned": [pages.world.school_b_student.pk]},
    )
    assert response.status_code == 400
    assert snapshot(pages) == before


def test_students_return_to_default_asks_first_then_shows_everyone(pages: Pages) -> None:
    _ada, ben, cy = class_of_three(pages)
    display.tracker_students_choose(
        actor=pages.world.teacher, tracker=pages.tracker, chosen=[ben.pk], pinned=[cy.pk]
    )
    before = snapshot(pages)
    client = pages.client("teacher")
    response = client.post(url("tracker_students", pages), {"action": "default"})
    assert response.status_code == 200
    page = text(response)
    assert "Return to the default?" in page
    assert "Every student of the tracker's classes will show again" in page
    assert '<input type="hidden" name="confirm" value="yes">' in page
    assert snapshot(pages) == before
    response = client.post(url("tracker_students", pages), {"action": "default", "confirm": "yes"})
    assert response.status_code == 302
    assert not pages.tracker.chosen_students.exists()
    assert not pages.tracker.pinned_students.exists()
    grid = client.get(url("tracker_grid", pages))
    assert grid_rows(grid) == ["Adams, Ada", "Baker, Ben", "Clark, Cy"]
    assert "Back to the default: every student shows, none pinned." in text(grid)


# ------------------------------------------------------------------ Mastery Tracker


def test_standards_page_shows_units_and_which_standards_show(pages: Pages) -> None:
    display.tracker_standards_show(
        actor=pages.world.teacher,
        tracker=pages.tracker,
        shown=[pages.ratio_1.pk, pages.expressions.pk],
    )
    response = pages.client("teacher").get(url("tracker_standards", pages))
    assert response.status_code == 200
    page = text(response)
    assert "Ratios" in page and "Expressions" in page
    assert page.index("6.RP.A.1") < page.index("6.RP.A.2") < page.index("6.EE.A.1")
    assert f'id="shown-{pages.ratio_1.pk}" data-check-group="unit-1" checked' in page
    assert f'id="shown-{pages.ratio_2.pk}" data-check-group="unit-1">' in page
    assert f'id="shown-{pages.expressions.pk}" data-check-group="unit-2" checked' in page
    assert "Add a standard by its code" in page


def test_hiding_a_standard_takes_its_column_off_the_grid_and_keeps_its_mastery(
    pages: Pages,
) -> None:
    pages.record(pages.world.student, pages.ratio_2, 4)
    client = pages.client("teacher")
    assert grid_codes(client.get(url("tracker_grid", pages))) == [
        "6.RP.A.1",
        "6.RP.A.2",
        "6.EE.A.1",
    ]
    response = client.post(
        url("tracker_standards", pages),
        {"action": "save", "shown": [pages.ratio_1.pk, pages.expressions.pk]},
    )
    assert response.status_code == 302
    assert response["Location"] == url("tracker_grid", pages)
    grid = client.get(url("tracker_grid", pages))
    assert grid_codes(grid) == ["6.RP.A.1", "6.EE.A.1"]
    assert 'colspan="1" class="grid-unit">Ratios<' in grid.content.decode()
    rollup = Rollup.objects.get(
        tracker=pages.tracker, student=pages.world.student, standard=pages.ratio_2
    )
    assert rollup.level == "M"
    assert TrackerStandard.objects.get(tracker=pages.tracker, standard=pages.ratio_2).is_hidden
    # Shown again, it comes back with its mastery.
    client.post(
        url("tracker_standards", pages),
        {"action": "save", "shown": [pages.ratio_1.pk, pages.ratio_2.pk, pages.expressions.pk]},
    )
    grid = client.get(url("tracker_grid", pages))
    assert grid_codes(grid) == ["6.RP.A.1", "6.RP.A.2", "6.EE.A.1"]
    assert f"/cells/{pages.world.student.pk}/{pages.ratio_2.pk}/" in grid.content.decode()


def test_hiding_every_standard_or_a_stranger_is_refused(pages: Pages) -> None:
    stranger = StandardFactory(human_coding_scheme="7.RP.A.1")
    before = snapshot(pages)
    client = pages.client("teacher")
    response = client.post(url("tracker_standards", pages), {"action": "save"})
    assert response.status_code == 400
    assert "Nothing was saved." in text(response)
    assert "Show at least one standard." in text(response)
    response = client.post(
        url("tracker_standards", pages), {"action": "save", "shown": [stranger.pk]}
    )
    assert response.status_code == 400
    assert "Choose only standards of this tracker; reload the page." in text(response)
    assert snapshot(pages) == before


def test_adding_a_standard_by_code_puts_it_under_added_standards(pages: Pages) -> None:
    added = StandardFactory(
        framework=pages.ratio_1.framework,
        human_coding_scheme="6.RP.A.3",
        full_statement="Use ratio and rate reasoning to solve problems.",
    )
    runs = RecomputeRun.objects.filter(tracker=pages.tracker).count()
    client = pages.client("teacher")
    response = client.post(url("tracker_standards", pages), {"action": "add", "code": " 6.rp.a.3 "})
    assert response.status_code == 302
    run = RecomputeRun.objects.filter(tracker=pages.tracker).latest("id")
    assert RecomputeRun.objects.filter(tracker=pages.tracker).count() == runs + 1
    assert response["Location"] == reverse(
        "trackers:recompute_progress", args=[pages.tracker.pk, run.pk]
    )
    assert client.get(response["Location"]).status_code == 200
    placement = TrackerStandard.objects.get(tracker=pages.tracker, standard=added)
    assert placement.unit_title == "Added standards"
    assert not placement.is_hidden
    grid = client.get(url("tracker_grid", pages))
    assert grid_codes(grid) == ["6.RP.A.1", "6.RP.A.2", "6.EE.A.1", "6.RP.A.3"]
    assert 'colspan="1" class="grid-unit">Added standards<' in grid.content.decode()
    assert AuditEvent.objects.filter(action="tracker.standard_added").count() == 1


def test_adding_an_unknown_code_says_so_and_adds_nothing(pages: Pages) -> None:
    before = snapshot(pages)
    client = pages.client("teacher")
    response = client.post(url("tracker_standards", pages), {"action": "add", "code": "9.ZZ.Z.9"})
    assert response.status_code == 400
    message = (
        "No standard has the code “9.ZZ.Z.9”. Check the code, or use Find standards to search "
        "by words."
    )
    assert response.context["add_form"].errors["code"] == [message]
    assert message in text(response)
    response = client.post(url("tracker_standards", pages), {"action": "add", "code": ""})
    assert response.status_code == 400
    assert "Type the code of the standard to add." in text(response)
    assert snapshot(pages) == before


def test_adding_a_standard_already_in_the_tracker_says_so(pages: Pages) -> None:
    TrackerStandard.objects.filter(tracker=pages.tracker, standard=pages.expressions).update(
        is_hidden=True
    )
    before = snapshot(pages)
    response = pages.client("teacher").post(
        url("tracker_standards", pages), {"action": "add", "code": "6.EE.A.1"}
    )
    assert response.status_code == 400
    assert snapshot(pages) == before
    message = "6.EE.A.1 is already in this tracker (show it if it is hidden)."
    assert response.context["add_form"].errors["code"] == [message]
    assert message in text(response)


def test_standards_return_to_default_asks_first_then_shows_every_standard(pages: Pages) -> None:
    display.tracker_standards_show(
        actor=pages.world.teacher, tracker=pages.tracker, shown=[pages.expressions.pk]
    )
    before = snapshot(pages)
    client = pages.client("teacher")
    response = client.post(url("tracker_standards", pages), {"action": "default"})
    assert response.status_code == 200
    assert "Return to the default?" in text(response)
    assert "Every standard of the tracker will show again." in text(response)
    assert snapshot(pages) == before
    response = client.post(url("tracker_standards", pages), {"action": "default", "confirm": "yes"})
    assert response.status_code == 302
    assert not TrackerStandard.objects.filter(tracker=pages.tracker, is_hidden=True).exists()
    grid = client.get(url("tracker_grid", pages))
    assert grid_codes(grid) == ["6.RP.A.1", "6.RP.A.2", "6.EE.A.1"]


# ------------------------------------------------------------------ Tools & Accommodations


def test_tools_page_shows_each_students_tools_for_the_school_year(pages: Pages) -> None:
    ada, ben, _cy = class_of_three(pages)
    Accommodations.objects.create(student=ben, school_year=SCHOOL_YEAR, tools=["calculator"])
    Accommodations.objects.create(student=ada, school_year=SCHOOL_YEAR - 1, tools=["magnifier"])
    response = pages.client("teacher").get(url("tracker_tools", pages))
    assert response.status_code == 200
    page = text(response)
    assert "2026–2027 school year" in page
    assert "Text-to-speech" in page and "Extended time" in page
    assert f'value="{ben.pk}:calculator" checked' in page
    assert (
        f'value="{ben.pk}:magnifier"' in page and f'value="{ben.pk}:magnifier" checked' not in page
    )
    assert f'value="{ada.pk}:magnifier" checked' not in page  # last year's stay last year's
    assert page.count(" checked") == 1


def test_saving_tools_stores_them_per_student_for_the_school_year(pages: Pages) -> None:
    ada, ben, cy = class_of_three(pages)
    client = pages.client("teacher")
    response = client.post(
        url("tracker_tools", pages),
        {
            "action": "save",
            "tool": [f"{ada.pk}:text_to_speech", f"{ada.pk}:extended_time", f"{cy.pk}:calculator"],
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url("tracker_tools", pages)
    assert accommodations_of([ada.pk, ben.pk, cy.pk], SCHOOL_YEAR) == {
        ada.pk: ["extended_time", "text_to_speech"],
        cy.pk: ["calculator"],
    }
    assert accommodations_of([ada.pk, cy.pk], SCHOOL_YEAR + 1) == {}
    page = text(client.get(url("tracker_tools", pages)))
    assert "Tools and accommodations saved (2 students changed)." in page
    assert f'value="{ada.pk}:text_to_speech" checked' in page
    assert f'value="{cy.pk}:calculator" checked' in page
    assert page.count(" checked") == 3
    # Turning one off changes only that student.
    response = client.post(
        url("tracker_tools", pages),
        {"action": "save", "tool": [f"{ada.pk}:text_to_speech", f"{ada.pk}:extended_time"]},
    )
    assert response.status_code == 302
    assert accommodations_of([ada.pk, cy.pk], SCHOOL_YEAR) == {
        ada.pk: ["extended_time", "text_to_speech"],
        cy.pk: [],
    }
    assert AuditEvent.objects.filter(action="accommodations.changed").count() == 2


def test_bad_tools_are_refused_with_nothing_saved(pages: Pages) -> None:
    ada, ben, _cy = class_of_three(pages)
    before = snapshot(pages)
    client = pages.client("teacher")
    cases = [
        ([f"{ada.pk}:calculator", f"{ben.pk}:jetpack"], "Unknown tool 'jetpack'"),
        (
            [f"{ada.pk}:calculator", f"{pages.world.other_student.pk}:calculator"],
            "Choose tools only for students of this tracker's classes; reload the page.",
        ),
        ([f"{ada.pk}:calculator", "someone:calculator"], "The form was not understood"),
    ]
    for tools, message in cases:
        response = client.post(url("tracker_tools", pages), {"action": "save", "tool": tools})
        assert response.status_code == 400, tools
        assert "Nothing was saved." in text(response)
        assert message in text(response), tools
    assert snapshot(pages) == before


def test_tools_return_to_default_asks_first_then_turns_every_tool_off(pages: Pages) -> None:
    ada, ben, cy = class_of_three(pages)
    client = pages.client("teacher")
    client.post(
        url("tracker_tools", pages),
        {"action": "save", "tool": [f"{ada.pk}:magnifier", f"{cy.pk}:line_reader"]},
    )
    before = snapshot(pages)
    response = client.post(url("tracker_tools", pages), {"action": "default"})
    assert response.status_code == 200
    assert "Return to the default?" in text(response)
    assert "Every tool will be turned off for the 3 students of this tracker." in text(response)
    assert snapshot(pages) == before
    response = client.post(url("tracker_tools", pages), {"action": "default", "confirm": "yes"})
    assert response.status_code == 302
    assert accommodations_of([ada.pk, ben.pk, cy.pk], SCHOOL_YEAR) == {ada.pk: [], cy.pk: []}
    page = text(client.get(url("tracker_tools", pages)))
    assert "Back to the default: every tool is off for these students." in page
    assert " checked" not in page


# ------------------------------------------------------------------ Settings


def settings_post(**changes: str) -> dict[str, str]:
    return {**DEFAULT_SETTINGS, "action": "save", **changes}


def test_settings_page_shows_the_current_values(pages: Pages) -> None:
    Tracker.objects.filter(pk=pages.tracker.pk).update(
        method="weighted_average", weight=Decimal("0.40"), portal_answer_key="always"
    )
    response = pages.client("teacher").get(url("tracker_settings", pages))
    assert response.status_code == 200
    page = text(response)
    assert '<option value="3" selected>' in page
    assert 'name="cut_mastery" value="80"' in page
    assert 'name="cut_near" value="50"' in page
    assert '<option value="weighted_average" selected>' in page
    assert 'name="weight" value="0.40"' in page
    assert 'name="decay" value="0.65"' in page
    assert 'name="n_mastery" value="3"' in page
    assert re.search(
        r'name="portal_answer_key"[^>]*>.*?<option value="always" selected>', page, re.S
    )
    assert "How much the newest score counts, 0.50–0.99." in page


def test_changing_the_method_recalculates_with_progress(pages: Pages) -> None:
    before = snapshot(pages)
    client = pages.client("teacher")
    response = client.post(url("tracker_settings", pages), settings_post(method="highest"))
    assert response.status_code == 302
    run = RecomputeRun.objects.filter(tracker=pages.tracker).latest("id")
    assert response["Location"] == reverse(
        "trackers:recompute_progress", args=[pages.tracker.pk, run.pk]
    )
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    assert tracker.method == "highest"
    assert tracker.settings_version == before["settings_version"] + 1
    assert run.settings_version == tracker.settings_version
    assert RecomputeRun.objects.filter(tracker=tracker).count() == before["runs"] + 1
    assert AuditEvent.objects.filter(action="tracker.settings_changed").count() == 1
    progress = client.get(response["Location"])
    assert progress.status_code == 200
    assert "Mastery is being recalculated for every cell." in text(progress)


def test_four_levels_with_their_cuts_become_the_trackers_scale(pages: Pages) -> None:
    client = pages.client("teacher")
    response = client.post(
        url("tracker_settings", pages),
        settings_post(levels="4", cut_advanced="90", cut_mastery="80", cut_near="50"),
    )
    assert response.status_code == 302
    assert RecomputeRun.objects.filter(tracker=pages.tracker).count() == 2  # creation + this
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    assert tracker.scale is not None
    assert [(level["abbreviation"], Decimal(level["cut"])) for level in tracker.scale] == [
        ("A", 90),
        ("M", 80),
        ("NM", 50),
        ("R", 0),
    ]
    assert [level.abbreviation for level in tracker.mastery_scale().levels] == ["A", "M", "NM", "R"]
    page = text(client.get(url("tracker_settings", pages)))
    assert '<option value="4" selected>' in page
    assert 'name="cut_advanced" value="90"' in page
    assert 'name="cut_mastery" value="80"' in page
    assert 'name="cut_near" value="50"' in page
    assert "Advanced" in text(client.get(url("tracker_grid", pages)))  # the legend


def test_cuts_out_of_order_are_refused_on_the_field_with_nothing_changed(pages: Pages) -> None:
    before = snapshot(pages)
    client = pages.client("teacher")
    response = client.post(
        url("tracker_settings", pages),
        # Also asks for other changes: none of them may be saved either.
        settings_post(cut_mastery="50", cut_near="60", method="highest", portal_scores="never"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["cut_mastery"]
    assert "Near Mastery (60) is not below Mastery (50)" in errors["cut_mastery"][0]
    page = text(response)
    assert "Nothing was saved. Fix the following:" in page
    assert "Near Mastery (60) is not below Mastery (50)" in page
    response = client.post(
        url("tracker_settings", pages), settings_post(cut_mastery="80", cut_near="80")
    )
    assert response.status_code == 400
    assert (
        "Near Mastery (80) is not below Mastery (80)"
        in response.context["form"].errors["cut_mastery"][0]
    )
    response = client.post(
        url("tracker_settings", pages),
        settings_post(levels="4", cut_advanced="", cut_mastery="80", cut_near="50"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["cut_advanced"] == [
        "With 4 levels, give the score Advanced starts at."
    ]
    assert snapshot(pages) == before


def test_decay_out_of_range_is_refused_naming_the_range(pages: Pages) -> None:
    before = snapshot(pages)
    client = pages.client("teacher")
    for decay, bound in (("1.5", "0.99"), ("0.3", "0.50")):
        response = client.post(
            url("tracker_settings", pages), settings_post(decay=decay, portal_scores="never")
        )
        assert response.status_code == 400, decay
        errors = response.context["form"].errors
        assert list(errors) == ["decay"]
        assert bound in errors["decay"][0]
        page = text(response)
        assert f'<a href="#id_decay">Decay (decaying average)</a>: {errors["decay"][0]}' in page
        assert "How much the newest score counts, 0.50–0.99." in page
    assert snapshot(pages) == before


def test_portal_settings_are_saved_without_a_recalculation(pages: Pages) -> None:
    before = snapshot(pages)
    client = pages.client("teacher")
    response = client.post(
        url("tracker_settings", pages),
        settings_post(portal_scores="never", portal_answer_key="after_all"),
    )
    assert response.status_code == 302
    assert response["Location"] == url("tracker_grid", pages)
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    assert (tracker.portal_scores, tracker.portal_answer_key) == ("never", "after_all")
    assert (tracker.portal_assessments, tracker.portal_item_analysis) == ("after_all", "never")
    assert tracker.settings_version == before["settings_version"]
    assert RecomputeRun.objects.filter(tracker=tracker).count() == before["runs"]
    assert AuditEvent.objects.filter(action="tracker.portal_changed").count() == 1
    assert "Settings saved." in text(client.get(response["Location"]))


def test_an_unknown_portal_choice_is_refused(pages: Pages) -> None:
    before = snapshot(pages)
    response = pages.client("teacher").post(
        url("tracker_settings", pages), settings_post(portal_scores="sometimes", method="highest")
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["portal_scores"]
    assert "Select a valid choice." in response.context["form"].errors["portal_scores"][0]
    assert snapshot(pages) == before


def test_settings_return_to_default_asks_first_then_restores_the_defaults(pages: Pages) -> None:
    client = pages.client("teacher")
    client.post(
        url("tracker_settings", pages),
        settings_post(
            levels="4",
            cut_advanced="95",
            cut_mastery="85",
            cut_near="60",
            method="n_mastery",
            decay="0.80",
            weight="0.30",
            n_mastery="5",
            portal_scores="never",
            portal_assessments="always",
            portal_answer_key="after_all",
            portal_item_analysis="always",
        ),
    )
    before = snapshot(pages)
    assert before["calculation"] == ("n_mastery", Decimal("0.80"), Decimal("0.30"), 5)
    response = client.post(url("tracker_settings", pages), {"action": "default"})
    assert response.status_code == 200
    page = text(response)
    assert "Return to the default?" in page
    assert "the decaying average (0.65)" in page
    assert snapshot(pages) == before
    response = client.post(url("tracker_settings", pages), {"action": "default", "confirm": "yes"})
    assert response.status_code == 302
    run = RecomputeRun.objects.filter(tracker=pages.tracker).latest("id")
    assert response["Location"] == reverse(
        "trackers:recompute_progress", args=[pages.tracker.pk, run.pk]
    )
    tracker = Tracker.objects.get(pk=pages.tracker.pk)
    assert (tracker.method, tracker.decay, tracker.weight, tracker.n_mastery) == (
        "decaying_average",
        Decimal("0.65"),
        Decimal("0.65"),
        3,
    )
    assert tracker.scale is None
    assert (
        tracker.portal_scores,
        tracker.portal_assessments,
        tracker.portal_answer_key,
        tracker.portal_item_analysis,
    ) == ("always", "after_all", "never", "never")
    assert tracker.settings_version == before["settings_version"] + 1


def test_saving_unchanged_settings_changes_nothing(pages: Pages) -> None:
    before = snapshot(pages)
    response = pages.client("teacher").post(url("tracker_settings", pages), settings_post())
    assert response.status_code == 302
    assert response["Location"] == url("tracker_grid", pages)
    assert snapshot(pages) == before


# ------------------------------------------------------------------ query counts


def enrol(pages: Pages, count: int) -> list[User]:
    """More students in the tracker's class (named apart from ``pages.add_students``')."""
    students = []
    for number in range(count):
        student = f.UserFactory(username=f"extra{number:03d}", last_name=f"Extra{number:03d}")
        f.EnrollmentFactory(user=student, section=pages.world.section, role=Enrollment.Role.STUDENT)
        students.append(student)
    return students


def queries_on(client: Client, page_url: str) -> tuple[int, HttpResponse]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url)
    assert response.status_code == 200
    return len(queries.captured_queries), response


def test_students_and_tools_pages_run_as_many_queries_for_3_as_for_40_students(
    pages: Pages,
) -> None:
    ada, ben, cy = class_of_three(pages)
    display.tracker_students_choose(
        actor=pages.world.teacher, tracker=pages.tracker, chosen=[ada.pk, ben.pk], pinned=[cy.pk]
    )
    Accommodations.objects.create(student=ben, school_year=SCHOOL_YEAR, tools=["calculator"])
    client = pages.client("teacher")
    client.get(url("tracker_grid", pages))  # the first visit fills the session
    counts: dict[str, list[int]] = {"tracker_students": [], "tracker_tools": []}
    for size in (3, 40):
        if size == 40:
            more = enrol(pages, 37)
            Accommodations.objects.bulk_create(
                Accommodations(student=s, school_year=SCHOOL_YEAR, tools=["magnifier"])
                for s in more[::2]
            )
        for name, found in counts.items():
            count, response = queries_on(client, url(name, pages))
            found.append(count)
            assert response.content.decode().count('<th scope="row">') == size, (name, size)
    assert counts["tracker_students"][0] == counts["tracker_students"][1], counts
    assert counts["tracker_tools"][0] == counts["tracker_tools"][1], counts
