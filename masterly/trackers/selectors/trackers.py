"""Which trackers a user may open, score or change; a tracker's recompute progress and year.

Each runs a fixed number of queries. Who may open a tracker is decided here: its owner, its
collaborators (who also enter scores), the leaders of a school one of its classes is at and
the district admins over it (who only read it), and superusers; only the owner changes it.
Which of its students each of them sees is ``masterly.roster.access`` (collaborators see the
students of the tracker's sections through the rule
``selectors.collaborators.collaborator_students`` adds there).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from masterly.accounts.models import User
from masterly.roster import access
from masterly.roster.models import Section
from masterly.roster.selectors import sections_school_year
from masterly.trackers.models import (
    RecomputeRun,
    Tracker,
    TrackerCollaborator,
    TrackerSection,
)

AnyUser = User | AnonymousUser


def can_manage_tracker(user: AnyUser | None, tracker: Tracker) -> bool:
    """The tracker's owner (or a superuser) may change it; ``None`` is the system."""
    if user is None:
        return True
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_superuser or tracker.owner_id == user.pk


def can_score_tracker(user: AnyUser | None, tracker: Tracker) -> bool:
    """The owner and collaborators enter scores in a tracker (one query for a collaborator)."""
    if can_manage_tracker(user, tracker):
        return True
    if not isinstance(user, User) or not user.is_active:
        return False
    return TrackerCollaborator.objects.filter(tracker=tracker, teacher=user).exists()


def overseen_trackers(user: AnyUser) -> QuerySet[Tracker]:
    """The trackers ``user`` oversees, read-only: those with a class at a school they lead,
    or at a school of a district they administer (one query)."""
    schools = access.visible_schools(user).values("pk")
    return Tracker.objects.filter(
        pk__in=TrackerSection.objects.filter(section__school__in=schools).values("tracker")
    )


def visible_trackers(user: AnyUser) -> QuerySet[Tracker]:
    """The trackers ``user`` may open: owned, collaborated on or overseen (one query)."""
    if not isinstance(user, User) or not user.is_active:
        return Tracker.objects.none()
    if user.is_superuser:
        return Tracker.objects.all()
    shared = TrackerCollaborator.objects.filter(teacher=user).values("tracker")
    overseen = overseen_trackers(user).values("pk")
    return Tracker.objects.filter(Q(owner=user) | Q(pk__in=shared) | Q(pk__in=overseen))


def tracker_or_404(user: AnyUser, tracker_id: int | str) -> Tracker:
    """The tracker (with its curriculum map and owner) if ``user`` may open it, else Http404
    (existence is not revealed; one query)."""
    try:
        return (
            visible_trackers(user).select_related("curriculum_map", "owner").get(pk=int(tracker_id))
        )
    except (Tracker.DoesNotExist, ValueError, TypeError):
        raise Http404("No such tracker.") from None


# ------------------------------------------------------------------ recompute progress


def latest_recompute(tracker: Tracker) -> RecomputeRun | None:
    """The latest recompute of ``tracker`` (None if it was never recomputed; one query)."""
    return RecomputeRun.objects.filter(tracker=tracker).order_by("-created_at", "-id").first()


def recompute_progress(tracker: Tracker) -> dict[str, Any] | None:
    """The latest recompute of ``tracker`` as plain data (None if it was never recomputed)."""
    run = latest_recompute(tracker)
    return None if run is None else run.progress()


def get_recompute_run_or_404(
    user: AnyUser, tracker_id: int | str, run_id: int | str
) -> RecomputeRun:
    """A recompute run of a tracker ``user`` may open, else Http404 (one query)."""
    try:
        return RecomputeRun.objects.select_related("tracker").get(
            pk=int(run_id), tracker__in=visible_trackers(user).filter(pk=int(tracker_id))
        )
    except (RecomputeRun.DoesNotExist, ValueError, TypeError):
        raise Http404("No such recompute.") from None


def tracker_school_year(tracker: Tracker, today: datetime.date) -> int:
    """The school year (the year it ends in) of the tracker's classes (one query).

    A class's terms name it; with no terms, the school year ``today`` falls in (July on).
    """
    return sections_school_year(Section.objects.filter(trackers=tracker), today)
