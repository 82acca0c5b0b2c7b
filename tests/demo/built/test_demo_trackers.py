"""The demo's trackers: every teacher's classes, with a term of realistic score histories.

The district is built once for this folder (see conftest.py) inside a transaction rolled back
at the end; each test runs in its own savepoint inside it.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

import pytest
from django.db.models import Max, Min, Q

from masterly.accounts.models import User
from masterly.assessments.models import (
    Assessment,
    AssessmentStandard,
    Attempt,
    Evidence,
    EvidenceRevision,
    Response,
)
from masterly.demo.taking import TITLE as ONLINE_QUICK_CHECK
from masterly.demo.trackers import (
    MapUnit,
    assessment_plan,
    build_trackers_demo,
    school_day,
    student_profile,
    student_scores,
)
from masterly.roster.models import Enrollment
from masterly.standards.models import CurriculumMap
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import (
    Assignment,
    AssignmentAttempt,
    AttemptGrant,
    ParentNote,
    ReassessmentRequest,
    RecomputeRun,
    Rollup,
    Tracker,
    TrackerAssessment,
)
from masterly.trackers.rollups import run_recompute
from masterly.trackers.selectors.item_analysis import item_analysis
from masterly.trackers.selectors.tracker_list import tracker_list
from masterly.trackers.verify import verify

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)
TERM_STARTS = datetime.date(2026, 8, 1)  # Fall 2026
LAST_YEAR_STARTS = datetime.date(2025, 8, 1)


def current(tracker_owner: str | None = None) -> list[Tracker]:
    trackers = Tracker.objects.filter(is_archived=False).order_by("pk")
    if tracker_owner is not None:
        trackers = trackers.filter(owner__username=tracker_owner)
    return list(trackers)


def levels(tracker: Tracker, student: User | None = None) -> Counter[str]:
    """How many cells of the tracker (or of one student's row) show each level, NS included."""
    students = tracker_students(tracker.pk)
    if student is not None:
        students = students.filter(user=student)
    cells = students.count() * tracker.tracker_standards.count()
    rollups = Rollup.objects.filter(tracker=tracker)
    if student is not None:
        rollups = rollups.filter(student=student)
    counts = Counter(rollups.values_list("level", flat=True))
    counts["NS"] = cells - sum(counts.values())
    return counts


def test_every_demo_teacher_has_a_tracker_per_course_on_its_curriculum_map(district: str) -> None:
    teaching = Enrollment.objects.filter(
        role=Enrollment.Role.TEACHER, is_active=True, section__is_active=True
    ).filter(Q(section__ends_on__isnull=True) | Q(section__ends_on__gte=TODAY))
    taught: dict[tuple[int, int], set[int]] = {}
    for user_id, course_id, section_id in teaching.values_list(
        "user", "section__course", "section"
    ):
        taught.setdefault((user_id, course_id), set()).add(section_id)
    assert len({user for user, _ in taught}) == 10

    trackers = current()
    assert len(trackers) == len(taught) == 12  # two teachers teach both Math 6 and Math 7
    for tracker in trackers:
        sections = set(tracker.sections.values_list("pk", flat=True))
        course = tracker.sections.get(pk=min(sections)).course
        assert taught[(tracker.owner_id, course.pk)] == sections
        assert tracker.curriculum_map == CurriculumMap.objects.get(course=course)
        on_map = tracker.curriculum_map.units.values_list("unit_standards__standard", flat=True)
        assert set(tracker.standards.values_list("pk", flat=True)) == set(on_map)
        assert tracker.name == f"Grade {course.title.split()[-1]} Math — 2026–27"
    assert "Trackers: 13 created for 10 teachers (1 archived)" in district


def test_the_demo_teacher_has_this_years_tracker_and_last_years_archived(district: str) -> None:
    teacher = User.objects.get(username="teacher")

    trackers = tracker_list(teacher)

    assert [row.tracker.name for row in trackers.current] == ["Grade 6 Math — 2026–27"]
    assert [row.tracker.name for row in trackers.archived] == ["Grade 6 Math — 2025–26"]
    (this_year,) = trackers.current
    assert this_year.tracker.sections.count() == 3
    assert 0 < this_year.percent_assessed < 100
    assert 30 <= this_year.percent_assessed <= 60
    (last_year,) = trackers.archived
    assert all(s.ends_on and s.ends_on < TODAY for s in last_year.tracker.sections.all())
    assert 0 < last_year.percent_assessed < 100


def test_percent_of_standards_assessed_is_realistic_in_every_tracker(district: str) -> None:
    for teacher in User.objects.filter(trackers__isnull=False).distinct():
        for row in tracker_list(teacher).current:
            assert 0 < row.percent_assessed < 100, row.tracker.name


def test_the_demo_teachers_grid_shows_every_level(district: str) -> None:
    (tracker,) = current("teacher")

    counts = levels(tracker)

    assert set(counts) == {"M", "NM", "R", "NS"}
    assert all(counts[level] >= 20 for level in ("M", "NM", "R", "NS"))
    # Not assessed also inside the standards taught so far: students who were absent.
    assessed = set(Rollup.objects.filter(tracker=tracker).values_list("standard", flat=True))
    students = tracker_students(tracker.pk).count()
    assert Rollup.objects.filter(tracker=tracker).count() < students * len(assessed)


def test_the_demo_student_has_a_mix_of_levels(district: str) -> None:
    (tracker,) = current("teacher")
    student = User.objects.get(username="student")

    counts = levels(tracker, student)

    assert counts["NS"] > 0
    assert len({"M", "NM", "R"} & {level for level, n in counts.items() if n}) >= 2


def test_scores_are_hand_entered_quick_checks_with_some_retakes(district: str) -> None:
    (tracker,) = current("teacher")
    teacher = tracker.owner
    students = tracker_students(tracker.pk)
    evidence = Evidence.objects.filter(
        student__in=students, assessed_on__gte=TERM_STARTS, assessment__kind="quick_check"
    )

    assert set(evidence.values_list("source", flat=True)) == {"manual"}
    assert set(evidence.values_list("entered_by", flat=True)) == {teacher.pk}
    quick_checks = Assessment.objects.filter(evidence__in=evidence).distinct()
    assert quick_checks.count() >= 5
    given = TrackerAssessment.objects.filter(
        tracker=tracker, assessment__kind="quick_check"
    ).values_list("assessment", flat=True)
    # Listed in the tracker, beside the demo's online quick check (taken online, no score yet).
    online = Assessment.objects.filter(title=ONLINE_QUICK_CHECK).values_list("pk", flat=True)
    assert set(given) - set(online) == set(quick_checks.values_list("pk", flat=True))
    assert set(quick_checks.values_list("kind", "created_by")) == {("quick_check", teacher.pk)}
    for assessment in quick_checks:
        aligned = AssessmentStandard.objects.filter(assessment=assessment)
        assert 1 <= aligned.count() <= 9  # a quick check: 1–3; a unit check: the unit
        assert set(aligned.values_list("points_possible", flat=True)) <= {4, 10}
    retaken = evidence.filter(attempt__number=2)
    assert 0 < retaken.count() < evidence.count() // 10
    for second in retaken.select_related("attempt")[:20]:
        first = evidence.get(
            student=second.student_id,
            standard=second.standard_id,
            assessment=second.assessment_id,
            attempt=None,  # the quick check's own score, as quick score entry saves it
        )
        assert first.assessed_on < second.assessed_on
    # Every score has its history row, as the evidence service writes it.
    assert EvidenceRevision.objects.filter(evidence__in=evidence).count() == evidence.count()


def test_no_score_is_dated_in_the_future_or_before_its_term(district: str) -> None:
    dates = Evidence.objects.aggregate(first=Min("assessed_on"), last=Max("assessed_on"))
    assert dates["first"] >= LAST_YEAR_STARTS and dates["last"] <= TODAY
    for tracker in current():
        mine = Evidence.objects.filter(
            student__in=tracker_students(tracker.pk), standard__in=tracker.standards.all()
        )
        assert mine.exists()
        assert mine.filter(assessed_on__lt=TERM_STARTS).count() == 0, tracker.name
        assert mine.filter(assessed_on__gt=TODAY).count() == 0, tracker.name
    assert not Attempt.objects.filter(submitted_at__date__gt=TODAY).exists()


def test_the_stored_rollups_match_the_evidence(district: str) -> None:
    assert verify() == []


def test_the_queued_recompute_does_no_harm_when_the_worker_runs_it(district: str) -> None:
    runs = RecomputeRun.objects.filter(tracker__in=current())
    assert set(runs.values_list("status", flat=True)) == {RecomputeRun.Status.DONE}
    before = list(Rollup.objects.order_by("pk").values_list())

    for run in runs:  # what the worker does when it picks up the queued tasks later
        assert run_recompute(run.pk).status == RecomputeRun.Status.DONE

    assert list(Rollup.objects.order_by("pk").values_list()) == before


def snapshot(tracker: Tracker) -> list[tuple[Any, ...]]:
    """This year's scores of the tracker's students, by what they are (not by their ids)."""
    fields = (
        "student__sourced_id",
        "standard__human_coding_scheme",
        "assessed_on",
        "attempt__number",
        "assessment__title",
        "points_earned",
        "points_possible",
    )
    return list(
        Evidence.objects.filter(
            student__in=tracker_students(tracker.pk), assessed_on__gte=TERM_STARTS
        )
        .order_by(*fields)
        .values_list(*fields)
    )


def test_building_again_with_the_same_today_gives_the_same_scores(district: str) -> None:
    (tracker,) = current("teacher")
    first = snapshot(tracker)
    # Remove this year's tracker of ``teacher`` and everything it wrote, then build again.
    assessments = Assessment.objects.filter(
        created_by=tracker.owner, assessed_on__gte=TERM_STARTS, kind="quick_check"
    )
    assessments = assessments.exclude(title=ONLINE_QUICK_CHECK)  # given online, not built here
    evidence = Evidence.objects.filter(assessment__in=assessments)
    # What later demo steps hung on the tracker: assignments, notes, requests, grants.
    ParentNote.objects.filter(tracker=tracker).delete()
    ReassessmentRequest.objects.filter(tracker=tracker).delete()
    AttemptGrant.objects.filter(tracker=tracker).delete()
    AssignmentAttempt.objects.filter(assignment__tracker=tracker).delete()
    Assignment.objects.filter(tracker=tracker).delete()
    tracker.delete()
    EvidenceRevision.objects.filter(evidence__in=evidence).delete()
    evidence.delete()
    Attempt.objects.filter(assessment__in=assessments).delete()
    AssessmentStandard.objects.filter(assessment__in=assessments).delete()
    assessments.delete()

    again = build_trackers_demo(today=TODAY)

    (rebuilt,) = again.trackers
    assert rebuilt.name == "Grade 6 Math — 2026–27" and again.kept == 12
    assert snapshot(rebuilt) == first
    assert verify([rebuilt.pk]) == []


def test_building_again_keeps_every_tracker(district: str) -> None:
    evidence = Evidence.objects.count()

    again = build_trackers_demo(today=TODAY)

    assert again.made == [] and again.kept == 13
    assert Evidence.objects.count() == evidence
    assert again.lines == ["Trackers: none created; 13 trackers already there, kept."]


# ------------------------------------------------------------------ assessment results


@pytest.mark.parametrize("grade", [6, 7, 8])
def test_each_course_has_a_common_assessment_and_a_benchmark_taken_by_its_classes(
    district: str, grade: int
) -> None:
    common = Assessment.objects.get(title=f"Math {grade}: common assessment 1")
    benchmark = Assessment.objects.get(title=f"Math {grade}: fall benchmark")
    assert (common.kind, benchmark.kind) == ("common", "benchmark")
    # The district's tests, shared with it (not "Only me"), dated when the classes took them.
    assert (common.scope, benchmark.scope) == ("district", "district")
    assert common.sections.count() == 1 and common.assessed_on > benchmark.assessed_on
    trackers = [t for t in current() if t.name.startswith(f"Grade {grade} ")]
    assert set(common.trackers_given.values_list("tracker", flat=True)) == {t.pk for t in trackers}
    students = {s for t in trackers for s in tracker_students(t.pk).values_list("user", flat=True)}
    for assessment in (common, benchmark):
        attempts = Attempt.objects.filter(assessment=assessment)
        assert 0.8 * len(students) < attempts.count() <= len(students)
        items = assessment.items.count()
        assert Response.objects.filter(attempt__in=attempts).count() == attempts.count() * items
        # One piece of evidence per standard per attempt, every one through the service.
        evidence = Evidence.objects.filter(assessment=assessment)
        per_attempt = evidence.values("attempt", "standard").distinct().count()
        assert per_attempt == evidence.count() == attempts.count() * assessment.standards.count()
        assert EvidenceRevision.objects.filter(evidence__in=evidence).count() == evidence.count()
    assert f"Math {grade}: common assessment 1: 10 items" in district


def test_better_students_score_better(district: str) -> None:
    common = Assessment.objects.get(title="Math 6: common assessment 1")
    by_profile: dict[str, list[float]] = {}
    for student_key, earned, possible in Evidence.objects.filter(assessment=common).values_list(
        "student__sourced_id", "points_earned", "points_possible"
    ):
        by_profile.setdefault(student_profile(student_key).name, []).append(
            float(earned / possible)
        )
    mean = {name: sum(v) / len(v) for name, v in by_profile.items()}
    assert mean["strong"] > mean["typical"] > mean["struggling"]


def test_the_item_analysis_flags_the_common_assessments_flawed_key(district: str) -> None:
    (tracker,) = current("teacher")
    common = Assessment.objects.get(title="Math 6: common assessment 1")
    analysis = item_analysis(tracker.owner, tracker, common)
    flagged = [r for r in analysis.items if r.flags]
    mine = [r for r in analysis.items if r.item.key_version.item.owner_id == tracker.owner_id]
    assert len(mine) == 1 and mine[0] in flagged
    assert mine[0].discrimination is not None and mine[0].discrimination < 0
    assert any("wrong option" in flag for flag in mine[0].flags)
    assert len(flagged) <= 3
    others = [r.discrimination for r in analysis.items if r not in mine and r.discrimination]
    assert sum(others) / len(others) > 0.2  # the other items tell strong from weak students


# ------------------------------------------------------------------ the generator alone

UNITS = [
    MapUnit("Ratios", ((1, "6.RP.A.1"), (2, "6.RP.A.2"), (3, "6.RP.A.3"))),
    MapUnit("Numbers", tuple((10 + n, f"6.NS.X.{n}") for n in range(8))),
    MapUnit("Expressions", tuple((20 + n, f"6.EE.X.{n}") for n in range(9))),
    MapUnit("Geometry", tuple((30 + n, f"6.G.X.{n}") for n in range(4))),
]


@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2026, 8, 1),  # the first day of the term
        datetime.date(2026, 8, 9),  # a Sunday in the first week
        datetime.date(2026, 9, 15),
        datetime.date(2026, 10, 15),
        datetime.date(2027, 1, 10),
    ],
)
def test_the_plan_stays_within_the_term_on_school_days(today: datetime.date) -> None:
    plan = assessment_plan(UNITS, starts=TERM_STARTS, until=today, seed="t")

    assert plan
    assert all(TERM_STARTS <= a.on <= today for a in plan)
    assert [a.on for a in plan] == sorted(a.on for a in plan)
    if (today - TERM_STARTS).days > 14:
        assert all(a.on.weekday() < 5 for a in plan)
    taught = {s for a in plan for s in a.standards}
    assert 0 < len(taught) <= 0.5 * 24 + 1  # about half the map at most
    first_unit = {s for s, _ in UNITS[0].standards}
    assert first_unit <= taught  # units in order: the first is taught first
    for n in range(40):
        for score in student_scores(f"k{n}", plan, starts=TERM_STARTS, until=today, seed="t"):
            assert TERM_STARTS <= score.on <= today
            assert 0 <= score.earned <= score.possible


def test_nothing_is_planned_before_the_term_starts() -> None:
    assert (
        assessment_plan(
            UNITS, starts=TERM_STARTS, until=TERM_STARTS.replace(day=1, month=7), seed="t"
        )
        == []
    )


def test_the_same_input_gives_the_same_scores_and_students_differ() -> None:
    plan = assessment_plan(UNITS, starts=TERM_STARTS, until=TODAY, seed="t")
    assert plan == assessment_plan(UNITS, starts=TERM_STARTS, until=TODAY, seed="t")

    def scores(key: str) -> list[Any]:
        return student_scores(key, plan, starts=TERM_STARTS, until=TODAY, seed="t")

    assert scores("demo-u-student-1-6-1-3") == scores("demo-u-student-1-6-1-3")
    assert scores("demo-u-student-1-6-1-3") != scores("demo-u-student-1-6-1-4")
    profiles = Counter(student_profile(f"demo-u-student-{n}").name for n in range(600))
    assert set(profiles) == {
        "strong",
        "typical",
        "improving",
        "struggling",
        "often_absent",
        "joined_late",
    }


def test_school_days_skip_weekends_within_bounds() -> None:
    saturday, sunday = datetime.date(2026, 10, 17), datetime.date(2026, 10, 18)
    friday, monday = datetime.date(2026, 10, 16), datetime.date(2026, 10, 19)
    far = datetime.date(2027, 1, 1)

    assert school_day(saturday, TERM_STARTS, far) == friday
    assert school_day(sunday, TERM_STARTS, far) == monday
    assert school_day(sunday, TERM_STARTS, sunday) == friday
    assert school_day(saturday, saturday, far) == saturday  # never before the earliest day
