"""Who may change standards and curriculum maps: decided here, enforced by the services.

Views only ask (to show or hide a button); the services raise ``PermissionDenied`` with a
message that says what is allowed, so an API or command gets the same answer as a page.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from masterly.roster.access import held_roles, is_district_admin
from masterly.roster.models import Course, Enrollment, Role, RoleAssignment
from masterly.standards.models import CurriculumMap

# Anyone a request may carry: a signed-in user or the anonymous visitor.
Person = Any


def is_teacher(user: Person) -> bool:
    return Role.TEACHER in held_roles(user)


def can_import_standards(user: Person) -> bool:
    return is_district_admin(user)


def can_create_map(user: Person, scope: str) -> bool:
    if scope == CurriculumMap.Scope.DISTRICT:
        return is_district_admin(user)
    return is_teacher(user)


def map_scopes_for(user: Person) -> list[str]:
    """The kinds of map the person may create, the usual one first."""
    scopes = []
    if is_teacher(user):
        scopes.append(CurriculumMap.Scope.TEACHER.value)
    if is_district_admin(user):
        scopes.append(CurriculumMap.Scope.DISTRICT.value)
    return scopes


def can_edit_map(user: Person, curriculum_map: CurriculumMap) -> bool:
    """District maps: district admins. A teacher's map: that teacher only."""
    if not getattr(user, "is_authenticated", False):
        return False
    if curriculum_map.scope == CurriculumMap.Scope.DISTRICT:
        return is_district_admin(user)
    return curriculum_map.owner_id == user.pk


def require_map_editor(user: Person, curriculum_map: CurriculumMap) -> None:
    """Raise PermissionDenied, saying who may change the map, unless ``user`` may."""
    if can_edit_map(user, curriculum_map):
        return
    if curriculum_map.scope == CurriculumMap.Scope.DISTRICT:
        raise PermissionDenied(
            "Only district admins can change a district curriculum map. Copy it to make your "
            "own version."
        )
    raise PermissionDenied(
        "Only the teacher who owns this curriculum map can change it. Copy it to make your "
        "own version."
    )


def courses_for_maps(user: Person) -> QuerySet[Course]:
    """Courses the person may build a map for: all for district admins; for a teacher, the
    courses of the schools they teach at and of the sections they teach."""
    courses = Course.objects.filter(is_active=True).select_related("org")
    if is_district_admin(user):
        return courses
    if not is_teacher(user):
        return courses.none()
    schools = RoleAssignment.objects.filter(user=user, role=Role.TEACHER, is_active=True).values(
        "org_id"
    )
    taught = Enrollment.objects.filter(
        user=user, role=Enrollment.Role.TEACHER, is_active=True
    ).values("section__course_id")
    return courses.filter(Q(org_id__in=schools) | Q(pk__in=taught))
