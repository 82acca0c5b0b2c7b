"""Which of a person's roles they are acting in, remembered in the session."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

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

# The roles' names as people read them (translated; the model's labels are not).
ROLE_LABELS = {
    Role.DISTRICT_ADMIN: _("District admin"),
    Role.SCHOOL_LEADER: _("School leader"),
    Role.TEACHER: _("Teacher"),
    Role.GUARDIAN: _("Parent"),
    Role.STUDENT: _("Student"),
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


def choose_role(request: HttpRequest, role: Role | str) -> bool:
    """Act as ``role`` from now on, if the person holds it; returns whether they do."""
    if role not in available_roles(request):
        return False
    if request.session.get(SESSION_KEY) != role:
        request.session[SESSION_KEY] = str(role)
    return True


def act_as(request: HttpRequest, role: Role) -> None:
    """A role's pages: 403 for people without the role; for the others, it becomes the role
    they act in (so the switcher shows the page they are on)."""
    if not choose_role(request, role):
        raise PermissionDenied(role.value)
