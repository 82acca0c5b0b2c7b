"""The CSV export: levels and scores, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from masterly.trackers.csv_export import safe_cell
from tests.tracker_pages.conftest import Pages


def export(pages: Pages, persona: str = "teacher") -> list[list[str]]:
    response = pages.client(persona).get(reverse("tracker_export", args=[pages.tracker.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="period-1-math.csv"' in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_export_has_levels_and_scores(pages: Pages) -> None:
    student = pages.world.student
    pages.record(student, pages.ratio_1, 4)
    pages.record(student, pages.ratio_2, 2)
    header, *rows = export(pages)
    assert header == [
        "Student",
        "Username",
        "6.RP.A.1 level",
        "6.RP.A.1 score",
        "6.RP.A.2 level",
        "6.RP.A.2 score",
        "6.EE.A.1 level",
        "6.EE.A.1 score",
    ]
    assert rows == [[student.sort_name, "student", "M", "100.00", "NM", "50.00", "NS", ""]]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_formula_starts_are_neutralised(start: str) -> None:
    assert safe_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"
    assert safe_cell("Smith, Ann") == "Smith, Ann"
    assert safe_cell(None) == ""


def test_injected_names_are_neutralised_in_the_export(pages: Pages) -> None:
    student = pages.world.student
    student.last_name = '=HYPERLINK("http://evil.example","x")'
    student.first_name = "@SUM(A1)"
    student.save(update_fields=["last_name", "first_name"])
    pages.ratio_1.human_coding_scheme = "+cmd|' /C calc'!A0"
    pages.ratio_1.save(update_fields=["human_coding_scheme"])
    header, *rows = export(pages)
    assert header[2] == "'+cmd|' /C calc'!A0 level"
    assert rows[0][0].startswith("'=HYPERLINK(")
    for row in [header, *rows]:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_export_follows_access(pages: Pages) -> None:
    url = reverse("tracker_export", args=[pages.tracker.pk])
    for persona in ("other_teacher", "student", "parent"):
        assert pages.client(persona).get(url).status_code == 404
