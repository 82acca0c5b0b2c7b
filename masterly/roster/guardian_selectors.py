"""Reads for guardians' activation: which guardians a leader or admin may write to, and the
children each letter names. Every read starts from ``access.visible_schools``."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404
from django.utils import timezone

from masterly.accounts.models import ActivationCode, User
from masterly.roster.access import AnyUser, visible_schools
from masterly.roster.activation import activatable_guardians
from masterly.roster.models import Enrollment, GuardianLink, Org, Role, RoleAssignment


def letter_school_or_404(user: AnyUser, school_id: int | str) -> Org:
    """A school whose guardians ``user`` (its leader, their district's admin) may write to."""
    try:
        return visible_schools(user).get(pk=int(school_id))
    except (Org.DoesNotExist, ValueError, TypeError):
        raise Http404("No such school.") from None


def _students_at(school: Org) -> list[QuerySet[Any, Any]]:
    by_role = RoleAssignment.objects.filter(role=Role.STUDENT, is_active=True, org=school)
    by_enrollment = Enrollment.objects.filter(
        role=Enrollment.Role.STUDENT, is_active=True, section__school=school
    )
    return [by_role.values("user"), by_enrollment.values("user")]


def school_guardians(school: Org, *, not_activated_only: bool = False) -> QuerySet[User]:
    """Guardians with an active link to a live student of ``school``, by name (one query)."""
    by_role, by_enrollment = _students_at(school)
    links = GuardianLink.objects.filter(
        guardian=OuterRef("pk"), is_active=True, student__is_active=True
    )
    guardians = activatable_guardians().filter(
        Exists(links.filter(student__in=by_role)) | Exists(links.filter(student__in=by_enrollment))
    )
    if not_activated_only:
        guardians = guardians.filter(sign_in_chosen_at__isnull=True)
    return guardians.order_by("last_name", "first_name", "pk")


def school_guardian_or_404(school: Org, guardian_id: int | str) -> User:
    try:
        return school_guardians(school).get(pk=int(guardian_id))
    except (User.DoesNotExist, ValueError, TypeError):
        raise Http404("No such guardian.") from None


@dataclass
class GuardianRow:
    guardian: User
    children: list[str] = field(default_factory=list)
    has_open_code: bool = False


def guardian_rows(guardians: list[User]) -> list[GuardianRow]:
    """Each guardian with their children's names and whether a code is waiting (2 queries)."""
    rows = {guardian.pk: GuardianRow(guardian) for guardian in guardians}
    children: dict[int, list[str]] = defaultdict(list)
    links = (
        GuardianLink.objects.filter(guardian_id__in=rows, is_active=True, student__is_active=True)
        .order_by("student__first_name", "student__last_name")
        .values_list("guardian_id", "student__first_name", "student__last_name")
    )
    for guardian_id, first, last in links:
        children[guardian_id].append(f"{first} {last}".strip())
    open_codes = set(
        ActivationCode.objects.filter(
            guardian_id__in=rows,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).values_list("guardian_id", flat=True)
    )
    for pk, row in rows.items():
        row.children = children[pk]
        row.has_open_code = pk in open_codes
    return list(rows.values())
