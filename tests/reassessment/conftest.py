"""The paper test of ``tests/scoring`` with answers waiting for the teacher.

``queued(paper, student)`` enters items 1–5 on paper for ``student`` (the key scores them)
and leaves item 6 (teacher-scored short text on B, 2 points) and item 7 (the rubric on A and
B) with the student's written answers and no points, as an online attempt leaves them. No
standard is complete until both are scored: A needs item 7, B items 6 and 7.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from masterly.accounts.models import User
from masterly.assessments.models import Attempt, Response
from tests.assessment_factories import Mastery, mastery  # noqa: F401 - a fixture
from tests.browser.conftest import browser, page  # noqa: F401 - fixtures for the browser tests
from tests.scoring.conftest import Paper, make_paper, paper  # noqa: F401 - fixtures
from tests.scoring.test_paper_scores import RIGHT, row, save
from tests.tracker_pages.conftest import pages  # noqa: F401 - a fixture

SHORT_ANSWER = "A ratio compares two quantities <b>by division</b>."
ESSAY = "3 : 4 means three for every four."


def queued(paper: Paper, student: User | None = None) -> tuple[Response, Response]:  # noqa: F811
    student = student or paper.m.world.student
    save(paper, {n: text for n, text in row(RIGHT).items() if n <= 5}, student=student)
    attempt = Attempt.objects.get(assessment=paper.assessment, student=student, number=1)
    short = Response.objects.create(
        attempt=attempt,
        assessment_item=paper.placements[5],
        text=SHORT_ANSWER,
        points_possible=Decimal(2),
    )
    essay = Response.objects.create(
        attempt=attempt,
        assessment_item=paper.placements[6],
        text=ESSAY,
        points_possible=Decimal(4),
    )
    return short, essay


@pytest.fixture
def waiting(paper: Paper) -> tuple[Paper, Response, Response]:  # noqa: F811
    short, essay = queued(paper)
    return paper, short, essay
