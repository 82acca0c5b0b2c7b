"""The demo's tools and accommodations: the demo student reads tests aloud with extended time
(as the story of the student portal wants), and a few classmates have the other tools, so the
Tools & Accommodations page and the take pages show each of them."""

from __future__ import annotations

import datetime
from decimal import Decimal

from masterly.accounts.models import User
from masterly.assessments.models import Tool
from masterly.roster.models import Enrollment
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker
from masterly.trackers.services.sharing import accommodations_save

DEMO_TEACHER = "teacher"
DEMO_STUDENT = "student"
# The classmates' tools, in name order of the students after the demo student.
CLASSMATES = [
    ([Tool.CALCULATOR, Tool.MAGNIFIER], None),
    ([Tool.REDUCED_ANSWER_CHOICES, Tool.LINE_READER], None),
    ([Tool.EXTENDED_TIME, Tool.TEXT_TO_SPEECH, Tool.CALCULATOR], Decimal(2)),
]


def build_accommodations_demo(*, today: datetime.date) -> list[str]:
    teacher = User.objects.get(username=DEMO_TEACHER)
    student = User.objects.get(username=DEMO_STUDENT)
    tracker = (
        Tracker.objects.filter(
            owner=teacher,
            is_archived=False,
            sections__enrollments__user=student,
            sections__enrollments__role=Enrollment.Role.STUDENT,
            sections__enrollments__is_active=True,
        )
        .order_by("pk")
        .first()
    )
    if tracker is None:
        return ["No tracker of the demo student's: no tools and accommodations set."]
    classmates = list(
        User.objects.filter(pk__in=tracker_students(tracker.pk))
        .exclude(pk=student.pk)
        .order_by("last_name", "first_name")[: len(CLASSMATES)]
    )
    tools = {student.pk: [Tool.TEXT_TO_SPEECH, Tool.EXTENDED_TIME]}
    factors = {student.pk: Decimal("1.5")}
    for classmate, (chosen, factor) in zip(classmates, CLASSMATES, strict=False):
        tools[classmate.pk] = list(chosen)
        if factor is not None:
            factors[classmate.pk] = factor
    accommodations_save(actor=teacher, tracker=tracker, tools=tools, today=today, factors=factors)
    return [
        f"Tools and accommodations set for {len(tools)} students of {tracker.name} "
        "(the demo student: text-to-speech and extended time ×1.5)."
    ]
