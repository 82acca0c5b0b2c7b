"""The people every test can call on (Healthchecks' alice/bob/charlie idea).

One district with two schools. In school A, ``teacher`` teaches ``student`` and
``other_teacher`` teaches ``other_student``; ``parent`` is the parent of ``student`` and
``other_parent`` of ``other_student``; ``leader`` leads school A, ``other_leader`` school B,
whose ``school_b_student`` nobody in school A may see; ``admin`` runs the district.
"""

from __future__ import annotations

import signal
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import translation

from masterly.accounts.models import User
from masterly.roster.models import Enrollment, Org, Role, Section
from tests import factories as f


@dataclass
class World:
    district: Org
    school: Org
    school_b: Org
    section: Section
    other_section: Section
    school_b_section: Section
    teacher: User
    other_teacher: User
    student: User
    other_student: User
    school_b_student: User
    parent: User
    other_parent: User
    leader: User
    other_leader: User
    admin: User


@pytest.fixture
def world(db: None) -> World:
    district = f.OrgFactory(sourced_id="district", name="Demo District", type=Org.Type.DISTRICT)
    school = f.OrgFactory(sourced_id="school-a", name="Adams Middle", parent=district)
    school_b = f.OrgFactory(sourced_id="school-b", name="Brooks Middle", parent=district)
    term = f.TermFactory()

    def person(username: str, role: Role, org: Org) -> User:
        user = f.UserFactory(username=username)
        f.RoleAssignmentFactory(user=user, role=role, org=org)
        return user

    teacher = person("teacher", Role.TEACHER, school)
    other_teacher = person("other_teacher", Role.TEACHER, school)
    student = person("student", Role.STUDENT, school)
    other_student = person("other_student", Role.STUDENT, school)
    school_b_student = person("school_b_student", Role.STUDENT, school_b)
    school_b_teacher = person("school_b_teacher", Role.TEACHER, school_b)
    parent = person("parent", Role.GUARDIAN, school)
    other_parent = person("other_parent", Role.GUARDIAN, school)
    leader = person("leader", Role.SCHOOL_LEADER, school)
    other_leader = person("other_leader", Role.SCHOOL_LEADER, school_b)
    admin = person("admin", Role.DISTRICT_ADMIN, district)

    course = f.CourseFactory(org=school, title="Math 6")
    section = f.SectionFactory(course=course, title="Math 6 - Period 1", terms=[term])
    other_section = f.SectionFactory(course=course, title="Math 6 - Period 2", terms=[term])
    course_b = f.CourseFactory(org=school_b, title="Math 6")
    school_b_section = f.SectionFactory(course=course_b, title="Math 6 - B", terms=[term])
    for user, sec, role in [
        (teacher, section, Enrollment.Role.TEACHER),
        (student, section, Enrollment.Role.STUDENT),
        (other_teacher, other_section, Enrollment.Role.TEACHER),
        (other_student, other_section, Enrollment.Role.STUDENT),
        (school_b_teacher, school_b_section, Enrollment.Role.TEACHER),
        (school_b_student, school_b_section, Enrollment.Role.STUDENT),
    ]:
        f.EnrollmentFactory(user=user, section=sec, role=role, is_primary=True)
    f.GuardianLinkFactory(guardian=parent, student=student)
    f.GuardianLinkFactory(guardian=other_parent, student=other_student)
    return World(
        district=district,
        school=school,
        school_b=school_b,
        section=section,
        other_section=other_section,
        school_b_section=school_b_section,
        teacher=teacher,
        other_teacher=other_teacher,
        student=student,
        other_student=other_student,
        school_b_student=school_b_student,
        parent=parent,
        other_parent=other_parent,
        leader=leader,
        other_leader=other_leader,
        admin=admin,
    )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """The time and memory of each hostile file's refusal (reported, not asserted)."""
    from tests.measure import MEASURES

    if MEASURES:
        terminalreporter.section("hostile files: time to refuse, peak memory")
        for measure in MEASURES:
            terminalreporter.write_line(str(measure))


_WATCHED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)


@pytest.fixture(autouse=True)
def _signal_handlers_restored(request: pytest.FixtureRequest) -> Any:
    """A test that runs a command in-process must leave the process's signal handlers as it
    found them: a forked child (a pool worker, a shared-cache test) inherits them, and a Python
    handler never runs while that child waits on a lock, so it would not end on SIGTERM."""
    before = {number: signal.getsignal(number) for number in _WATCHED_SIGNALS}
    yield
    changed = [
        signal.Signals(number).name
        for number, handler in before.items()
        if signal.getsignal(number) is not handler
    ]
    for number, handler in before.items():
        signal.signal(number, handler)
    assert not changed, f"{request.node.nodeid} left handlers installed for {', '.join(changed)}"


@pytest.fixture(autouse=True)
def _default_language_after() -> Any:
    """A request leaves its language active in the thread (LocaleMiddleware does not undo it):
    reset it, so a test never runs in the language an earlier test's request chose."""
    yield
    translation.deactivate()
