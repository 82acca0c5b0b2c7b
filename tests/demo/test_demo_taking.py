"""The demo student has an online assessment open now, and can start it."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from masterly.accounts.models import User
from masterly.demo.taking import TITLE
from masterly.trackers.selectors.taking import student_assignments
from masterly.trackers.services.taking import attempt_start

pytestmark = pytest.mark.django_db


def test_the_demo_student_has_an_assessment_open_now() -> None:
    today = timezone.localdate()
    out = io.StringIO()
    call_command("demo", today=today, stdout=out, stderr=io.StringIO())
    assert f"{TITLE}: 10 items" in out.getvalue()
    student = User.objects.get(username="student")
    (assignment,) = [a for a in student_assignments(student) if a.assessment.title == TITLE]
    assert assignment.opens_at <= timezone.now() < assignment.closes_at
    attempt = attempt_start(student=student, assignment=assignment)
    # The demo student has extended time (×1.5) on the 30-minute quick check.
    assert attempt.deadline - attempt.started_at == datetime.timedelta(minutes=45)
    again = io.StringIO()
    call_command("demo", today=today, stdout=again, stderr=io.StringIO())
    assert f"{TITLE}: already there." in again.getvalue()
