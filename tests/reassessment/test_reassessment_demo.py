"""The demo module, on the test world (its ``teacher`` and ``student`` are the demo's names):
written answers wait in the teacher's queue and the student has a pending request; a second
run adds nothing."""

from __future__ import annotations

import datetime

from masterly.demo.reassessment import build_reassessment_demo
from masterly.trackers.models import ReassessmentRequest
from masterly.trackers.selectors.scoring_queue import pending_count
from tests.assessment_factories import Mastery


def test_the_demo_leaves_answers_to_score_and_a_pending_request(mastery: Mastery) -> None:
    today = datetime.date(2026, 10, 15)
    lines = build_reassessment_demo(today=today).lines
    assert any("scoring queue" in line for line in lines)
    teacher = mastery.world.teacher
    assert pending_count(teacher, mastery.tracker) == 1  # one student in the test class
    (asked,) = ReassessmentRequest.objects.all()
    assert (asked.student, asked.tracker, asked.is_pending) == (
        mastery.world.student,
        mastery.tracker,
        True,
    )
    build_reassessment_demo(today=today)
    assert pending_count(teacher, mastery.tracker) == 1
    assert ReassessmentRequest.objects.count() == 1
