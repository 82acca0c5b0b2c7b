"""Scoring from the queue: points and rubric levels saved, and the attempt's evidence
recorded once every response on a standard has points (ADR 26), audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from masterly.assessments.models import Evidence, Response
from masterly.core.models import AuditEvent
from masterly.trackers.selectors.scoring_queue import (
    pending_count,
    queue_assessments,
    queue_entries,
)
from masterly.trackers.services.queue_scoring import response_score
from tests.scoring.conftest import Paper

Waiting = tuple[Paper, Response, Response]


def scores(paper: Paper) -> dict[str, tuple[Decimal, Decimal]]:
    return {
        e.standard.human_coding_scheme: (e.points_earned, e.points_possible)
        for e in Evidence.objects.filter(
            assessment=paper.assessment, is_deleted=False
        ).select_related("standard")
    }


def test_the_queue_lists_the_waiting_answers_by_item_and_by_student(waiting: Waiting) -> None:
    paper, short, essay = waiting
    teacher = paper.m.world.teacher
    assert pending_count(teacher, paper.m.tracker) == 2
    (listed,) = queue_assessments(teacher, paper.m.tracker)
    assert (listed.pk, listed.pending) == (paper.assessment.pk, 2)
    by_item = queue_entries(teacher, paper.m.tracker, paper.assessment.pk, "item")
    assert [e.response.pk for e in by_item] == [short.pk, essay.pk]
    assert [len(e.criteria) for e in by_item] == [0, 2]
    assert [c.title for c in by_item[1].criteria] == ["Solves it", "Explains it"]


def test_scoring_records_evidence_once_every_answer_on_a_standard_has_points(
    waiting: Waiting,
) -> None:
    paper, short, essay = waiting
    teacher, tracker = paper.m.world.teacher, paper.m.tracker
    assert scores(paper) == {}
    summary = response_score(actor=teacher, tracker=tracker, response_id=short.pk, points="1.5")
    short.refresh_from_db()
    assert (short.points, short.scored_by) == (Decimal("1.5"), teacher)
    assert summary.total == 0 and scores(paper) == {}  # B still waits for the rubric
    response_score(actor=teacher, tracker=tracker, response_id=essay.pk, levels=["2", "1"])
    essay.refresh_from_db()
    assert (essay.points, essay.levels) == (Decimal(3), [2, 1])
    # A: 1 + 2 + 1 (items 1, 2, 5) + 2 (criterion 1); B: 1 + 1 + 1.5 + 1 (criterion 2).
    assert scores(paper) == {
        "6.RP.A.1": (Decimal(6), Decimal(6)),
        "6.RP.A.2": (Decimal("4.5"), Decimal(6)),
    }
    assert AuditEvent.objects.filter(action="response.scored").count() == 2
    assert pending_count(teacher, tracker) == 0


def test_scoring_again_makes_a_new_revision_not_a_silent_overwrite(waiting: Waiting) -> None:
    paper, short, essay = waiting
    teacher, tracker = paper.m.world.teacher, paper.m.tracker
    response_score(actor=teacher, tracker=tracker, response_id=short.pk, points="2")
    response_score(actor=teacher, tracker=tracker, response_id=essay.pk, levels=["2", "2"])
    response_score(actor=teacher, tracker=tracker, response_id=short.pk, points="0")
    evidence = Evidence.objects.get(assessment=paper.assessment, standard=paper.m.standard_b)
    assert evidence.version == 2 and evidence.points_earned == Decimal(4)
    assert evidence.revisions.count() == 2


@pytest.mark.parametrize("typed", ["3", "-1", "abc", "1.234", "", "NaN", "Infinity"])
def test_bad_points_are_refused_and_nothing_changes(waiting: Waiting, typed: str) -> None:
    paper, short, _essay = waiting
    with pytest.raises(ValidationError, match="Give points from 0 to 2"):
        response_score(
            actor=paper.m.world.teacher, tracker=paper.m.tracker, response_id=short.pk, points=typed
        )
    short.refresh_from_db()
    assert short.points is None
    assert not AuditEvent.objects.filter(action="response.scored").exists()


@pytest.mark.parametrize("levels", [[], ["2"], ["2", "3"], ["x", "1"], ["2", "1", "0"]])
def test_bad_rubric_levels_are_refused(waiting: Waiting, levels: list[str]) -> None:
    paper, _short, essay = waiting
    with pytest.raises(ValidationError):
        response_score(
            actor=paper.m.world.teacher,
            tracker=paper.m.tracker,
            response_id=essay.pk,
            levels=levels,
        )
    essay.refresh_from_db()
    assert essay.points is None


def test_a_key_scored_item_or_another_trackers_answer_is_refused(waiting: Waiting) -> None:
    paper, _short, _essay = waiting
    keyed = Response.objects.get(assessment_item=paper.placements[0])
    with pytest.raises(ValidationError, match="The key scores that item"):
        response_score(
            actor=paper.m.world.teacher, tracker=paper.m.tracker, response_id=keyed.pk, points="1"
        )
    with pytest.raises(ValidationError, match="not in this tracker"):
        response_score(
            actor=paper.m.world.teacher, tracker=paper.m.tracker, response_id=999999, points="1"
        )


def test_only_the_trackers_teachers_score(waiting: Waiting) -> None:
    paper, short, _essay = waiting
    for person in ("other_teacher", "leader", "student", "parent"):
        with pytest.raises(PermissionDenied):
            response_score(
                actor=getattr(paper.m.world, person),
                tracker=paper.m.tracker,
                response_id=short.pk,
                points="1",
            )
