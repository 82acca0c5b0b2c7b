"""The demo's scoring queue and reassessment: in the demo teacher's tracker holding the demo
student, an exit ticket (one teacher-scored short-text item) whose written answers wait in
the teacher's scoring queue, and a pending reassessment request from the demo student.

Deterministic and safe to run again: what is already there is kept.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction

from masterly.accounts.models import User
from masterly.assessments import services as assessment_writes
from masterly.assessments.composition import services as composition
from masterly.assessments.items import services as item_writes
from masterly.assessments.items.drafts import ItemDraft
from masterly.assessments.items.models import Scope
from masterly.assessments.models import Assessment
from masterly.assessments.responses import services as response_writes
from masterly.assessments.responses.entry import Answer, Scored
from masterly.assessments.responses.keys import placed_items
from masterly.standards.models import Standard
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import ReassessmentRequest, Tracker, TrackerStandard
from masterly.trackers.selectors.reassessment import student_trackers
from masterly.trackers.services.paper_scores import assessment_give
from masterly.trackers.services.reassessment import reassessment_request

EXIT_TICKET = "Exit ticket: explain your reasoning"
ANSWERS = [
    "A ratio compares two amounts, like 3 cups of flour for every 2 cups of sugar.",
    "It is when you divide them I think.",
    "For every 4 boys there are 5 girls so the ratio is 4:5.",
    "A ratio tells how many of one thing there are for each of another thing.",
    "idk",
]
REASON = "I redid the practice set and went to the lunch help session; I understand it now."


@dataclass
class ReassessmentDemo:
    lines: list[str]


def build_reassessment_demo(*, today: datetime.date) -> ReassessmentDemo:
    teacher = User.objects.filter(username="teacher").first()
    student = User.objects.filter(username="student").first()
    if teacher is None or student is None:
        return ReassessmentDemo(["No demo teacher or student: no scoring queue built."])
    tracker = (
        Tracker.objects.filter(owner=teacher, is_archived=False)
        .filter(pk__in=student_trackers(student).values("pk"))
        .order_by("pk")
        .first()
    )
    if tracker is None:
        return ReassessmentDemo(["The demo student is in none of the demo teacher's trackers."])
    standard = (
        TrackerStandard.objects.filter(tracker=tracker).select_related("standard").order_by("pk")
    ).first()
    if standard is None:
        return ReassessmentDemo([f"{tracker.name} has no standards: no scoring queue built."])
    lines = [_exit_ticket(teacher, tracker, standard.standard, today)]
    if not ReassessmentRequest.objects.filter(tracker=tracker, student=student).exists():
        reassessment_request(
            student=student, tracker=tracker, reason=REASON, standard=standard.standard
        )
        lines.append(f"The demo student asked for a reassessment in {tracker.name}.")
    return ReassessmentDemo(lines)


def _exit_ticket(teacher: User, tracker: Tracker, standard: Standard, today: datetime.date) -> str:
    if Assessment.objects.filter(title=EXIT_TICKET, created_by=teacher).exists():
        return f"{EXIT_TICKET}: already there."
    with transaction.atomic():
        (item,) = item_writes.items_create(
            actor=teacher,
            drafts=[
                ItemDraft(
                    interaction="short_text",
                    stem="In your own words, what does a ratio tell you? Give an example.",
                    dok=2,
                    standards=((standard, Decimal(2)),),
                    teacher_scored=True,
                )
            ],
            scope=Scope.OWN,
        )
        assessment = composition.assessment_create(
            actor=teacher, title=EXIT_TICKET, kind=Assessment.Kind.PAPER, assessed_on=today
        )
        if item.current is None:  # items_create sets it
            raise RuntimeError("the exit ticket's item has no version")
        composition.items_add(actor=teacher, assessment=assessment, items=[item], section=1)
        assessment_give(actor=teacher, tracker=tracker, assessment=assessment)
        response_writes.alignments_from_items(actor=teacher, assessment=assessment)
        (placed,) = placed_items(assessment.pk)
        students = list(
            User.objects.filter(pk__in=tracker_students(tracker.pk)).order_by(
                "last_name", "first_name", "pk"
            )[: len(ANSWERS)]
        )
        when = datetime.datetime.combine(today, datetime.time(10), tzinfo=datetime.UTC)
        attempts = assessment_writes.attempts_record(
            actor=teacher,
            attempts=[
                assessment_writes.TakenAttempt(assessment, student, 1, when) for student in students
            ],
        )
        response_writes.responses_write(
            actor=None,
            writes=[
                response_writes.ResponseWrite(
                    attempt_id=attempt.pk,
                    placement_id=placed.placement_id,
                    answer=Answer(text=text),
                    scored=Scored(None),  # waiting for the teacher
                    points_possible=placed.key.points,
                )
                for attempt, text in zip(attempts, ANSWERS, strict=False)
            ],
        )
    return f"{EXIT_TICKET}: {len(attempts)} written answers wait in {tracker.name}'s scoring queue."
