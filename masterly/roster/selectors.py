"""Reads of roster data. Anything that lists students goes through ``roster.access``."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser

from masterly.accounts.models import User
from masterly.roster.models import Role, RoleAssignment

# The order roles are offered in when a person holds several.
ROLE_ORDER = [Role.DISTRICT_ADMIN, Role.SCHOOL_LEADER, Role.TEACHER, Role.GUARDIAN, Role.STUDENT]


def roles_for(user: User | AnonymousUser) -> list[Role]:
    """The roles a person holds now (a superuser counts as a district admin)."""
    if not user.is_authenticated:
        return []
    held = set(
        RoleAssignment.objects.filter(user=user, is_active=True).values_list("role", flat=True)
    )
    if user.is_superuser:
        held.add(Role.DISTRICT_ADMIN)
    return [role for role in ROLE_ORDER if role in held]
