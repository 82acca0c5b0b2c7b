"""A confirmed mass deactivation never locks out the admin who confirmed it.

A district admin locked out of their own district by a bad file is what the mass-deactivation
guard exists to prevent, so when an admin confirms such an import ("Import anyway", or the
command's ``--allow-mass-deactivation``), the people it must keep (the confirming admin; on
the command line, which has no signed-in person, every active district admin) stay active
with their district admin roles. They are read inside the apply's transaction before it
runs and re-activated after it, in the same transaction, so the apply itself stays as it is.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from masterly.accounts.models import User
from masterly.integrations.oneroster.context import ImportContext
from masterly.roster.models import Role, RoleAssignment


@dataclass(frozen=True)
class KeptPeople:
    """Who was active before the apply: users and their active district admin roles."""

    users: dict[int, str] = field(default_factory=dict)  # pk → display name
    admin_roles: tuple[int, ...] = ()


def district_admins() -> list[int]:
    """The active district admins: whom a command-line confirmation keeps."""
    return list(
        RoleAssignment.objects.filter(
            role=Role.DISTRICT_ADMIN, is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )


def people_before_apply(user_ids: Collection[int]) -> KeptPeople:
    """The active ones among ``user_ids`` and their active admin roles (two queries)."""
    if not user_ids:
        return KeptPeople()
    users = User.objects.filter(pk__in=user_ids, is_active=True).only(
        "first_name", "last_name", "username"
    )
    roles = RoleAssignment.objects.filter(
        user_id__in=user_ids, role=Role.DISTRICT_ADMIN, is_active=True
    )
    return KeptPeople(
        users={user.pk: user.display_name for user in users},
        admin_roles=tuple(roles.values_list("pk", flat=True)),
    )


def people_keep_active(kept: KeptPeople, ctx: ImportContext) -> list[str]:
    """Re-activate whom the apply deactivated among ``kept`` (their account or their admin
    role); take them out of the summary's deactivated counts; return their names (at most
    four queries)."""
    if not kept.users:
        return []
    users = User.objects.filter(pk__in=kept.users, is_active=False)
    roles = RoleAssignment.objects.filter(pk__in=kept.admin_roles, is_active=False)
    restored = set(users.values_list("pk", flat=True))
    restored |= set(roles.values_list("user_id", flat=True)) if kept.admin_roles else set()
    if not restored:
        return []
    _recount(ctx, "user", users.update(is_active=True))
    if kept.admin_roles:
        _recount(ctx, "role", roles.update(is_active=True))
    return [kept.users[pk] for pk in sorted(restored)]


def _recount(ctx: ImportContext, kind: str, kept: int) -> None:
    for applied, entry in ctx.applies:
        if applied == kind and kept:
            moved = min(kept, entry.counts.deactivated)
            entry.counts.deactivated -= moved
            entry.counts.unchanged += moved
            kept -= moved
