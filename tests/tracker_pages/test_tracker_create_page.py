"""Creating a tracker from the form: the happy path, and bad input changing nothing."""

from __future__ import annotations

from django.urls import reverse

from masterly.trackers.models import Tracker, TrackerSection, TrackerStandard
from tests.tracker_pages.conftest import Pages


def post(pages: Pages, data: dict[str, object], persona: str = "teacher") -> object:
    return pages.client(persona).post(reverse("tracker_create"), data)


def test_form_offers_only_own_current_sections(pages: Pages) -> None:
    response = pages.client("teacher").get(reverse("tracker_create"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Math 6 - Period 1" in html
    assert "Math 6 - Period 2" not in html  # other_teacher's
    assert "Grade 6 math" in html


def test_create_tracker_from_a_curriculum_map(pages: Pages) -> None:
    response = pages.client("teacher").post(
        reverse("tracker_create"),
        {
            "name": "  Period 1 again ",
            "sections": [pages.world.section.pk],
            "curriculum_map": pages.curriculum_map.pk,
        },
    )
    tracker = Tracker.objects.get(name="Period 1 again")
    assert response.status_code == 302
    assert response["Location"] == reverse("tracker_grid", args=[tracker.pk])
    assert tracker.owner == pages.world.teacher
    assert tracker.curriculum_map == pages.curriculum_map
    assert list(tracker.sections.all()) == [pages.world.section]
    placements = list(tracker.tracker_standards.order_by("position"))
    assert [p.standard for p in placements] == [pages.ratio_1, pages.ratio_2, pages.expressions]
    assert [p.unit_title for p in placements] == ["Ratios", "Ratios", "Expressions"]
    assert [p.is_power for p in placements] == [True, False, False]


def assert_nothing_created(pages: Pages) -> None:
    assert Tracker.objects.count() == 1  # the fixture's
    assert TrackerSection.objects.count() == 1
    assert TrackerStandard.objects.count() == 3


def test_someone_elses_section_is_refused(pages: Pages) -> None:
    response = pages.client("teacher").post(
        reverse("tracker_create"),
        {
            "name": "Sneaky",
            "sections": [pages.world.other_section.pk],
            "curriculum_map": pages.curriculum_map.pk,
        },
    )
    assert response.status_code == 400
    assert "Choose only classes you teach this term." in response.content.decode()
    assert_nothing_created(pages)


def test_one_own_and_one_foreign_section_is_refused(pages: Pages) -> None:
    response = pages.client("teacher").post(
        reverse("tracker_create"),
        {
            "name": "Half sneaky",
            "sections": [pages.world.section.pk, pages.world.school_b_section.pk],
            "curriculum_map": pages.curriculum_map.pk,
        },
    )
    assert response.status_code == 400
    assert "Choose only classes you teach this term." in response.content.decode()
    assert_nothing_created(pages)


def test_no_sections_is_refused(pages: Pages) -> None:
    response = pages.client("teacher").post(
        reverse("tracker_create"), {"name": "Empty", "curriculum_map": pages.curriculum_map.pk}
    )
    assert response.status_code == 400
    assert "Choose at least one of your classes." in response.content.decode()
    assert_nothing_created(pages)


def test_no_map_is_refused(pages: Pages) -> None:
    response = pages.client("teacher").post(
        reverse("tracker_create"), {"name": "No map", "sections": [pages.world.section.pk]}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a curriculum map" in html
    assert "The tracker was not created" in html
    assert_nothing_created(pages)


def test_blank_name_and_garbage_ids_are_refused(pages: Pages) -> None:
    response = pages.client("teacher").post(
        reverse("tracker_create"), {"name": "   ", "sections": ["x"], "curriculum_map": "99999"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give the tracker a name." in html
    assert "Choose only classes you teach this term." in html
    assert_nothing_created(pages)


def test_students_and_parents_cannot_create(pages: Pages) -> None:
    for persona in ("student", "parent"):
        response = pages.client(persona).post(
            reverse("tracker_create"),
            {
                "name": "Mine",
                "sections": [pages.world.section.pk],
                "curriculum_map": pages.curriculum_map.pk,
            },
        )
        assert response.status_code == 403
    assert_nothing_created(pages)


def test_create_tracker_from_chosen_standards(pages: Pages) -> None:
    response = pages.client("teacher").post(
        reverse("tracker_create"),
        {
            "name": "Ratios only",
            "sections": [pages.world.section.pk],
            "standard_codes": "6.rp.a.2, 6.RP.A.1  6.RP.A.2",
        },
    )
    tracker = Tracker.objects.get(name="Ratios only")
    assert response.status_code == 302
    assert tracker.curriculum_map is None
    assert list(
        tracker.tracker_standards.order_by("position").values_list("standard", flat=True)
    ) == [pages.ratio_2.pk, pages.ratio_1.pk]


def test_unknown_codes_or_neither_map_nor_codes_create_nothing(pages: Pages) -> None:
    client = pages.client("teacher")
    response = client.post(
        reverse("tracker_create"),
        {"name": "Typo", "sections": [pages.world.section.pk], "standard_codes": "6.RP.A.1 6.XX.9"},
    )
    assert response.status_code == 400
    assert "No standard has the code 6.XX.9; check it in the standards browser." in (
        response.content.decode()
    )
    response = client.post(
        reverse("tracker_create"), {"name": "Nothing", "sections": [pages.world.section.pk]}
    )
    assert response.status_code == 400
    assert "Choose a curriculum map, or list the standards the tracker follows." in (
        response.content.decode()
    )
    assert_nothing_created(pages)
