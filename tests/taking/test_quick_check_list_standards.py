"""The tracker's quick-check list names the standards of an online test built from items
before anyone has taken it (the test is aligned to its items' standards only when answers
are scored), in a fixed number of queries."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masterly.assessments.models import AssessmentStandard
from tests.assessment_factories import Mastery, mastery  # noqa: F401 - a fixture
from tests.taking.conftest import make_online


def _codes(m: Mastery) -> str:
    return ", ".join(sorted(s.human_coding_scheme for s in (m.standard_a, m.standard_b)))


def test_an_untaken_online_test_lists_its_items_standards(mastery: Mastery) -> None:  # noqa: F811
    online = make_online(mastery, machine_only=True)
    assert not AssessmentStandard.objects.filter(assessment=online.assessment).exists()
    client = online.client_for(mastery.world.teacher)
    url = reverse("quick_check_list", args=[mastery.tracker.pk])
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert f"<td>{_codes(mastery)}</td>" in page

    for _ in range(3):  # more tests, each with its items: the same number of queries
        make_online(mastery, machine_only=True)
    with CaptureQueriesContext(connection) as four:
        client.get(url)
    assert len(four) == len(one)
