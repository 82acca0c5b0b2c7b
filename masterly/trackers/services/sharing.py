"""Collaborators (the More button) and students' tools and accommodations.

Only the tracker's owner may call these; collaborators see the tracker and enter scores.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from masterly.accounts.models import User
from masterly.assessments import services as assessment_writes
from masterly.core import audit
from masterly.roster.models import Org, Role, RoleAssignment, Section
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker, TrackerCollaborator
from masterly.trackers.selectors.trackers import tracker_school_year
from masterly.trackers.services.checks import check_manage, check_not_archived


def collaborator_add(*, actor: User | None, tracker: Tracker, teacher: User) -> TrackerCollaborator:
    """Let another teacher (an active teacher role) see the tracker and enter scores."""
    check_manage(actor, tracker)
    check_not_archived(tracker)
    if teacher.pk == tracker.owner_id:
        raise ValidationError({"teacher": "The owner already has the tracker."})
    schools = Section.objects.filter(trackers=tracker).values("school")
    districts = Org.objects.filter(pk__in=schools).values("parent")
    district_orgs = Org.objects.filter(
        Q(pk__in=districts) | Q(parent__in=districts) | Q(pk__in=schools)
    ).values("pk")
    is_teacher_here = RoleAssignment.objects.filter(
        user=teacher, role=Role.TEACHER, is_active=True, org__in=district_orgs
    ).exists()
    if not teacher.is_active or not is_teacher_here:
        raise ValidationError(
            {"teacher": f"{teacher} is not an active teacher in this tracker's district."}
        )
    with transaction.atomic():
        row, created = TrackerCollaborator.objects.get_or_create(
            tracker=tracker, teacher=teacher, defaults={"added_by": actor}
        )
        if not created:
            raise ValidationError({"teacher": f"{teacher} already collaborates on this tracker."})
        audit.record(
            actor=actor,
            action="tracker.collaborator_added",
            target=tracker,
            summary=f"{teacher} collaborates on {tracker.name!r}",
            details={"teacher": teacher.pk},
        )
    return row


def collaborator_remove(*, actor: User | None, tracker: Tracker, teacher: User) -> None:
    """Take a collaborator off the tracker (the scores they entered stay)."""
    check_manage(actor, tracker)
    with transaction.atomic():
        removed, _ = TrackerCollaborator.objects.filter(tracker=tracker, teacher=teacher).delete()
        if not removed:
            raise ValidationError({"teacher": f"{teacher} does not collaborate on this tracker."})
        audit.record(
            actor=actor,
            action="tracker.collaborator_removed",
            target=tracker,
            summary=f"{teacher} no longer collaborates on {tracker.name!r}",
            details={"teacher": teacher.pk},
        )


def accommodations_save(
    *,
    actor: User | None,
    tracker: Tracker,
    tools: Mapping[int, Iterable[str]],
    today: datetime.date,
    factors: Mapping[int, Decimal] | None = None,
) -> list[int]:
    """Each student's tools (student id → tools on) for the tracker's school year, and their
    extended time factor (student id → factor) where given.

    Every student must be in the tracker; one transaction. Returns the ids of the students
    whose tools changed.
    """
    check_manage(actor, tracker)
    check_not_archived(tracker)
    enrolled = set(
        tracker_students(tracker.pk).filter(user__in=list(tools)).values_list("user", flat=True)
    )
    if set(tools) - enrolled:
        raise ValidationError(
            {"tools": "Choose tools only for students of this tracker's classes; reload the page."}
        )
    return assessment_writes.accommodations_set(
        actor=actor,
        school_year=tracker_school_year(tracker, today),
        tools=tools,
        factors=factors,
    )
