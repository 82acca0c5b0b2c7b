"""Who may see which students and sections: the one place student privacy is decided.

Every read of student data filters through these functions (Kolibri's
``readable_by_user_filter``: a ``Q`` to filter with; Zulip's ``access_*_by_id``: a lookup by id
that raises). Each returns a lazy queryset or a ``Q`` built only from subqueries, so filtering
through it costs no extra query and never loops over rows in Python.

The rules, each needing an *active* :class:`RoleAssignment` and scoped to its org (the org
itself or, for a district, the schools under it):

============== ============================================================================
role           sees
============== ============================================================================
teacher        the students actively enrolled in sections where they hold an active teacher
               enrollment (primary or not), at a school within their teacher role's org
guardian       their children (active :class:`GuardianLink`) and those children's sections
student        themself and the sections they are actively enrolled in, at their school
school_leader  every student with an active student role or enrollment at their school(s),
               and every section there
district_admin the same for every school under their district; a superuser counts as the
               district admin of every org
============== ============================================================================

A person with several roles sees the union; pages that act in one role pass ``as_role``.
Lookups by id raise :class:`~django.http.Http404`, never 403, so existence is not revealed.

Extending it (trackers, collaborators): apps above the roster may not be imported here, so they
add a rule from their ``AppConfig.ready()`` with :func:`add_student_rule` /
:func:`add_section_rule`. A rule takes the acting user and returns a list of single-column
``values()`` querysets of the ids (of ``User`` students or of ``Section``) it lets them see;
they become one ``UNION ALL`` subquery. A rule says who the user is only through query
filters on ``user`` (never with Python branches on the user, other than ``is_superuser``):
the rules are compiled to SQL once per role set (``masterly.core.compiled``) and bound to
each user's id.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import EmptyResultSet
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from masterly.accounts.models import User
from masterly.core.compiled import CompiledQuery
from masterly.roster.models import Enrollment, GuardianLink, Org, Role, RoleAssignment, Section

AnyUser = User | AnonymousUser
# A rule gives the ids a user may see, as single-column ``values()`` querysets (subqueries).
IdQuery = QuerySet[Any, Any]
Rule = Callable[[User], list[IdQuery]]

__all__ = [
    "access_section",
    "add_section_rule",
    "add_student_rule",
    "can_see_section",
    "can_see_student",
    "get_student_or_404",
    "held_roles",
    "is_district_admin",
    "rules_key",
    "section_filter",
    "staff_org_filter",
    "staff_orgs",
    "student_filter",
    "taught_sections",
    "visible_schools",
    "visible_sections",
    "visible_students",
]

# A filter that matches nothing without touching the database.
NOTHING = Q(pk__in=[])


# ------------------------------------------------------------------ building blocks


def _scope(user: User, role: Role) -> IdQuery:
    """The ids of the orgs where ``user`` holds ``role`` now, and of the orgs under them."""
    # Orgs and sections inserted ahead by a running import (``import_pending``) are not there
    # yet: their import has not been applied (ADR 17).
    if role == Role.DISTRICT_ADMIN and user.is_superuser:
        return Org.objects.filter(import_pending__isnull=True).values("pk")
    held = RoleAssignment.objects.filter(user=user, role=role, is_active=True).values("org")
    return Org.objects.filter(
        Q(pk__in=held) | Q(parent__in=held), import_pending__isnull=True
    ).values("pk")


def _sections_at(orgs: IdQuery) -> IdQuery:
    return Section.objects.filter(school__in=orgs, import_pending__isnull=True).values("pk")


def _student_enrollments() -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(role=Enrollment.Role.STUDENT, is_active=True)


def _teaching(user: User) -> IdQuery:
    """Sections the user teaches (an active teacher enrollment, primary or not) within the
    org of an active teacher role."""
    return Enrollment.objects.filter(
        user=user,
        role=Enrollment.Role.TEACHER,
        is_active=True,
        section__school__in=_scope(user, Role.TEACHER),
    ).values("section")


def _children(user: User) -> IdQuery:
    """The user's children (an active link), while the user holds an active guardian role."""
    holds_role = RoleAssignment.objects.filter(user=user, role=Role.GUARDIAN, is_active=True)
    return GuardianLink.objects.filter(
        guardian=user, is_active=True, guardian__in=holds_role.values("user")
    ).values("student")


def _students_at(orgs: IdQuery) -> list[IdQuery]:
    """Users with an active student role at, or an active student enrollment in, ``orgs``."""
    by_role = RoleAssignment.objects.filter(role=Role.STUDENT, is_active=True, org__in=orgs)
    by_enrollment = _student_enrollments().filter(section__in=_sections_at(orgs))
    return [by_role.values("user"), by_enrollment.values("user")]


# ------------------------------------------------------------------ the rules, per role


def _teacher_students(user: User) -> list[IdQuery]:
    return [_student_enrollments().filter(section__in=_teaching(user)).values("user")]


def _teacher_sections(user: User) -> list[IdQuery]:
    return [_teaching(user)]


def _guardian_students(user: User) -> list[IdQuery]:
    return [_children(user)]


def _guardian_sections(user: User) -> list[IdQuery]:
    return [_student_enrollments().filter(user__in=_children(user)).values("section")]


def _student_self(user: User) -> list[IdQuery]:
    # Themself, while they hold an active student role (anywhere).
    return [
        RoleAssignment.objects.filter(user=user, role=Role.STUDENT, is_active=True).values("user")
    ]


def _student_sections(user: User) -> list[IdQuery]:
    enrolled = _student_enrollments().filter(
        user=user, section__school__in=_scope(user, Role.STUDENT)
    )
    return [enrolled.values("section")]


def _leader_students(user: User) -> list[IdQuery]:
    return _students_at(_scope(user, Role.SCHOOL_LEADER))


def _leader_sections(user: User) -> list[IdQuery]:
    return [_sections_at(_scope(user, Role.SCHOOL_LEADER))]


def _admin_students(user: User) -> list[IdQuery]:
    return _students_at(_scope(user, Role.DISTRICT_ADMIN))


def _admin_sections(user: User) -> list[IdQuery]:
    return [_sections_at(_scope(user, Role.DISTRICT_ADMIN))]


STUDENT_RULES: dict[Role, list[Rule]] = {
    Role.TEACHER: [_teacher_students],
    Role.GUARDIAN: [_guardian_students],
    Role.STUDENT: [_student_self],
    Role.SCHOOL_LEADER: [_leader_students],
    Role.DISTRICT_ADMIN: [_admin_students],
}
SECTION_RULES: dict[Role, list[Rule]] = {
    Role.TEACHER: [_teacher_sections],
    Role.GUARDIAN: [_guardian_sections],
    Role.STUDENT: [_student_sections],
    Role.SCHOOL_LEADER: [_leader_sections],
    Role.DISTRICT_ADMIN: [_admin_sections],
}


def add_student_rule(role: Role, rule: Rule) -> None:
    """Let ``role`` see more students (for example a tracker's collaborators)."""
    if rule not in STUDENT_RULES[role]:
        STUDENT_RULES[role].append(rule)


def add_section_rule(role: Role, rule: Rule) -> None:
    """Let ``role`` see more sections."""
    if rule not in SECTION_RULES[role]:
        SECTION_RULES[role].append(rule)


def rules_key() -> tuple[Any, ...]:
    """Which rules are in force: SQL compiled from them (here, or by a caller that embeds
    them in a compiled query of its own) is valid while this stays the same."""
    return tuple(
        (role, tuple(id(rule) for rule in rules[role]))
        for rules in (STUDENT_RULES, SECTION_RULES)
        for role in rules
    )


def _union(
    rules: dict[Role, list[Rule]],
    *,
    roles: tuple[Role, ...],
    superuser: bool,
    in_force: object,
    user_id: int,
) -> IdQuery:
    """The ``UNION ALL`` of the rules of ``roles`` for the user ``user_id`` (``in_force``,
    :func:`rules_key`, is only part of the compiled query's key)."""
    user = User(pk=user_id, is_superuser=superuser, is_active=True)
    parts = [part.order_by() for role in roles for rule in rules[role] for part in rule(user)]
    if not parts:  # rules may return no query: nothing to see (compiles to EmptyResultSet)
        return User.objects.none().values("pk")
    return parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]


# Compiled once per role set (compiling the nested subqueries costs more than running them),
# then bound to each user's id: so a rule may say who the user is only in query filters.
_STUDENTS_SQL = CompiledQuery(partial(_union, STUDENT_RULES))
_SECTIONS_SQL = CompiledQuery(partial(_union, SECTION_RULES))


def _combine(rules: dict[Role, list[Rule]], user: AnyUser, as_role: Role | None) -> Q:
    """``pk IN (rule 1 UNION ALL rule 2 ...)``: one subquery the database can semi-join, so
    each branch starts from the user's own (indexed) rows rather than scanning a table."""
    if not isinstance(user, User) or not user.is_active:
        return NOTHING
    roles = tuple(rules) if as_role is None else (Role(as_role),)
    if not any(rules[role] for role in roles):
        return NOTHING
    fixed = {"roles": roles, "superuser": user.is_superuser, "in_force": rules_key()}
    query = _STUDENTS_SQL if rules is STUDENT_RULES else _SECTIONS_SQL
    try:
        sql, params = query.sql(fixed, user_id=user.pk)
    except EmptyResultSet:  # the rules can match no row (say, each returned no query)
        return NOTHING
    # The SQL is Django's own compilation of the rules; only the parameters change.
    return Q(pk__in=RawSQL(sql, tuple(params)))  # noqa: S611


# ------------------------------------------------------------------ the public API


def student_filter(user: AnyUser, *, as_role: Role | None = None) -> Q:
    """A ``Q`` over ``User``: the students ``user`` may see (in ``as_role``, or any role)."""
    return _combine(STUDENT_RULES, user, as_role)


def section_filter(user: AnyUser, *, as_role: Role | None = None) -> Q:
    """A ``Q`` over ``Section``: the sections ``user`` may see (in ``as_role``, or any role)."""
    return _combine(SECTION_RULES, user, as_role)


def visible_students(user: AnyUser, *, as_role: Role | None = None) -> QuerySet[User]:
    """The students ``user`` may see, one query. Filter other models with
    ``Model.objects.filter(student__in=visible_students(user))``."""
    return User.objects.filter(student_filter(user, as_role=as_role))


def visible_sections(user: AnyUser, *, as_role: Role | None = None) -> QuerySet[Section]:
    """The sections ``user`` may see, one query."""
    return Section.objects.filter(section_filter(user, as_role=as_role))


def visible_schools(user: AnyUser, *, as_role: Role | None = None) -> QuerySet[Org]:
    """The schools whose whole data ``user`` may see: a leader's school(s), an admin's
    district's schools. Teachers, students and guardians see no whole school."""
    if not isinstance(user, User) or not user.is_active:
        return Org.objects.none()
    overseers = (Role.SCHOOL_LEADER, Role.DISTRICT_ADMIN)
    roles = [r for r in overseers if as_role is None or r == as_role]
    if not roles:
        return Org.objects.none()
    scopes = [_scope(user, role).order_by() for role in roles]
    in_scope = scopes[0].union(*scopes[1:], all=True) if len(scopes) > 1 else scopes[0]
    return Org.objects.filter(pk__in=in_scope, type=Org.Type.SCHOOL)


# The roles that work with a school's shared material (the item bank, for one); students and
# guardians never do.
STAFF_ROLES = (Role.TEACHER, Role.SCHOOL_LEADER, Role.DISTRICT_ADMIN)


def staff_org_filter(user: AnyUser, field: str, *, districts: bool = False) -> Q:
    """``Q`` on ``field`` (a foreign key to an org): the schools where ``user`` works as staff
    (an active teacher, leader or district admin role there, or at their district), or with
    ``districts=True`` the districts they work in (held directly or through a school). One
    subquery, no query now; nothing for students, guardians and anonymous users."""
    if not isinstance(user, User) or not user.is_active:
        return NOTHING
    if user.is_superuser:
        return Q(**{f"{field}__isnull": False})
    held = RoleAssignment.objects.filter(user=user, role__in=STAFF_ROLES, is_active=True)
    if districts:
        orgs = Org.objects.filter(
            Q(pk__in=held.values("org"), type=Org.Type.DISTRICT)
            | Q(pk__in=Org.objects.filter(pk__in=held.values("org")).values("parent"))
        )
    else:
        orgs = Org.objects.filter(
            Q(pk__in=held.values("org"))
            | Q(parent__in=held.filter(role=Role.DISTRICT_ADMIN).values("org"))
        )
    return Q(**{f"{field}__in": orgs.values("pk")})


def staff_orgs(user: AnyUser, school_field: str, district_field: str) -> tuple[Q, Q]:
    """:func:`staff_org_filter` for a school field and a district field at once, with the
    orgs read now (one small query) and written into the filters as id lists: what a search
    filtered again and again (the item bank) compiles and plans cheaply, where the nested
    subqueries cost more to build than to run."""
    if not isinstance(user, User) or not user.is_active:
        return NOTHING, NOTHING
    if user.is_superuser:
        return Q(**{f"{school_field}__isnull": False}), Q(**{f"{district_field}__isnull": False})
    rows = RoleAssignment.objects.filter(
        user=user, role__in=STAFF_ROLES, is_active=True
    ).values_list("role", "org_id", "org__type", "org__parent_id")
    schools, districts, administered = set(), set(), set()
    for role, org, org_type, parent in rows:
        schools.add(org)
        if org_type == Org.Type.DISTRICT:
            districts.add(org)
        if parent is not None:
            districts.add(parent)
        if role == Role.DISTRICT_ADMIN:
            administered.add(org)
    school_q = Q(**{f"{school_field}__in": sorted(schools)})
    if administered:
        under = Org.objects.filter(parent__in=sorted(administered)).values("pk")
        school_q |= Q(**{f"{school_field}__in": under})
    return school_q, Q(**{f"{district_field}__in": sorted(districts)})


def taught_sections(user: AnyUser) -> QuerySet[Section]:
    """The sections ``user`` teaches themself (an active teacher enrollment within their
    teacher role's org): not those a collaboration or a leader's role lets them see."""
    if not isinstance(user, User) or not user.is_authenticated:
        return Section.objects.none()
    return Section.objects.filter(pk__in=_teaching(user), import_pending__isnull=True)


def can_see_student(user: AnyUser, student: User | int) -> bool:
    student_id = student.pk if isinstance(student, User) else student
    return visible_students(user).filter(pk=student_id).exists()


def can_see_section(user: AnyUser, section: Section | int) -> bool:
    section_id = section.pk if isinstance(section, Section) else section
    return visible_sections(user).filter(pk=section_id).exists()


def get_student_or_404(
    user: AnyUser,
    student_id: int | str,
    *,
    as_role: Role | None = None,
    queryset: QuerySet[User] | None = None,
) -> User:
    """The student with this id if ``user`` may see them, else Http404 (one query)."""
    base = User.objects.all() if queryset is None else queryset
    try:
        return base.filter(student_filter(user, as_role=as_role)).get(pk=int(student_id))
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("No such student.") from None


def access_section(
    user: AnyUser,
    section_id: int | str,
    *,
    as_role: Role | None = None,
    queryset: QuerySet[Section] | None = None,
) -> Section:
    """The section with this id if ``user`` may see it, else Http404 (one query)."""
    base = Section.objects.all() if queryset is None else queryset
    try:
        return base.filter(section_filter(user, as_role=as_role)).get(pk=int(section_id))
    except (Section.DoesNotExist, ValueError, TypeError):
        raise Http404("No such class.") from None


# Remembered on the user object, as Django remembers permissions (``_perm_cache``): a page
# asks several times, and each request loads its user afresh.
_ROLES_ATTR = "_masterly_held_roles"


def held_roles(user: AnyUser) -> frozenset[Role]:
    """The roles ``user`` holds now (an active assignment; a superuser counts as the district
    admin): one query per user object, remembered on it for its life (a request).

    Like Django's permission cache, a role changed since is seen by a user object loaded
    afresh (the next request, or ``User.objects.get``), never by this one. Whether the user is
    active or a superuser is read from the object at each call.
    """
    if not isinstance(user, User) or not user.is_active:
        return frozenset()
    assigned: frozenset[Role] | None = getattr(user, _ROLES_ATTR, None)
    if assigned is None:
        rows = RoleAssignment.objects.filter(user=user, is_active=True).values_list("role")
        assigned = frozenset(Role(role) for (role,) in rows)
        setattr(user, _ROLES_ATTR, assigned)
    return (assigned | {Role.DISTRICT_ADMIN}) if user.is_superuser else assigned


def is_district_admin(user: AnyUser) -> bool:
    """Active superuser, or an active user with an active district admin role (see
    :func:`held_roles`: one query per user object)."""
    return Role.DISTRICT_ADMIN in held_roles(user)
