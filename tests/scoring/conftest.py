"""A paper test in a tracker: seven items of every type on standards A and B.

Built on the ``mastery`` world (tests/assessment_factories.py): the tracker "Period 1" holds
``world.section`` (``world.student``) and standards A, B, C. Items, in order:

1. multiple choice on A (1 point; key A of A–C)
2. multiple select on A (2 points; key A and B of A–D)
3. true/false on B (1 point; key T)
4. numeric on B (1 point; 4.29 ± 0.01)
5. short text on A (1 point; "commutative")
6. short text on B, teacher scored (2 points)
7. extended on A and B (rubric: two criteria, levels 0, 1, 2)
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from masterly.accounts.models import User
from masterly.assessments.composition import services as composition
from masterly.assessments.items import services as item_writes
from masterly.assessments.items.drafts import ChoiceDraft, CriterionDraft, ItemDraft
from masterly.assessments.items.models import AssessmentItem, Scope
from masterly.assessments.models import Assessment
from masterly.roster.models import Enrollment
from masterly.standards.models import Standard
from masterly.trackers.models import Tracker
from masterly.trackers.services.paper_scores import assessment_give
from tests import factories as f
from tests.assessment_factories import DAY, Mastery, mastery  # noqa: F401 - a fixture


@dataclass
class Paper:
    m: Mastery
    assessment: Assessment
    placements: list[AssessmentItem]

    def cell(self, student: User, number: int) -> tuple[int, int]:
        return (student.pk, self.placements[number - 1].pk)


def drafts(a: Standard, b: Standard) -> list[ItemDraft]:
    one, two = Decimal(1), Decimal(2)
    levels = (("Not yet", Decimal(0)), ("Partly", one), ("Fully", two))
    return [
        ItemDraft(
            interaction="multiple_choice",
            stem="3 + 4?",
            dok=1,
            standards=((a, one),),
            choices=(ChoiceDraft("7", is_correct=True), ChoiceDraft("12"), ChoiceDraft("1")),
        ),
        ItemDraft(
            interaction="multiple_select",
            stem="Equal to 6?",
            dok=2,
            standards=((a, two),),
            choices=(
                ChoiceDraft("2 × 3", is_correct=True),
                ChoiceDraft("3 + 3", is_correct=True),
                ChoiceDraft("2 + 3"),
                ChoiceDraft("3²"),
            ),
        ),
        ItemDraft(
            interaction="true_false",
            stem="2 + 2 = 4",
            dok=1,
            standards=((b, one),),
            choices=(ChoiceDraft("True", is_correct=True), ChoiceDraft("False")),
        ),
        ItemDraft(
            interaction="numeric",
            stem="30 ÷ 7 to the hundredth?",
            dok=1,
            standards=((b, one),),
            numeric_answer=Decimal("4.29"),
            numeric_tolerance=Decimal("0.01"),
        ),
        ItemDraft(
            interaction="short_text",
            stem="Name the property: 2 + 3 = 3 + 2.",
            dok=1,
            standards=((a, one),),
            accepted_answers=("commutative", "commutative property"),
        ),
        ItemDraft(
            interaction="short_text",
            stem="Explain a ratio.",
            dok=2,
            standards=((b, two),),
            teacher_scored=True,
        ),
        ItemDraft(
            interaction="extended",
            stem="Solve and explain.",
            dok=3,
            criteria=(
                CriterionDraft("Solves it", a, levels),
                CriterionDraft("Explains it", b, levels),
            ),
        ),
    ]


def add_students(m: Mastery, count: int, prefix: str = "pupil") -> list[User]:
    students = [
        f.UserFactory(username=f"{prefix}{n}", last_name=f"{prefix.title()}{n:03d}")
        for n in range(count)
    ]
    for student in students:
        f.EnrollmentFactory(user=student, section=m.world.section, role=Enrollment.Role.STUDENT)
    return students


def make_paper(
    teacher: User, tracker: Tracker, a: Standard, b: Standard
) -> tuple[Assessment, list[AssessmentItem]]:
    """The seven items above, placed in a paper test given in ``tracker``."""
    items = item_writes.items_create(actor=teacher, drafts=drafts(a, b), scope=Scope.OWN)
    assessment = composition.assessment_create(
        actor=teacher, title="Unit 1 test", kind=Assessment.Kind.PAPER, assessed_on=DAY
    )
    placements = composition.items_add(actor=teacher, assessment=assessment, items=items, section=1)
    assessment_give(actor=teacher, tracker=tracker, assessment=assessment)
    return assessment, placements


@pytest.fixture
def paper(mastery: Mastery) -> Paper:  # noqa: F811
    assessment, placements = make_paper(
        mastery.world.teacher, mastery.tracker, mastery.standard_a, mastery.standard_b
    )
    return Paper(mastery, assessment, placements)
