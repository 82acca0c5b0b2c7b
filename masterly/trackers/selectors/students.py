"""A tracker's students as a user sees them: who, in which sections, chosen and pinned.

Who is in a tracker is ``masterly.trackers.membership``; whom a user may see of them is
``masterly.roster.access`` (the owner sees them as their teacher).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Exists, OuterRef, QuerySet, Value
from django.http import Http404

from masterly.accounts.models import User
from masterly.core import compiled
from masterly.core.compiled import CompiledQuery
from masterly.roster import access
from masterly.roster.models import Role, Section
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker
from masterly.trackers.selectors.trackers import AnyUser


def visible_tracker_students(user: AnyUser, tracker: Tracker) -> QuerySet[User]:
    """The tracker's students ``user`` may see, by name (a queryset: filter it further)."""
    return (
        access.visible_students(user, as_role=_viewing_role(user, tracker))
        .filter(pk__in=tracker_students(tracker.pk))
        .order_by("last_name", "first_name", "username", "id")
    )


def _students_query(
    *,
    as_role: Role | None,
    superuser: bool,
    rules: object,
    user_id: int,
    tracker_id: int,
    section_ids: list[int],
) -> QuerySet[User]:
    """The students of these sections whom the user may see, each marked ``is_chosen`` and
    ``is_pinned`` as set under the tracker's Students button (``rules``: only in the key)."""
    user = User(pk=user_id, is_superuser=superuser, is_active=True)
    enrolled = tracker_students(tracker_id, sections=section_ids)
    marks = {
        f"is_{name}": Exists(through.objects.filter(tracker_id=tracker_id, user_id=OuterRef("pk")))
        for name, through in (
            ("chosen", Tracker.chosen_students.through),
            ("pinned", Tracker.pinned_students.through),
        )
    }
    return (
        access.visible_students(user, as_role=as_role)
        .filter(pk__in=enrolled)
        .annotate(**marks)
        .order_by("last_name", "first_name", "username", "id")
    )


STUDENTS = CompiledQuery(_students_query)


def section_students(user: AnyUser, tracker: Tracker, sections: Sequence[Section]) -> list[User]:
    """:func:`visible_tracker_students` of ``sections`` (already read, among the tracker's),
    one query; each is marked ``is_chosen`` and ``is_pinned`` (truthy or not)."""
    section_ids = [section.pk for section in sections if section.is_active]
    if not isinstance(user, User) or not user.is_active or not section_ids:
        return []
    fixed = {
        "as_role": _viewing_role(user, tracker),
        "superuser": user.is_superuser,
        "rules": access.rules_key(),
    }
    return compiled.instances(
        STUDENTS, User, fixed, user_id=user.pk, tracker_id=tracker.pk, section_ids=section_ids
    )


def marked(student: User, mark: str) -> bool:
    """Whether a student read by :func:`section_students` is ``is_chosen`` / ``is_pinned``."""
    return bool(getattr(student, mark))


def _viewing_role(user: AnyUser, tracker: Tracker) -> Role | None:
    """The owner sees the tracker's students as their teacher (the access rules of that one
    role: a much smaller query to build than every role's); anyone else, in any role."""
    return Role.TEACHER if isinstance(user, User) and tracker.owner_id == user.pk else None


def chosen_and_pinned(tracker: Tracker) -> tuple[set[int], set[int]]:
    """The ids of the students chosen and pinned under the Students button (one query)."""
    chosen = Tracker.chosen_students.through.objects.filter(tracker=tracker)
    pinned = Tracker.pinned_students.through.objects.filter(tracker=tracker)
    marks = chosen.values_list("user_id", Value(1)).union(
        pinned.values_list("user_id", Value(0)), all=True
    )
    chosen_ids: set[int] = set()
    pinned_ids: set[int] = set()
    for student_id, is_chosen in marks:
        (chosen_ids if is_chosen else pinned_ids).add(student_id)
    return chosen_ids, pinned_ids


def cell_student_or_404(user: AnyUser, tracker: Tracker, student_id: object) -> User:
    """A student of ``tracker`` whom ``user`` may see, else Http404 (one query)."""
    try:
        return visible_tracker_students(user, tracker).get(pk=int(str(student_id)))
    except (User.DoesNotExist, ValueError):
        raise Http404("No such student in this tracker.") from None
