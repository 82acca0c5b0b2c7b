"""One cell of a tracker (a student on a standard): its stored level, the evidence and
overrides behind it, and the explained calculation the drill-down shows."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from masterly.accounts.models import User
from masterly.assessments.models import Evidence, EvidenceRevision
from masterly.mastery import Evidence as EngineEvidence
from masterly.mastery import MasteryResult, calculate, override
from masterly.standards.models import Standard
from masterly.trackers.models import Override, Rollup, Tracker, TrackerStandard


def cell_placement_or_404(tracker: Tracker, standard_id: object) -> TrackerStandard:
    """A standard of ``tracker`` (with its placement), else Http404 (one query)."""
    try:
        return TrackerStandard.objects.select_related("standard").get(
            tracker=tracker, standard_id=int(str(standard_id))
        )
    except (TrackerStandard.DoesNotExist, ValueError):
        raise Http404("No such standard in this tracker.") from None


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


def engine_evidence(row: Evidence) -> EngineEvidence:
    """An evidence row (with its assessment read) as the engine's evidence, named by its
    assessment's title."""
    return EngineEvidence(
        row.points_earned,
        row.points_possible,
        assessed_on=row.assessed_on,
        entered_at=row.entered_at,
        entry_order=row.pk,
        label=row.assessment.title if row.assessment else "",
    )


def cell_result(tracker: Tracker, student: User | int, standard: Standard | int) -> MasteryResult:
    """The explained calculation of one cell (the drill-down): evidence, steps, override.

    Two queries. Uses the slow, explained engine path: what it says is what the stored
    rollup holds (``masterly rollups verify`` checks exactly that).
    """
    evidence = [engine_evidence(row) for row in cell_evidence(student, standard)]
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
