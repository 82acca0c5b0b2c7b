"""Which of a person's roles they are acting in, remembered in the session."""

from __future__ import annotations

from django.http import HttpRequest

from masterly.roster.models import Role
from masterly.roster.selectors import roles_for

SESSION_KEY = "masterly_active_role"

HOME_URL_NAMES = {
    Role.DISTRICT_ADMIN: "district_home",
    Role.SCHOOL_LEADER: "leader_home",
    Role.TEACHER: "teacher_home",
    Role.GUARDIAN: "family_home",
    Role.STUDENT: "student_home",
}


def available_roles(request: HttpRequest) -> list[Role]:
    cached: list[Role] | None = getattr(request, "_masterly_roles", None)
    if cached is None:
        cached = roles_for(request.user)
        request._masterly_roles = cached  # type: ignore[attr-defined]
    return cached


def active_role(request: HttpRequest, roles: list[Role] | None = None) -> Role | None:
    roles = available_roles(request) if roles is None else roles
    chosen = request.session.get(SESSION_KEY)
    if chosen in roles:
        return Role(chosen)
    return roles[0] if roles else None
