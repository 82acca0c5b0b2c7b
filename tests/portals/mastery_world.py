"""Helpers for the Mastery View tests: pages as a person, assignments and progressions."""

from __future__ import annotations

import datetime
from typing import Any

from django.test import Client
from django.utils import timezone

from masterly.accounts.models import User
from masterly.assessments.models import Assessment
from masterly.standards.models import Association, Standard
from masterly.standards.packages import PRECEDES
from masterly.trackers.assignments import Assignment, AssignmentSection
from masterly.trackers.models import Tracker
from tests.assessment_factories import Mastery


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def get(user: User | None, url: str, status: int = 200) -> str:
    response = client_for(user).get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def student_url(tracker: Tracker) -> str:
    return f"/student/trackers/{tracker.pk}/"


def family_url(student: User, tracker: Tracker) -> str:
    return f"/family/{student.pk}/trackers/{tracker.pk}/"


_test_ids = iter(f"T{n:05d}" for n in range(1, 99999))


def assign(
    m: Mastery,
    assessment: Assessment,
    *,
    tracker: Tracker | None = None,
    opens: datetime.timedelta = datetime.timedelta(days=-1),
    closes: datetime.timedelta = datetime.timedelta(days=1),
    **visibility: Any,
) -> Assignment:
    now = timezone.now()
    tracker = tracker or m.tracker
    assignment = Assignment.objects.create(
        tracker=tracker,
        assessment=assessment,
        opens_at=now + opens,
        closes_at=now + closes,
        test_id=next(_test_ids),
        created_by=m.world.teacher,
        **visibility,
    )
    for section in tracker.sections.all():
        AssignmentSection.objects.create(assignment=assignment, section=section)
    return assignment


def precedes(origin: Standard, destination: Standard) -> Association:
    return Association.objects.create(
        framework=destination.framework,
        identifier=f"{origin.pk}-precedes-{destination.pk}",
        association_type=PRECEDES,
        origin=origin,
        origin_identifier=origin.identifier,
        destination=destination,
        destination_identifier=destination.identifier,
    )
