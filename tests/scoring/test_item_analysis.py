"""Item analysis: percent correct, options chosen, point-biserial, flags; set-based; the page
before any answer."""

from __future__ import annotations

import random
import statistics
from typing import Any

import pytest
from django.db import connection
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.accounts.models import User
from masterly.assessments.models import Response
from masterly.trackers.selectors.item_analysis import analysis_tracker_or_404, item_analysis
from tests.scoring.conftest import Paper, add_students
from tests.scoring.test_paper_scores import RIGHT, WRONG, row, save

# Strong students (more right) choose B on item 1: its key (A) is flawed.
SHEETS = [
    ["B", *RIGHT[1:]],
    ["B", "AB", "T", "4.3", "commutative", "2", "2 2"],
    ["B", "AB", "T", "4.29", "x", "1", "1 1"],
    ["A", "A", "F", "4.3", "x", "1", "1 0"],
    ["A", *WRONG[1:]],
    ["C", *WRONG[1:]],
]


def entered(paper: Paper, sheets: list[list[str]], prefix: str = "pupil") -> list[User]:
    students = add_students(paper.m, len(sheets), prefix=prefix)
    for student, sheet in zip(students, sheets, strict=True):
        save(paper, row(sheet), student=student)
    return students


def test_percent_correct_options_and_flags(paper: Paper) -> None:
    entered(paper, SHEETS)
    analysis = item_analysis(paper.m.world.teacher, paper.m.tracker, paper.assessment)
    assert analysis.students == 6
    first = analysis.items[0]
    assert first.answered == 6
    assert first.percent_correct == pytest.approx(100 * 2 / 6)
    assert [(o.letter, o.count, o.is_key) for o in first.options] == [
        ("A", 2, True),
        ("B", 3, False),
        ("C", 1, False),
    ]
    assert first.discrimination is not None and first.discrimination < 0
    assert len(first.flags) == 2
    assert "wrong option (B)" in first.flags[1]
    assert analysis.items[1].flags == []  # multiple select: the strong chose its key


def test_the_discrimination_is_the_item_rest_correlation(paper: Paper) -> None:
    entered(paper, SHEETS)
    analysis = item_analysis(paper.m.world.teacher, paper.m.tracker, paper.assessment)
    assert [r.answered for r in analysis.items] == [6] * 7
    # Item and rest scores from the stored responses, correlated here the plain way.
    rest: dict[int, float] = {}
    item: dict[int, float] = {}
    for response in Response.objects.all():
        if response.assessment_item_id == paper.placements[0].pk:
            item[response.attempt_id] = float(response.points or 0)
        else:
            rest[response.attempt_id] = rest.get(response.attempt_id, 0) + float(
                response.points or 0
            )
    keys = sorted(item)
    expected = statistics.correlation([item[k] for k in keys], [rest[k] for k in keys])
    assert analysis.items[0].discrimination == pytest.approx(expected)


def test_per_standard_percent_of_points_and_the_section_filter(paper: Paper) -> None:
    entered(paper, SHEETS[:2])
    analysis = item_analysis(paper.m.world.teacher, paper.m.tracker, paper.assessment)
    by_standard = {s.standard_id: s.percent for s in analysis.standards}
    # Sheet 1: A 5/6, B 5/6; sheet 2: A 5/6 (item 1 wrong), B 6/6.
    assert by_standard[paper.m.standard_a.pk] == pytest.approx(100 * 10 / 12)
    assert by_standard[paper.m.standard_b.pk] == pytest.approx(100 * 11 / 12)
    other = item_analysis(
        paper.m.world.teacher,
        paper.m.tracker,
        paper.assessment,
        section=paper.m.world.other_section,
    )
    assert other.students == 0 and other.standards == []


@pytest.mark.parametrize("who", ["teacher", "leader", "admin"])
def test_teachers_and_leaders_with_access_see_it(paper: Paper, who: str) -> None:
    assert (
        analysis_tracker_or_404(getattr(paper.m.world, who), paper.m.tracker.pk) == paper.m.tracker
    )


@pytest.mark.parametrize("who", ["other_teacher", "other_leader", "student", "parent"])
def test_others_are_refused(paper: Paper, who: str) -> None:
    with pytest.raises(Http404):
        analysis_tracker_or_404(getattr(paper.m.world, who), paper.m.tracker.pk)


def test_the_query_count_is_the_same_for_a_small_and_a_large_class(
    paper: Paper, django_assert_num_queries: Any
) -> None:
    entered(paper, SHEETS[:2])
    teacher = User.objects.get(pk=paper.m.world.teacher.pk)
    with CaptureQueriesContext(connection) as small:
        item_analysis(teacher, paper.m.tracker, paper.assessment)
    entered(paper, SHEETS * 7, prefix="big")
    teacher = User.objects.get(pk=teacher.pk)
    with django_assert_num_queries(len(small)):
        analysis = item_analysis(teacher, paper.m.tracker, paper.assessment)
    assert analysis.students == 44


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_sheets_give_what_a_plain_computation_gives(paper: Paper, seed: int) -> None:
    """Property: on random answers (some cells left blank), every item's numbers equal those
    computed the straightforward way, row by row, from the stored responses."""
    rng = random.Random(seed)
    students = add_students(paper.m, 12, prefix=f"r{seed}x")
    for student in students:
        answers = {
            n: rng.choice([RIGHT[n - 1], WRONG[n - 1], SHEETS[2][n - 1]])
            for n in range(1, 8)
            if rng.random() < 0.9
        }
        if answers:
            save(paper, answers, student=student)

    analysis = item_analysis(paper.m.world.teacher, paper.m.tracker, paper.assessment)

    responses = list(Response.objects.filter(points__isnull=False, attempt__number=1))
    totals: dict[int, float] = {}
    for response in responses:
        totals[response.attempt_id] = totals.get(response.attempt_id, 0) + float(response.points)
    assert analysis.students == len(totals)
    for result in analysis.items:
        mine = [r for r in responses if r.assessment_item_id == result.item.placement_id]
        assert result.answered == len(mine)
        if not mine:
            assert result.percent_correct is None and result.discrimination is None
            continue
        x = [float(r.points) for r in mine]
        rest = [totals[r.attempt_id] - float(r.points) for r in mine]
        possible = float(result.item.key.points)
        assert result.percent_correct == pytest.approx(100 * sum(x) / (len(x) * possible))
        try:
            expected = statistics.correlation(x, rest)
        except statistics.StatisticsError:  # a score that does not vary: no value
            assert result.discrimination is None
        else:
            assert result.discrimination == pytest.approx(expected)
        for option in result.options:
            position = ord(option.letter) - ord("A")
            chosen = sum(1 for r in mine if (r.choices or 0) >> position & 1)
            assert option.count == chosen


def test_before_any_answer_the_page_says_where_results_come_from(paper: Paper) -> None:
    client = Client()
    client.force_login(paper.m.world.teacher)
    tracker = paper.m.tracker
    page = client.get(reverse("assessment_analysis", args=[tracker.pk, paper.assessment.pk]))
    html = page.content.decode()
    assert "they appear as students hand in the test online, or once their answers" in html
    assert f'<a href="{reverse("tracker_grid", args=[tracker.pk])}">{tracker.name}</a>' in html
