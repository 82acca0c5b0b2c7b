"""Which Masterly account a Google or Clever sign-in belongs to (never a new one).

An account may be reached this way when it is live in the roster and holds an active role; a
guardian only once they activated (chose their own sign-in), so a school's letter stays the
one way in for a parent. Google is matched by a verified email address: one the guardian
verified, or the roster's own address for everyone who has not chosen theirs. Clever is
matched by the SIS id it sends, against the roster's sourcedId or the school's own id.
"""

from __future__ import annotations

from collections.abc import Collection

from allauth.account.models import EmailAddress
from django.db.models import Q, QuerySet

from masterly.accounts.models import User
from masterly.roster.models import Role, RoleAssignment


def reachable_accounts() -> QuerySet[User]:
    roles = RoleAssignment.objects.filter(is_active=True)
    not_only_guardian = roles.exclude(role=Role.GUARDIAN).values("user")
    return User.objects.filter(
        Q(sign_in_chosen_at__isnull=False) | Q(pk__in=not_only_guardian),
        is_active=True,
        import_pending__isnull=True,
        pk__in=roles.values("user"),
    )


def _only(users: QuerySet[User]) -> User | None:
    """The one account found; none when two match (never guess between people)."""
    found = list(users.distinct()[:2])
    return found[0] if len(found) == 1 else None


def account_by_verified_email(emails: Collection[str]) -> User | None:
    if not emails:
        return None
    by_address = Q()
    for email in emails:
        verified = EmailAddress.objects.filter(email__iexact=email, verified=True)
        by_address |= Q(pk__in=verified.values("user"))
        by_address |= Q(email__iexact=email, sign_in_chosen_at__isnull=True)
    return _only(reachable_accounts().filter(by_address))


def account_by_sis_id(sis_ids: Collection[str]) -> User | None:
    ids = [sis_id for sis_id in sis_ids if sis_id]
    if not ids:
        return None
    return _only(reachable_accounts().filter(Q(sourced_id__in=ids) | Q(identifier__in=ids)))


def account_still_reachable(user: User) -> bool:
    return reachable_accounts().filter(pk=user.pk).exists()
