"""Reads of roster data, always for an acting user and filtered through ``roster.access``.

Every function here runs a fixed number of queries whatever the size of the classes (related
rows come from ``select_related``/``prefetch_related`` or one grouped query, never a query per
row).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from masterly.accounts.models import User
from masterly.roster import access
from masterly.roster.models import (
    AcademicSession,
    Enrollment,
    Org,
    Role,
    RoleAssignment,
    Section,
    visible_q,
)

# The order roles are offered in when a person holds several.
ROLE_ORDER = [Role.DISTRICT_ADMIN, Role.SCHOOL_LEADER, Role.TEACHER, Role.GUARDIAN, Role.STUDENT]


def roles_for(user: User | AnonymousUser) -> list[Role]:
    """The roles a person holds now, in :data:`ROLE_ORDER` (``access.held_roles``: a
    superuser counts as a district admin; one query per user object)."""
    held = access.held_roles(user)
    return [role for role in ROLE_ORDER if role in held]


# ------------------------------------------------------------------ sections


def today() -> datetime.date:
    return timezone.localdate()


def sections_school_year(sections: QuerySet[Section], on: datetime.date) -> int:
    """The school year (the year it ends in) of these sections (one query): the latest their
    terms name; with no terms, the school year ``on`` falls in (July on)."""
    years = AcademicSession.objects.filter(sectionterm__section__in=sections.values("pk"))
    latest = years.aggregate(latest=Max("school_year"))["latest"]
    return int(latest) if latest else _school_year_on(on)


def school_years_by(lookup: str, keys: Collection[Any], on: datetime.date) -> dict[Any, int]:
    """:func:`sections_school_year` for several sets of sections at once (one query): each
    key's sections are those ``lookup`` (a relation from a section, e.g. ``"trackers"``)
    leads to the key from."""
    through = f"sectionterm__section__{lookup}"
    latest = dict(
        AcademicSession.objects.filter(**{f"{through}__in": list(keys)})
        .values_list(through)
        .annotate(latest=Max("school_year"))
        .order_by()
    )
    default = _school_year_on(on)
    return {key: int(latest[key]) if latest.get(key) else default for key in keys}


def _school_year_on(on: datetime.date) -> int:
    return on.year + 1 if on.month >= 7 else on.year


def current_sections_q(on: datetime.date) -> Q:
    """A section is current while it is active and has not ended (``Section.is_archived``)."""
    return Q(is_active=True) & (Q(ends_on__isnull=True) | Q(ends_on__gte=on))


def _teacher_enrollments() -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.filter(role=Enrollment.Role.TEACHER, is_active=True)
        .select_related("user")
        .order_by("-is_primary", "user__last_name", "user__first_name", "pk")
    )


def with_details(sections: QuerySet[Section]) -> QuerySet[Section]:
    """Course, school, terms and teachers (``teacher_enrollments``): three queries in all."""
    return sections.select_related("course", "school").prefetch_related(
        "terms",
        Prefetch("enrollments", queryset=_teacher_enrollments(), to_attr="teacher_enrollments"),
    )


def _with_student_count(sections: QuerySet[Section]) -> QuerySet[Section]:
    return sections.annotate(
        student_count=Count(
            "enrollments",
            filter=Q(
                enrollments__role=Enrollment.Role.STUDENT,
                enrollments__is_active=True,
            )
            & visible_q("enrollments__"),
        )
    )


@dataclass
class SectionLists:
    """Sections split into the current ones and the archived ones."""

    current: list[Section] = field(default_factory=list)
    archived: list[Section] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.current or self.archived)


def split_sections(sections: Iterable[Section], on: datetime.date | None = None) -> SectionLists:
    on = on or today()
    lists = SectionLists()
    for section in sections:
        (lists.archived if section.is_archived(on) else lists.current).append(section)
    lists.archived.sort(key=lambda s: (-(s.ends_on or datetime.date.max).toordinal(), s.title))
    return lists


def _section_order(sections: QuerySet[Section]) -> QuerySet[Section]:
    return sections.order_by("course__title", "periods", "title", "pk")


def sections_for_role(user: User, role: Role) -> SectionLists:
    """The sections ``user`` sees in ``role`` (a teacher: the ones they teach; a student: the
    ones they are in), with details and student counts."""
    sections = with_details(_with_student_count(access.visible_sections(user, as_role=role)))
    return split_sections(_section_order(sections))


def section_page(user: User, section_id: int | str) -> tuple[Section, list[User]]:
    """One class and the students of it that ``user`` may see, sorted by last name."""
    section = access.access_section(user, section_id, queryset=with_details(Section.objects.all()))
    enrolled = Enrollment.objects.filter(
        section=section, role=Enrollment.Role.STUDENT, is_active=True
    ).values("user")
    students = list(
        access.visible_students(user)
        .filter(pk__in=enrolled)
        .order_by("last_name", "first_name", "username")
    )
    return section, students


def student_page(user: User, student_id: int | str) -> tuple[User, SectionLists]:
    """One student and their classes that ``user`` may see."""
    student = access.get_student_or_404(user, student_id)
    theirs = Enrollment.objects.filter(
        user=student, role=Enrollment.Role.STUDENT, is_active=True
    ).values("section")
    sections = with_details(access.visible_sections(user).filter(pk__in=theirs))
    return student, split_sections(_section_order(sections))


# ------------------------------------------------------------------ family


@dataclass
class ChildClasses:
    child: User
    sections: SectionLists


def children_with_sections(user: User) -> list[ChildClasses]:
    """Each child the guardian may see, with their current and archived classes."""
    children = list(
        access.visible_students(user, as_role=Role.GUARDIAN).order_by(
            "last_name", "first_name", "username"
        )
    )
    enrollments = (
        Enrollment.objects.filter(
            role=Enrollment.Role.STUDENT,
            is_active=True,
            user__in=access.visible_students(user, as_role=Role.GUARDIAN),
        )
        .select_related("section__course", "section__school")
        .prefetch_related(
            "section__terms",
            Prefetch(
                "section__enrollments",
                queryset=_teacher_enrollments(),
                to_attr="teacher_enrollments",
            ),
        )
        .order_by("section__course__title", "section__periods", "section__title", "pk")
    )
    by_child: dict[int, list[Section]] = defaultdict(list)
    for enrollment in enrollments:
        by_child[enrollment.user_id].append(enrollment.section)
    on = today()
    return [ChildClasses(child, split_sections(by_child[child.pk], on)) for child in children]


# ------------------------------------------------------------------ schools


@dataclass
class SchoolSummary:
    school: Org
    teacher_count: int = 0
    student_count: int = 0
    section_count: int = 0
    sections: SectionLists = field(default_factory=SectionLists)


def _role_counts(schools: list[Org]) -> dict[tuple[int, str], int]:
    rows = (
        RoleAssignment.objects.filter(
            org__in=schools, role__in=[Role.TEACHER, Role.STUDENT], is_active=True
        )
        .values("org", "role")
        .annotate(n=Count("user", distinct=True))
        .order_by()
    )
    return {(row["org"], row["role"]): row["n"] for row in rows}


def school_summaries(user: User, *, as_role: Role, with_sections: bool) -> list[SchoolSummary]:
    """The schools ``user`` oversees in ``as_role`` (a leader's school, an admin's district's
    schools) with counts of teachers and students (active roles there) and current sections;
    ``with_sections`` adds every section with its teachers and number of students."""
    schools = list(
        access.visible_schools(user, as_role=as_role).select_related("parent").order_by("name")
    )
    if not schools:
        return []
    counts = _role_counts(schools)
    summaries = {
        school.pk: SchoolSummary(
            school,
            teacher_count=counts.get((school.pk, Role.TEACHER), 0),
            student_count=counts.get((school.pk, Role.STUDENT), 0),
        )
        for school in schools
    }
    on = today()
    if with_sections:
        sections = with_details(
            _with_student_count(access.visible_sections(user, as_role=as_role))
        ).filter(school__in=schools)
        grouped: dict[int, list[Section]] = defaultdict(list)
        for section in _section_order(sections):
            grouped[section.school_id].append(section)
        for school_id, summary in summaries.items():
            summary.sections = split_sections(grouped[school_id], on)
            summary.section_count = len(summary.sections.current)
    else:
        rows = (
            Section.objects.filter(current_sections_q(on), school__in=schools)
            .values("school")
            .annotate(n=Count("pk"))
            .order_by()
        )
        for row in rows:
            summaries[row["school"]].section_count = row["n"]
    return list(summaries.values())
