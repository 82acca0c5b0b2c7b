"""The demo district tells a leader a story: a section behind on ratios, a teacher whose
students climb, English learners who need support, and schools that differ; every student
has demographics and program flags.

The district is built once for this folder (see conftest.py), rolled back at the end.
"""

from __future__ import annotations

import datetime
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Avg, Count, Q, Sum

from masterly.assessments.models import Evidence
from masterly.demo.story import CLIMBING_TEACHER, section_place, shift_for
from masterly.roster.models import Enrollment, Role, RoleAssignment, StudentGroupMembership
from masterly.trackers.models import Rollup

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def students_in(group: str, school: str | None = None) -> int:
    members = StudentGroupMembership.objects.filter(group=group)
    if school is not None:
        members = members.filter(student__role_assignments__org__name__startswith=school)
    return members.count()


def students(school: str) -> int:
    return RoleAssignment.objects.filter(role=Role.STUDENT, org__name__startswith=school).count()


def test_every_student_has_demographics_in_believable_proportions(district: str) -> None:
    total = RoleAssignment.objects.filter(role=Role.STUDENT).count()
    assert total == 600
    sexes = StudentGroupMembership.objects.filter(group__startswith="sex:")
    assert sexes.values("student").distinct().count() == total
    assert 0.4 < students_in("sex:female") / total < 0.6
    assert 0.3 < students_in("race:white") / total < 0.7
    assert 0.1 < students_in("hispanic_or_latino") / total < 0.4
    # Every race group is there, even the small ones a dashboard must suppress.
    for group in ("race:american_indian_or_alaska_native", "race:two_or_more", "race:asian"):
        assert students_in(group) > 0
    assert set(StudentGroupMembership.objects.values_list("source", flat=True)) == {
        "oneroster",
        "programs",
    }


def test_the_schools_differ_in_who_they_serve(district: str) -> None:
    def share(group: str, school: str) -> float:
        return students_in(group, school) / students(school)

    cedar, lakeview = "Cedar Ridge", "Lakeview"
    assert share("program:english_learner", cedar) > 1.5 * share(
        "program:english_learner", lakeview
    )
    assert share("program:economically_disadvantaged", cedar) > share(
        "program:economically_disadvantaged", lakeview
    )
    for school in (cedar, lakeview):
        assert 0.05 < share("program:iep", school) < 0.25
        assert 0.01 < share("program:504", school) < 0.12


def mean_score(rollups: Any) -> float:
    return float(rollups.aggregate(mean=Avg("score"))["mean"])


def grade_6_sections() -> dict[str, set[int]]:
    """Each current grade 6 section's sourcedId → its students."""
    found: dict[str, set[int]] = {}
    for sid, student in Enrollment.objects.filter(
        role=Enrollment.Role.STUDENT,
        is_active=True,
        section__sourced_id__contains="-2027-6-",
    ).values_list("section__sourced_id", "user_id"):
        found.setdefault(sid, set()).add(student)
    return found


def test_one_section_lags_its_peers_on_ratios_and_only_there(district: str) -> None:
    current = Rollup.objects.filter(tracker__is_archived=False, score__isnull=False)
    ratios = Q(standard__human_coding_scheme__startswith="6.RP")
    means = {}
    for sid, members in grade_6_sections().items():
        mine = current.filter(student__in=members)
        means[section_place(sid)] = (
            mean_score(mine.filter(ratios)),
            mean_score(mine.exclude(ratios)),
        )
    lagging = means.pop(("1", "6", "3"))
    assert len(means) == 7
    for peer_ratios, peer_rest in means.values():
        assert lagging[0] < peer_ratios - 12
        assert abs(lagging[1] - peer_rest) < 8


def share_by_month(evidence: Any) -> dict[int, float]:
    rows = evidence.values_list("assessed_on__month").annotate(
        earned=Sum("points_earned"), possible=Sum("points_possible")
    )
    return {month: float(earned / possible) for month, earned, possible in rows}


def test_one_teachers_students_climb_from_below_their_peers_to_above(district: str) -> None:
    grade_8 = Evidence.objects.filter(  # this term's scores on grade 8 standards
        assessed_on__gte=datetime.date(2026, 8, 1),
        standard__human_coding_scheme__startswith="8.",
    )
    climbing = share_by_month(grade_8.filter(entered_by__sourced_id__endswith=CLIMBING_TEACHER))
    others = share_by_month(grade_8.exclude(entered_by__sourced_id__endswith=CLIMBING_TEACHER))
    first, last = min(climbing), max(climbing)
    assert climbing[first] < others[first] - 0.05
    assert climbing[last] > others[last]
    assert climbing[last] - climbing[first] > 2 * (others[last] - others[first])


def test_english_learners_need_support_on_language_heavy_standards(district: str) -> None:
    current = Rollup.objects.filter(tracker__is_archived=False, score__isnull=False)
    learners = StudentGroupMembership.objects.filter(group="program:english_learner").values(
        "student"
    )
    language = Q(standard__human_coding_scheme__contains=".EE.") | Q(
        standard__human_coding_scheme__contains=".SP."
    )
    el = current.filter(student__in=learners)
    others = current.exclude(student__in=learners)
    gap = mean_score(others.filter(language)) - mean_score(el.filter(language))
    gap_elsewhere = mean_score(others.exclude(language)) - mean_score(el.exclude(language))
    assert gap > 8
    assert gap > gap_elsewhere + 4
    assert el.values("student").distinct().count() >= 30  # a group a dashboard shows


def test_the_program_flags_load_through_the_import_with_its_audit_row(district: str) -> None:
    from masterly.core.models import AuditEvent

    audit = AuditEvent.objects.get(action="roster.programs_import")
    assert audit.summary.startswith("Program flags from demo-programs.csv: 600 student(s) read")
    assert StudentGroupMembership.objects.values("group").annotate(n=Count("id")).count() == 14


def test_the_demo_writes_its_program_flags_file(tmp_path: Any) -> None:
    path = tmp_path / "programs.csv"
    out = io.StringIO()
    call_command("demo", export_programs=path, today=TODAY, stdout=out)
    lines = path.read_text().splitlines()
    assert lines[0] == "student_sourced_id,english_learner,iep,504,economically_disadvantaged"
    assert len(lines) == 601
    assert all(set(line.split(",")[1:]) <= {"yes", "no"} for line in lines[1:])
    assert "the database was not touched" in out.getvalue()


def test_a_story_shift_touches_only_what_it_says() -> None:
    starts, until = datetime.date(2026, 8, 1), datetime.date(2026, 12, 1)
    codes = {1: "6.RP.A.1", 2: "6.EE.A.1", 3: "6.NS.A.1"}
    plain = shift_for(
        section="demo-k-2-2027-6-1",
        teacher="demo-u-teacher-2-1",
        english_learner=False,
        codes=codes,
        starts=starts,
        until=until,
    )
    assert plain(1, until) == plain(3, until) == plain(3, starts)
    lagging = shift_for(
        section="demo-k-1-2027-6-3",
        teacher="demo-u-teacher-1-1",
        english_learner=True,
        codes=codes,
        starts=starts,
        until=until,
    )
    assert lagging(1, until) < lagging(2, until) < lagging(3, until)
    climbing = shift_for(
        section="demo-k-1-2027-8-1",
        teacher="demo-u-teacher-1-4",
        english_learner=False,
        codes=codes,
        starts=starts,
        until=until,
    )
    assert climbing(3, starts) < 0 < climbing(3, until)
