"""An online test assigned now: the seven items of every type of tests/scoring/conftest.py
(multiple choice, multiple select, true/false, numeric, short text, teacher-scored short
text, rubric), in a common assessment given to ``world.section`` (``world.student``) of the
``mastery`` tracker "Period 1", open for an hour around now, 30 minutes' time limit."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.composition import services as composition
from masterly.assessments.items import services as item_writes
from masterly.assessments.items.drafts import ChoiceDraft, ItemDraft
from masterly.assessments.items.models import AssessmentItem, Scope
from masterly.assessments.models import Assessment
from masterly.trackers.assignments import Assignment
from masterly.trackers.services.assignments import AssignmentTerms, assignment_create
from tests.assessment_factories import DAY, Mastery, mastery  # noqa: F401 - a fixture
from tests.scoring.conftest import drafts

HOUR = datetime.timedelta(hours=1)


@dataclass
class Online:
    m: Mastery
    assessment: Assessment
    placements: list[AssessmentItem]
    assignment: Assignment

    @property
    def student(self) -> User:
        return self.m.world.student

    def client_for(self, user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client


def choice_drafts(m: Mastery, count: int) -> list[ItemDraft]:
    """``count`` one-point multiple-choice items, on standards A and B by turns."""
    return [
        ItemDraft(
            interaction="multiple_choice",
            stem=f"Question {n}?",
            dok=1,
            standards=(((m.standard_a, m.standard_b)[n % 2], Decimal(1)),),
            choices=(ChoiceDraft("right", is_correct=True), ChoiceDraft("b"), ChoiceDraft("c")),
        )
        for n in range(count)
    ]


def make_online(
    m: Mastery,
    *,
    machine_only: bool = False,
    choices: int = 0,
    written: list[ItemDraft] | None = None,
    **terms: object,
) -> Online:
    """``machine_only``: the first five items (all scored by the machine); ``choices``: that
    many multiple-choice items instead; ``written``: these items instead."""
    teacher = m.world.teacher
    chosen = choice_drafts(m, choices) if choices else drafts(m.standard_a, m.standard_b)
    chosen = written or chosen
    items = item_writes.items_create(
        actor=teacher, drafts=chosen[:5] if machine_only else chosen, scope=Scope.OWN
    )
    assessment = composition.assessment_create(
        actor=teacher, title="Unit 1 online", kind=Assessment.Kind.COMMON, assessed_on=DAY
    )
    placements = composition.items_add(actor=teacher, assessment=assessment, items=items, section=1)
    now = timezone.now()
    fields: dict[str, object] = {
        "opens_at": now - HOUR,
        "closes_at": now + HOUR,
        "time_limit_minutes": 30,
    }
    fields.update(terms)
    assignment = assignment_create(
        actor=teacher,
        tracker=m.tracker,
        assessment=assessment,
        sections=[m.world.section],
        terms=AssignmentTerms(**fields),  # type: ignore[arg-type]
    )
    return Online(m, assessment, placements, assignment)


@pytest.fixture
def online(mastery: Mastery) -> Online:  # noqa: F811
    return make_online(mastery)
