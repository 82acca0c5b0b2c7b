"""Paper scores: typed responses become one piece of evidence per standard per attempt."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from masterly.assessments.models import Attempt, Evidence, EvidenceRevision, Response
from masterly.trackers.models import Rollup
from masterly.trackers.services.paper_scores import PAPER_REASON, paper_scores_save
from tests.scoring.conftest import Paper

RIGHT = ["A", "AB", "T", "4.3", " Commutative ", "2", "2 1"]
WRONG = ["B", "A", "F", "5", "associative", "0", "0 0"]


def save(
    paper: Paper, typed: dict[int, str], student: object = None, actor: object = None
) -> object:
    student = student or paper.m.world.student
    return paper_scores_save(
        actor=actor or paper.m.world.teacher,  # type: ignore[arg-type]
        tracker=paper.m.tracker,
        assessment=paper.assessment,
        cells={paper.cell(student, n): text for n, text in typed.items()},  # type: ignore[arg-type]
    )


def row(answers: list[str]) -> dict[int, str]:
    return dict(enumerate(answers, start=1))


def scores(paper: Paper) -> dict[str, tuple[Decimal, Decimal]]:
    return {
        e.standard.human_coding_scheme: (e.points_earned, e.points_possible)
        for e in Evidence.objects.filter(
            assessment=paper.assessment, is_deleted=False
        ).select_related("standard")
    }


def test_an_attempt_on_two_standards_gives_two_pieces_of_evidence_and_the_grid_changes(
    paper: Paper,
) -> None:
    student, tracker = paper.m.world.student, paper.m.tracker
    assert not Rollup.objects.filter(tracker=tracker, student=student).exists()
    summary = save(paper, row(RIGHT))
    attempt = Attempt.objects.get(assessment=paper.assessment, student=student)
    evidence = Evidence.objects.filter(attempt=attempt)
    assert evidence.count() == 2
    assert summary.recorded == 2  # type: ignore[attr-defined]
    # A: items 1, 2, 5 and the rubric's first criterion; B: items 3, 4, 6 and its second.
    assert scores(paper) == {
        "6.RP.A.1": (Decimal(6), Decimal(6)),
        "6.RP.A.2": (Decimal(5), Decimal(6)),
    }
    cells = {
        r.standard.human_coding_scheme: r.score
        for r in Rollup.objects.filter(tracker=tracker, student=student).select_related("standard")
    }
    assert cells["6.RP.A.1"] == Decimal("100.00")
    assert cells["6.RP.A.2"] == Decimal("83.33")
    assert Response.objects.filter(attempt=attempt).count() == 7


def test_wrong_answers_score_nothing(paper: Paper) -> None:
    save(paper, row(WRONG))
    assert scores(paper) == {"6.RP.A.1": (0, Decimal(6)), "6.RP.A.2": (0, Decimal(6))}


def test_a_standard_waits_until_every_item_on_it_is_entered(paper: Paper) -> None:
    save(paper, {1: "A", 2: "AB", 5: "-"})
    assert scores(paper) == {}
    save(paper, {7: "1 0"})
    assert scores(paper) == {"6.RP.A.1": (Decimal(4), Decimal(6))}
    assert Response.objects.get(assessment_item=paper.placements[4]).points == 0  # "-": omitted


def test_a_changed_entry_is_a_new_revision_of_the_same_evidence(paper: Paper) -> None:
    save(paper, row(RIGHT))
    save(paper, {1: "C"})
    evidence = Evidence.objects.get(assessment=paper.assessment, standard=paper.m.standard_a)
    assert (evidence.points_earned, evidence.version) == (Decimal(5), 2)
    assert evidence.revisions.last().reason == PAPER_REASON  # type: ignore[union-attr]


def test_clearing_a_cell_stops_the_standard_counting(paper: Paper) -> None:
    save(paper, row(RIGHT))
    save(paper, {3: ""})
    assert set(scores(paper)) == {"6.RP.A.1"}
    assert Evidence.objects.get(standard=paper.m.standard_b).is_deleted


def test_an_item_score_typed_for_a_choice_item_counts_as_given(paper: Paper) -> None:
    save(paper, row(RIGHT) | {2: "1"})
    assert scores(paper)["6.RP.A.1"] == (Decimal(5), Decimal(6))


# ------------------------------------------------------------------ bad input


def nothing_written(paper: Paper) -> None:
    assert not Attempt.objects.filter(assessment=paper.assessment).exists()
    assert not Response.objects.exists()
    assert not Evidence.objects.exists()
    assert not EvidenceRevision.objects.exists()


@pytest.mark.parametrize(
    ("number", "typed", "message"),
    [
        (1, "E", "item 1: 'E' is not a choice; choose A–C."),
        (1, "AB", "item 1: 'AB' is several choices; this item takes one (A–C)."),
        (3, "X", "item 3: 'X' is not a choice; choose T or F."),
        (4, "abc", "item 4: 'abc' is not a number; type digits, e.g. 12.5."),
        (4, "1e20", "item 4: '1e20' is out of range; numbers are under 1,000,000,000,000."),
        (6, "5", "item 6: '5' is not a score for this item; give points from 0 to 2."),
        (7, "3 1", "item 7: criterion 1: '3' is not one of its levels; give 0, 1, 2."),
        (7, "2", "item 7: '2' gives 1 levels; this rubric has 2 criteria"),
        (2, "9", "item 2: '9' is not a score for this item; give points from 0 to 2."),
    ],
)
def test_a_bad_cell_is_named_and_nothing_is_saved(
    paper: Paper, number: int, typed: str, message: str
) -> None:
    name = paper.m.world.student.sort_name
    with pytest.raises(ValidationError) as problem:
        save(paper, row(RIGHT) | {number: typed})
    assert f"Row {name}, {message}" in " ".join(problem.value.messages)
    nothing_written(paper)


def test_a_student_not_in_the_tracker_is_refused(paper: Paper) -> None:
    with pytest.raises(ValidationError, match="not in this tracker's classes"):
        save(paper, row(RIGHT), student=paper.m.world.school_b_student)
    nothing_written(paper)


def test_an_archived_tracker_takes_no_scores(paper: Paper) -> None:
    paper.m.tracker.is_archived = True
    paper.m.tracker.save()
    with pytest.raises(ValidationError, match="archived and read-only"):
        save(paper, row(RIGHT))
    nothing_written(paper)


@pytest.mark.parametrize("who", ["other_teacher", "leader", "student", "parent"])
def test_only_those_who_score_the_tracker_enter_scores(paper: Paper, who: str) -> None:
    with pytest.raises(PermissionDenied):
        save(paper, row(RIGHT), actor=getattr(paper.m.world, who))
    nothing_written(paper)


def test_an_assessment_not_given_in_the_tracker_is_refused(paper: Paper) -> None:
    paper.assessment.trackers_given.all().delete()
    with pytest.raises(ValidationError, match="is not given in"):
        save(paper, row(RIGHT))
    nothing_written(paper)
