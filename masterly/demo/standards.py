"""The demo district's standards: Common Core math with its progressions, and a district
curriculum map for each grade 6–8 math course.

Safe to run again: the imports are idempotent and a course that already has its demo map
keeps it. Reads the reference data shipped with Masterly (:mod:`masterly.demo.reference`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from masterly.accounts.models import User
from masterly.demo.reference import CCSS_MATH_CASE, CCSS_MATH_PROGRESSIONS
from masterly.integrations.case.importer import import_case_package
from masterly.integrations.case.progressions import read_progressions
from masterly.roster.models import Course, Role, RoleAssignment
from masterly.standards import services
from masterly.standards.models import CurriculumMap, Framework, Standard

# A few priority standards per grade, as districts commonly choose them.
POWER_STANDARDS = {
    6: {"6.RP.A.3", "6.NS.A.1", "6.NS.C.6", "6.EE.A.3", "6.EE.B.7", "6.G.A.1", "6.SP.B.5"},
    7: {"7.RP.A.2", "7.NS.A.3", "7.EE.B.4", "7.G.B.6", "7.SP.C.8"},
    8: {"8.NS.A.1", "8.EE.C.7", "8.EE.C.8", "8.F.B.4", "8.G.B.7", "8.SP.A.3"},
}
GRADE_LEVEL = {6: "06", 7: "07", 8: "08"}


@dataclass
class StandardsDemo:
    framework: Framework
    maps: list[CurriculumMap]
    lines: list[str]
    admin: User


def build_standards_demo(
    *,
    courses: Iterable[Course] | None = None,
    actor: User | None = None,
) -> StandardsDemo:
    """Import CCSS math and its progressions, then map each grade 6–8 math course.

    ``courses`` defaults to every active course whose grade (``grades`` or title) is 6, 7 or
    8; ``actor`` (a district admin) defaults to the first district admin found.
    """
    admin = actor or _a_district_admin()
    summary = import_case_package(
        actor=admin, data=CCSS_MATH_CASE.read_bytes(), source=CCSS_MATH_CASE.name
    )
    framework = Framework.objects.get(pk=summary.framework_id)
    progressions = services.progressions_import(
        actor=admin,
        framework=framework,
        edges=read_progressions(CCSS_MATH_PROGRESSIONS.read_bytes()),
    )
    lines = [*summary.lines(), *progressions.lines()]

    maps = []
    for course in courses if courses is not None else Course.objects.filter(is_active=True):
        grade = course_grade(course)
        if grade not in GRADE_LEVEL:
            continue
        existing = CurriculumMap.objects.filter(
            course=course, scope=CurriculumMap.Scope.DISTRICT, framework=framework
        ).first()
        if existing is None:
            existing = _build_map(admin, course, framework, grade)
            lines.append(f"Curriculum map “{existing.title}” created for {course.title}.")
        maps.append(existing)
    return StandardsDemo(framework=framework, maps=maps, lines=lines, admin=admin)


def course_grade(course: Course) -> int | None:
    """6 for a course with grades "06" or titled "Math 6" / "Grade 6 Mathematics"."""
    for part in course.grades.split(","):
        if part.strip().isdigit():
            return int(part.strip())
    found = re.search(r"\b(?:grade\s*)?([1-9]|1[0-2])(?:st|nd|rd|th)?\b", course.title, re.I)
    return int(found[1]) if found else None


def _a_district_admin() -> User:
    assignment = (
        RoleAssignment.objects.filter(
            role=Role.DISTRICT_ADMIN, is_active=True, user__is_active=True
        )
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if assignment is not None:
        return assignment.user
    superuser = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if superuser is None:
        raise RuntimeError("The standards demo needs a district admin: build the roster first.")
    return superuser


def _domain_title(statement: str) -> str:
    return statement.replace(" & ", " and ")


def _build_map(admin: Any, course: Course, framework: Framework, grade: int) -> CurriculumMap:
    level = GRADE_LEVEL[grade]
    curriculum_map = services.curriculum_map_create(
        actor=admin,
        course=course,
        title=f"Grade {grade} Mathematics (Common Core)",
        scope=CurriculumMap.Scope.DISTRICT,
        framework=framework,
        description=(
            f"The district's scope and sequence for grade {grade} math: one unit per Common "
            "Core domain, with the district's power standards flagged."
        ),
    )
    # The grade's domains are the children of its "Grade N" item (an education level on a
    # domain can be mislabelled upstream; the tree is not).
    grade_item = Standard.objects.filter(
        framework=framework,
        item_type__iexact="grade level",
        grade_keys=f",{level},",
        retired_at__isnull=True,
    ).first()
    domains = Standard.objects.filter(
        parent=grade_item, item_type__iexact="domain", retired_at__isnull=True
    ).order_by("tree_path")
    standards = Standard.objects.filter(
        domain__in=domains, item_type__iexact="standard", retired_at__isnull=True
    ).order_by("tree_path")
    by_domain: dict[int, list[Standard]] = {}
    for standard in standards:
        if standard.domain_id is not None:
            by_domain.setdefault(standard.domain_id, []).append(standard)
    power = POWER_STANDARDS.get(grade, set())
    for domain in domains:
        unit = services.unit_create(
            actor=admin, curriculum_map=curriculum_map, title=_domain_title(domain.full_statement)
        )
        for standard in by_domain.get(domain.pk, []):
            services.unit_standard_add(
                actor=admin,
                unit=unit,
                standard=standard,
                is_power=standard.human_coding_scheme in power,
            )
    return curriculum_map
