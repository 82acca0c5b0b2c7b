"""Reteach groups: the tracker's students grouped by their level on one standard."""

from __future__ import annotations

import re

from django.urls import reverse

from tests.tracker_pages.conftest import Pages


def test_students_grouped_by_level(pages: Pages) -> None:
    strong, weak, absent = pages.add_students(3)
    pages.record(strong, pages.ratio_1, 4)
    pages.record(weak, pages.ratio_1, 1)
    pages.record(pages.world.student, pages.ratio_1, 3)  # 75 %: near mastery
    url = reverse("tracker_reteach_groups", args=[pages.tracker.pk, pages.ratio_1.pk])
    response = pages.client("teacher").get(url)
    assert response.status_code == 200
    html = response.content.decode()
    groups = dict(re.findall(r'<h2 id="group-(\w+)">.*?</h2>(.*?)</section>', html, re.S))
    assert strong.sort_name in groups["m"] and weak.sort_name not in groups["m"]
    assert pages.world.student.sort_name in groups["nm"]
    assert weak.sort_name in groups["r"]
    assert absent.sort_name in groups["ns"]
    assert "100.00 %" in groups["m"]
    assert "Understand the concept of a ratio." in html


def test_groups_follow_access_and_the_tracker_standards(pages: Pages) -> None:
    from tests.assessment_factories import StandardFactory

    url = reverse("tracker_reteach_groups", args=[pages.tracker.pk, pages.ratio_1.pk])
    for persona in ("other_teacher", "student", "parent"):
        assert pages.client(persona).get(url).status_code == 404
    stray = StandardFactory()
    url = reverse("tracker_reteach_groups", args=[pages.tracker.pk, stray.pk])
    assert pages.client("teacher").get(url).status_code == 404
