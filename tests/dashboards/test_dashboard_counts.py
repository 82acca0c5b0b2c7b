"""The maintained counts say what the rollups say, today and on any earlier day."""

from __future__ import annotations

import datetime

from django.db.models import Sum
from django.utils import timezone

from masterly.trackers.dashboard_counts import rebuild_stale
from masterly.trackers.models import Rollup, StandardLevelCount, Tracker
from tests.dashboards.conftest import OCTOBER, SEPTEMBER, School


def _levels(school: School, section_id: int, standard_id: int, on: datetime.date) -> dict:
    rows = (
        StandardLevelCount.objects.filter(
            section_id=section_id, standard_id=standard_id, day__lte=on
        )
        .values("level")
        .annotate(n=Sum("delta"))
        .values_list("level", "n")
    )
    return {level: n for level, n in rows if n}


def test_todays_counts_are_the_rollups_levels(school: School) -> None:
    standard = school.standards[0]
    stored = Rollup.objects.filter(tracker=school.trackers[0], standard=standard).values_list(
        "level", flat=True
    )
    assert sorted(stored) == ["NM"] * 12  # decaying average: 0.35 × 90 + 0.65 × 40 = 57.5
    assert _levels(school, school.big.pk, standard.pk, timezone.localdate()) == {"NM": 12}


def test_an_earlier_day_shows_the_levels_of_the_evidence_assessed_by_then(
    school: School,
) -> None:
    standard = school.standards[0]
    before = SEPTEMBER - datetime.timedelta(days=1)
    assert _levels(school, school.big.pk, standard.pk, before) == {"": 12}
    assert _levels(school, school.big.pk, standard.pk, SEPTEMBER) == {"M": 12}
    assert _levels(school, school.big.pk, standard.pk, OCTOBER) == {"NM": 12}
    # The standard nobody was assessed on: every student not assessed.
    assert _levels(school, school.big.pk, school.standards[1].pk, OCTOBER) == {"": 12}


def test_a_score_marks_its_tracker_stale_and_a_rebuild_counts_it(school: School) -> None:
    tracker = school.trackers[0]
    assert not Tracker.objects.get(pk=tracker.pk).counts_stale
    school.score(school.big, school.standards[1], 100, OCTOBER)
    assert Tracker.objects.get(pk=tracker.pk).counts_stale
    assert rebuild_stale() == 1
    assert _levels(school, school.big.pk, school.standards[1].pk, OCTOBER) == {"M": 12}
    assert not Tracker.objects.get(pk=tracker.pk).counts_stale
