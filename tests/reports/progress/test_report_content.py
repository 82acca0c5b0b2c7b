"""What the reports show: levels now, over time and for a term; what the portal settings hide
stays hidden; a fixed number of queries whatever the number of standards."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from masterly.roster.models import AcademicSession, Role
from masterly.trackers.models import PortalShow, TrackerStandard
from masterly.trackers.selectors import progress_report as reports
from tests.assessment_factories import Mastery, StandardFactory
from tests.reports.progress.conftest import OCTOBER, SEPTEMBER

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def _subject(scored: Mastery) -> reports.ReportSubject:
    return reports.report_subject(
        scored.world.parent,
        student_id=scored.world.student.pk,
        tracker_id=scored.tracker.pk,
        as_role=Role.GUARDIAN,
    )


def _page(scored: Mastery, name: str, **extra: int) -> str:
    client = Client()
    client.force_login(scored.world.parent)
    kwargs = {"student_id": scored.world.student.pk, "tracker_id": scored.tracker.pk, **extra}
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    return response.content.decode()


def test_current_progress_lists_each_standard_with_its_level_and_score(scored: Mastery) -> None:
    progress = reports.current_progress(_subject(scored))
    by_code = {row.code: row for row in progress.rows}
    assert list(by_code) == ["6.RP.A.1", "6.RP.A.2", "6.RP.A.3"]
    assert by_code["6.RP.A.3"].level.abbreviation == "NS"
    assert by_code["6.RP.A.1"].evidence_count == 2
    assert by_code["6.RP.A.1"].score is not None
    assert progress.overview.assessed == 2
    assert progress.overview.percent_assessed == 67
    page = _page(scored, "family_report_current")
    assert "6.RP.A.1" in page and "Score" in page and scored.world.school.name in page


@pytest.mark.parametrize("setting", [PortalShow.NEVER, PortalShow.AFTER_ALL])
def test_hidden_scores_and_hidden_standards_stay_hidden(scored: Mastery, setting: str) -> None:
    tracker = scored.tracker
    tracker.portal_scores = setting
    tracker.save(update_fields=["portal_scores"])
    TrackerStandard.objects.filter(tracker=tracker, standard=scored.standard_b).update(
        is_hidden=True
    )
    progress = reports.current_progress(_subject(scored))
    assert [row.code for row in progress.rows] == ["6.RP.A.1", "6.RP.A.3"]
    assert all(row.score is None for row in progress.rows)
    term = scored.world.section.terms.get()
    for name, extra in [
        ("family_report_current", {}),
        ("family_report_current_print", {}),
        ("family_report_timeline", {}),
        ("family_report_term_print", {"term_id": term.pk}),
    ]:
        page = _page(scored, name, **extra)
        assert "6.RP.A.2" not in page, name
        assert ">Score<" not in page, name
    report = reports.term_report(_subject(scored), term, TODAY)
    assert [row.code for row in report.rows] == ["6.RP.A.1"]
    assert report.rows[0].score is None


def test_the_timeline_shows_each_level_as_it_stood_at_each_month_end(scored: Mastery) -> None:
    subject = _subject(scored)
    terms = reports.class_terms(subject)
    timeline = reports.progress_timeline(subject, terms, TODAY)
    assert timeline.checkpoints == [
        datetime.date(2026, 8, 31),
        datetime.date(2026, 9, 30),
        datetime.date(2026, 10, 31),
        datetime.date(2026, 11, 30),
        TODAY,
    ]
    a = [level.abbreviation for level in timeline.rows[0].levels]
    assert a[0] == "NS"  # nothing assessed in August
    assert a[1] == "R"  # 40 in September
    assert a[2] != "R" and a[2] == a[4]  # 95 in October raised it, and it stays
    page = _page(scored, "family_report_timeline")
    assert "<svg" in page and "Level of each standard at each date" in page


def test_a_terms_report_lists_every_standard_assessed_in_the_term(scored: Mastery) -> None:
    subject = _subject(scored)
    term = scored.world.section.terms.get()
    report = reports.term_report(subject, term, TODAY)
    assert [row.code for row in report.rows] == ["6.RP.A.1", "6.RP.A.2"]
    assert report.rows[0].evidence_count == 2
    assert report.overview.total == 3 and report.overview.assessed == 2
    # A term that ended before October counts only September's score.
    early = AcademicSession.objects.create(
        sourced_id="q1",
        title="Quarter 1",
        type=AcademicSession.Type.GRADING_PERIOD,
        start_date=datetime.date(2026, 8, 1),
        end_date=datetime.date(2026, 9, 30),
        school_year=2027,
    )
    first = reports.term_report(subject, early, TODAY)
    assert [row.code for row in first.rows] == ["6.RP.A.1"]
    assert first.rows[0].level.abbreviation == "R"
    assert first.as_of == datetime.date(2026, 9, 30)
    assert SEPTEMBER < first.as_of < OCTOBER


def test_the_term_print_view_names_the_school_and_prints_the_ccss_notice_once(
    scored: Mastery,
) -> None:
    framework = scored.standard_a.framework
    framework.creator = "CCSSO"
    framework.save(update_fields=["creator"])
    term = scored.world.section.terms.get()
    page = _page(scored, "family_report_term_print", term_id=term.pk)
    assert scored.world.school.name in page
    assert page.count("Common Core State Standards are ©") == 1
    assert "Standards-based progress report" in page


def _add_standards(scored: Mastery, count: int) -> None:
    """``count`` more standards, scored, and a second class of the tracker the student is in."""
    from masterly.trackers.models import TrackerSection
    from tests import factories as f

    second = f.SectionFactory(course=scored.world.section.course, title="Math 6 - Lab")
    TrackerSection.objects.create(tracker=scored.tracker, section=second)
    f.EnrollmentFactory(user=scored.world.student, section=second, role="student")
    framework = scored.standard_a.framework
    for index in range(count):
        standard = StandardFactory(framework=framework, human_coding_scheme=f"7.EE.{index}")
        TrackerStandard.objects.create(
            tracker=scored.tracker, standard=standard, position=100 + index
        )
        scored.record(standard=standard, earned=60 + index, on=OCTOBER)


@pytest.mark.parametrize(
    "name",
    [
        "family_report_current",
        "family_report_timeline",
        "family_report_notes",
        "family_report_terms",
        "family_report_term_print",
    ],
)
def test_each_page_runs_the_same_number_of_queries_for_more_standards_and_classes(
    scored: Mastery, name: str, django_assert_num_queries: object
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    term = scored.world.section.terms.get()
    extra = {"term_id": term.pk} if "term_print" in name else {}
    client = Client()
    client.force_login(scored.world.parent)
    kwargs = {"student_id": scored.world.student.pk, "tracker_id": scored.tracker.pk, **extra}
    url = reverse(name, kwargs=kwargs)
    client.get(url)  # warm caches (the compiled access rules)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _add_standards(scored, 10)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)
    assert len(small.captured_queries) <= 12
