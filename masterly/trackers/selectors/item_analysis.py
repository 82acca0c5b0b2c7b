"""The item analysis of an assessment given in a tracker, for those who may see it.

The tracker's owner and collaborators, and the school leaders and district admins who oversee
one of its classes, see it; anyone else gets Http404 (existence not revealed). It covers the
tracker's students, or one of its classes (``section``). Students and parents will see it
when the assessment's settings allow; that check is added beside this one.
"""

from __future__ import annotations

from django.http import Http404

from masterly.accounts.models import User
from masterly.assessments.models import Assessment
from masterly.assessments.responses.analysis import Analysis, analyse
from masterly.roster import access
from masterly.roster.models import Role, Section
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker, TrackerSection
from masterly.trackers.selectors.trackers import AnyUser, visible_trackers

OVERSEERS = (Role.SCHOOL_LEADER, Role.DISTRICT_ADMIN)


def analysis_tracker_or_404(user: AnyUser, tracker_id: int) -> Tracker:
    """The tracker if ``user`` may see its item analyses (one to three queries)."""
    if not isinstance(user, User) or not user.is_active:
        raise Http404("No such tracker.")
    tracker = Tracker.objects.filter(pk=tracker_id).select_related("owner").first()
    if tracker is None:
        raise Http404("No such tracker.")
    if visible_trackers(user).filter(pk=tracker.pk).exists():
        return tracker
    held = access.held_roles(user)
    for role in OVERSEERS:
        if role in held and (
            access.visible_sections(user, as_role=role)
            .filter(pk__in=TrackerSection.objects.filter(tracker=tracker).values("section"))
            .exists()
        ):
            return tracker
    raise Http404("No such tracker.")


def tracker_assessment_or_404(tracker: Tracker, assessment_id: int) -> Assessment:
    try:
        return Assessment.objects.get(pk=assessment_id, trackers_given__tracker=tracker)
    except Assessment.DoesNotExist:
        raise Http404("No such assessment in this tracker.") from None


def item_analysis(
    user: AnyUser, tracker: Tracker, assessment: Assessment, *, section: Section | None = None
) -> Analysis:
    """The analysis over the tracker's students (of ``section`` when given); the caller has
    the tracker from :func:`analysis_tracker_or_404` (checked again here: cheap)."""
    if analysis_tracker_or_404(user, tracker.pk).pk != tracker.pk:  # pragma: no cover
        raise Http404
    sections = [section.pk] if section is not None else None
    return analyse(assessment.pk, tracker_students(tracker.pk, sections=sections))
