"""Reads of trackers, their stored mastery, explanations and recompute progress.

Each runs a fixed number of queries. Who may open a tracker is decided here: its owner, its
collaborators (who also enter scores) and superusers; only the owner changes it. Which of its
students each of them sees is ``masterly.roster.access`` (collaborators see the students of
the tracker's sections through the rule :func:`collaborator_students` adds there).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Max, Q, QuerySet
from django.http import Http404

from masterly.accounts.models import User
from masterly.assessments.models import Evidence, EvidenceRevision
from masterly.mastery import Evidence as EngineEvidence
from masterly.mastery import MasteryResult, calculate, override
from masterly.roster.models import AcademicSession, Enrollment, Role, RoleAssignment
from masterly.standards.models import Standard
from masterly.trackers.models import (
    Override,
    RecomputeRun,
    Rollup,
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


def visible_trackers(user: AnyUser) -> QuerySet[Tracker]:
    """The trackers ``user`` may open: owned or collaborated on (one query)."""
    if not isinstance(user, User) or not user.is_active:
        return Tracker.objects.none()
    if user.is_superuser:
        return Tracker.objects.all()
    shared = TrackerCollaborator.objects.filter(teacher=user).values("tracker")
    return Tracker.objects.filter(Q(owner=user) | Q(pk__in=shared))


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
    sections = TrackerSection.objects.filter(tracker__in=trackers).values("section")
    return [
        Enrollment.objects.filter(
            role=Enrollment.Role.STUDENT, is_active=True, section__in=sections
        ).values("user")
    ]


def get_tracker_or_404(user: AnyUser, tracker_id: int | str) -> Tracker:
    """The tracker if ``user`` may open it, else Http404 (existence is not revealed)."""
    try:
        return visible_trackers(user).get(pk=int(tracker_id))
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


# ------------------------------------------------------------------ mastery


def tracker_rollups(tracker: Tracker) -> QuerySet[Rollup]:
    """The stored cells of a tracker (a missing cell is not assessed)."""
    return Rollup.objects.filter(tracker=tracker)


def rollup_for(tracker: Tracker, student: User, standard: Standard) -> Rollup | None:
    return Rollup.objects.filter(tracker=tracker, student=student, standard=standard).first()


def cell_evidence(student: User | int, standard: Standard | int) -> QuerySet[Evidence]:
    """The evidence that counts in a cell, oldest first (x₁ … xₙ)."""
    return (
        Evidence.objects.filter(student=student, standard=standard, is_deleted=False)
        .select_related("assessment")
        .order_by("assessed_on", "entered_at", "id")
    )


def active_override(
    tracker: Tracker, student: User | int, standard: Standard | int
) -> Override | None:
    return (
        Override.objects.filter(
            tracker=tracker, student=student, standard=standard, cleared_at__isnull=True
        )
        .select_related("set_by")
        .first()
    )


def cell_result(tracker: Tracker, student: User | int, standard: Standard | int) -> MasteryResult:
    """The explained calculation of one cell (the drill-down): evidence, steps, override.

    Two queries. Uses the slow, explained engine path: what it says is what the stored
    rollup holds (``masterly rollups verify`` checks exactly that).
    """
    evidence = [
        EngineEvidence(
            row.points_earned,
            row.points_possible,
            assessed_on=row.assessed_on,
            entered_at=row.entered_at,
            entry_order=row.pk,
            label=row.assessment.title if row.assessment else "",
        )
        for row in cell_evidence(student, standard)
    ]
    result = calculate(evidence, tracker.policy())
    active = active_override(tracker, student, standard)
    if active is not None:
        by = active.set_by.display_name if active.set_by else ""
        result = override(result, active.level, active.reason, by=by)
    return result


def evidence_history(evidence: Evidence) -> QuerySet[EvidenceRevision]:
    """Every change to a score, oldest first: who, when, old and new values, why."""
    return evidence.revisions.select_related("changed_by").order_by("version")


def override_history(
    tracker: Tracker, student: User | int, standard: Standard | int
) -> QuerySet[Override]:
    """Every override of a cell, oldest first (the active one has no ``cleared_at``)."""
    return (
        Override.objects.filter(tracker=tracker, student=student, standard=standard)
        .select_related("set_by", "cleared_by")
        .order_by("set_at", "id")
    )


def tracker_school_year(tracker: Tracker, today: datetime.date) -> int:
    """The school year (the year it ends in) of the tracker's classes (one query).

    A class's terms name it; with no terms, the school year ``today`` falls in (July on).
    """
    years = AcademicSession.objects.filter(
        sectionterm__section__in=TrackerSection.objects.filter(tracker=tracker).values("section")
    ).aggregate(latest=Max("school_year"))
    return years["latest"] or (today.year + 1 if today.month >= 7 else today.year)
