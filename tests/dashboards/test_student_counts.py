"""How many students each figure is about: maintained per school and per district, each
student counted once, and the same as counting the enrollments live."""

from __future__ import annotations

from collections import defaultdict

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from masterly.roster.models import Enrollment, Org, Role, StudentGroupMembership
from masterly.trackers.dashboard_counts import rebuild_stale
from masterly.trackers.models import SchoolLevelCount, Tracker, TrackerSection
from masterly.trackers.school_counts import EVERY_GRADE, rebuild_schools, student_counts
from masterly.trackers.selectors.dashboard import school_dashboard
from tests import factories as f
from tests.dashboards.conftest import School


def _stored(owner: Org, grade: str = EVERY_GRADE) -> dict[str, int]:
    return dict(
        SchoolLevelCount.objects.filter(school=owner, kind="students", grade=grade).values_list(
            "key", "count"
        )
    )


def test_a_schools_students_are_counted_per_section_teacher_grade_and_group(
    school: School,
) -> None:
    world = school.world
    stored = _stored(world.school)
    assert stored["all"] == 26  # 12 + 11 + 3; the teacher enrolled in P1 is not a student
    assert stored[f"section:{school.big.pk}"] == 12
    assert stored[f"section:{school.small.pk}"] == 3
    assert stored[f"teacher:{world.other_teacher.pk}"] == 14
    assert _stored(world.school, "07")["all"] == 14
    assert _stored(world.school, "06")["all"] == 12
    assert stored == {
        key: n
        for (grade, key), n in student_counts([world.school.pk]).items()
        if grade == EVERY_GRADE
    }


def test_a_student_in_two_schools_is_one_student_of_the_district(school: School) -> None:
    world = school.world
    moving = school.students[school.big.pk][0]
    f.EnrollmentFactory(section=school.far, user=moving)
    StudentGroupMembership.objects.create(student=moving, group="program:iep", source="programs")
    Tracker.objects.update(counts_stale=True)
    rebuild_stale()
    assert _stored(world.school_b)["all"] == 13
    district = _stored(world.district)
    assert district["all"] == 26 + 12  # not 39: the student in both counted once
    assert district["group:program:iep"] == 1
    assert district[f"school:{world.school.pk}"] == 26
    assert district[f"school:{world.school_b.pk}"] == 13
    page = school_dashboard(
        world.admin, as_role=Role.DISTRICT_ADMIN, school_id=None, as_of=timezone.localdate()
    )
    assert page.over_time[-1][1].students == 38


def test_a_scope_across_two_districts_counts_its_students_live(school: School) -> None:
    world = school.world
    other = f.OrgFactory(sourced_id="district-2", name="Other District", type=Org.Type.DISTRICT)
    f.OrgFactory(sourced_id="school-c", name="Carver Middle", parent=other)
    superuser = f.UserFactory(username="root", is_superuser=True)
    f.RoleAssignmentFactory(user=superuser, role=Role.DISTRICT_ADMIN, org=world.district)
    today = timezone.localdate()
    across = school_dashboard(superuser, as_role=Role.DISTRICT_ADMIN, school_id=None, as_of=today)
    one = school_dashboard(world.admin, as_role=Role.DISTRICT_ADMIN, school_id=None, as_of=today)
    assert len(across.schools) == 3 and len(one.schools) == 2
    assert across.over_time[-1][1].students == one.over_time[-1][1].students == 38
    for name in ("section", "teacher", "grade", "school", "group"):
        shown = {row.key: row.students for row in one.table(name).rows}
        assert {row.key: row.students for row in across.table(name).rows} == shown


def test_no_students_rows_until_the_counts_are_rebuilt_after_the_upgrade(school: School) -> None:
    # The migration marks every tracker stale: the next dashboard queues the rebuild.
    SchoolLevelCount.objects.filter(kind="students").delete()
    Tracker.objects.update(counts_stale=True)
    page = school_dashboard(
        school.world.leader,
        as_role=None,
        school_id=school.world.school.pk,
        as_of=timezone.localdate(),
    )
    assert page.being_updated
    rebuild_stale()
    assert _stored(school.world.school)["all"] == 26


def test_the_district_page_leaves_its_sections_to_the_schools_pages_and_the_csv(
    school: School,
) -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(school.world.admin)
    page = client.get(reverse("district_dashboard")).content.decode()
    assert "Each school&#x27;s page lists its sections." in page or "Each school's page" in page
    assert 'aria-labelledby="dash-section"' in page
    assert "Math 6 - P1" not in page  # a section: on Adams Middle's page
    csv = client.get(reverse("district_dashboard_csv", kwargs={"table": "section"}))
    text = csv.content.decode()
    assert "Math 6 - P1" in text and "Brooks Math 6" in text


def _one_by_one(school_ids: list[int]) -> dict[tuple[str, str], int]:
    """What ``student_counts`` means, worked out student by student."""
    teacher = {}
    for section, owner in (
        TrackerSection.objects.filter(tracker__is_archived=False)
        .order_by("-tracker_id")
        .values_list("section_id", "tracker__owner_id")
    ):
        teacher[section] = owner  # the first tracker's owner is written last
    students: dict[tuple[str, str], set[int]] = defaultdict(set)
    for enrollment in Enrollment.objects.filter(
        role="student", is_active=True, section__school_id__in=school_ids
    ).select_related("section"):
        section = enrollment.section
        if section.pk not in teacher:
            continue
        groups = StudentGroupMembership.objects.filter(student_id=enrollment.user_id)
        keys = [
            "all",
            f"section:{section.pk}",
            f"teacher:{teacher[section.pk]}",
            f"school:{section.school_id}",
            *(f"group:{group}" for group in groups.values_list("group", flat=True)),
        ]
        for scope in (EVERY_GRADE, section.grades):
            for key in keys:
                students[(scope, key)].add(enrollment.user_id)
    return {key: len(each) for key, each in students.items()}


def _a_district_of_moving_students(school: School) -> list[int]:
    """A student in two schools and two grades, one in a section no tracker follows, and
    groups on both sides."""
    world = school.world
    moving = school.students[school.big.pk][0]
    f.EnrollmentFactory(section=school.far, user=moving)
    f.EnrollmentFactory(section=school.other, user=moving)
    untracked = f.SectionFactory(
        title="Art", grades="08", course__org=world.school, school=world.school
    )
    f.EnrollmentFactory(section=untracked, user=school.students[school.other.pk][0])
    f.EnrollmentFactory(section=untracked)
    for student in (moving, school.students[school.far.pk][1], school.students[school.small.pk][0]):
        StudentGroupMembership.objects.create(student=student, group="program:iep", source="p")
    StudentGroupMembership.objects.create(student=moving, group="sex:female", source="oneroster")
    return [world.school.pk, world.school_b.pk]


def test_the_database_counts_each_student_once_as_one_by_one_would(school: School) -> None:
    schools = _a_district_of_moving_students(school)
    counted = student_counts(schools)
    assert counted == _one_by_one(schools)
    assert counted[(EVERY_GRADE, "group:program:iep")] == 3
    assert counted[("06", "group:program:iep")] == 2  # the mover (P1, Brooks) and Brooks's
    assert ("08", "all") not in counted  # Art: no tracker follows it
    assert counted[(EVERY_GRADE, "all")] == 26 + 12


def test_a_schools_rebuild_counts_its_district_in_the_database_whatever_its_size(
    school: School,
) -> None:
    world = school.world
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as small:
        rebuild_schools([world.school.pk], today=today)
    for _ in range(30):  # Brooks grows: Adams's rebuild recounts the district's students
        student = f.EnrollmentFactory(section=school.far).user
        StudentGroupMembership.objects.create(student=student, group="sex:male", source="o")
    with CaptureQueriesContext(connection) as large:
        rebuild_schools([world.school.pk], today=today)
    assert len(large) == len(small)
    table = Enrollment._meta.db_table
    reads = [query["sql"] for query in large if f'"{table}"' in query["sql"]]
    # Every read of the enrollments is a count: no student fetched to be counted in Python.
    assert reads and all("COUNT(DISTINCT" in sql for sql in reads), reads
    assert _stored(world.district)["all"] == 26 + 12 + 30
    assert _stored(world.district)[f"school:{world.school_b.pk}"] == 12 + 30
    assert _stored(world.district, "06")["group:sex:male"] == 30
