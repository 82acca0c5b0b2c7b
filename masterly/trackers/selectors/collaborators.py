"""A tracker's collaborators: what they may see, and the teachers an owner may invite."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from masterly.accounts.models import User
from masterly.roster.models import Org, Role, RoleAssignment
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import TrackerCollaborator

SEARCH_LIMIT = 20


def collaborator_students(user: User) -> list[QuerySet[Any, Any]]:
    """Access rule (teacher role): the students of the current trackers ``user`` collaborates
    on, while ``user`` holds an active teacher role (like every rule of the access layer).

    Only students: the classes stay their teacher's (a collaborator does not teach them, so
    cannot build trackers on them or see them among their classes).
    """
    teaching = RoleAssignment.objects.filter(user=user, role=Role.TEACHER, is_active=True)
    trackers = TrackerCollaborator.objects.filter(
        teacher=user, teacher__in=teaching.values("user"), tracker__is_archived=False
    ).values("tracker")
    return [tracker_students(trackers)]


def teachers_matching(
    user: User, text: str, *, exclude: list[int], limit: int = SEARCH_LIMIT
) -> list[User]:
    """Active teachers of ``user``'s district whose name or email has every word of ``text``
    (at most ``limit``, by name; two queries)."""
    mine = Org.objects.filter(
        pk__in=RoleAssignment.objects.filter(user=user, is_active=True).values("org")
    )
    districts = {org.parent_id or org.pk for org in mine}
    orgs = Org.objects.filter(Q(pk__in=districts) | Q(parent__in=districts)).values("pk")
    query = Q()
    for word in text.split():
        query &= (
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(username__iexact=word)
        )
    teachers = RoleAssignment.objects.filter(
        role=Role.TEACHER, is_active=True, org__in=orgs
    ).values("user")
    return list(
        User.objects.filter(query, is_active=True, pk__in=teachers)
        .exclude(pk__in=exclude)
        .order_by("last_name", "first_name", "id")[:limit]
    )
