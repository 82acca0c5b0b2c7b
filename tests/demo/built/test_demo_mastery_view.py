"""The demo student and parent walk the Mastery View: their classes, a view with levels and
scores, and a paper test open to them with its answer key and item analysis. The district is
built once for this folder (rolled back)."""

from __future__ import annotations

import pytest
from django.test import Client

from masterly.accounts.models import User
from masterly.assessments.models import Evidence
from masterly.trackers.assignments import Assignment

pytestmark = pytest.mark.django_db


def test_demo_student_and_parent_see_the_mastery_view(district: str) -> None:
    assert "paper tests open to families" in district
    student = User.objects.get(username="student")
    parent = User.objects.get(username="parent")
    taken = Evidence.objects.filter(student=student, is_deleted=False).values("assessment")
    shown = Assignment.objects.filter(show_assessment="now").select_related("tracker")
    common = shown.filter(assessment__in=taken, show_answer_key="now").first()
    assert common is not None
    tracker = common.tracker
    as_student, as_parent = Client(), Client()
    as_student.force_login(student)
    as_parent.force_login(parent)
    home = as_student.get("/student/").content.decode()
    assert f'href="/student/trackers/{tracker.pk}/"' in home
    html = as_parent.get(f"/family/{student.pk}/trackers/{tracker.pk}/?expand=all").content.decode()
    assert "standards assessed" in html and "How is this calculated?" in html
    assert f"assessments/{common.pk}/" in html
    page = as_parent.get(f"/family/{student.pk}/trackers/{tracker.pk}/assessments/{common.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Answer Key" in text and "Item Analysis" in text and 'class="item-stem"' in text
    key = as_parent.get(
        f"/family/{student.pk}/trackers/{tracker.pk}/assessments/{common.pk}/?tab=key"
    ).content.decode()
    assert "right answer" in key
    analysis = as_student.get(
        f"/student/trackers/{tracker.pk}/assessments/{common.pk}/?tab=analysis"
    ).content.decode()
    assert "<h2>Item Analysis</h2>" in analysis and "Percent correct" in analysis
