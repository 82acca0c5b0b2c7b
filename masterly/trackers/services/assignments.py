"""Assigning an assessment to some of a tracker's sections, changing an assignment, and
excusing students from it. The assigning teacher must manage the tracker; assigning also
gives the assessment in the tracker (:class:`TrackerAssessment`). Each write validates
first (nothing written on a refusal), then writes in one transaction with its audit row.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from masterly.accounts.models import User
from masterly.assessments.composition.selectors import visible_assessments
from masterly.assessments.models import Assessment, Attempt
from masterly.core import audit
from masterly.roster.models import Enrollment, Section
from masterly.trackers.assignments import (
    ATTEMPTS_MAX,
    Assignment,
    AssignmentSection,
    Excusal,
    Visibility,
)
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import PortalShow, Tracker, TrackerAssessment, TrackerSection
from masterly.trackers.selectors.trackers import can_manage_tracker, can_score_tracker
from masterly.trackers.services.paper_scores import assessment_give
from masterly.trackers.test_ids import new_test_id

# The tracker's portal choices, as an assignment's default visibility.
FROM_PORTAL = {
    PortalShow.NEVER: Visibility.NEVER,
    PortalShow.ALWAYS: Visibility.NOW,
    PortalShow.AFTER_ALL: Visibility.AFTER_ALL,
}


@dataclass(frozen=True)
class AssignmentTerms:
    """What a teacher chooses when assigning (and may change later, within reason)."""

    opens_at: datetime.datetime
    closes_at: datetime.datetime
    attempts_allowed: int = 1
    time_limit_minutes: int | None = None
    show_assessment: str = ""  # "" takes the tracker's default
    show_answer_key: str = ""
    show_item_analysis: str = ""
    one_item_per_screen: bool = True  # taken online: one item per screen, or all on one page


def default_visibility(tracker: Tracker) -> dict[str, str]:
    return {
        "show_assessment": FROM_PORTAL[PortalShow(tracker.portal_assessments)],
        "show_answer_key": FROM_PORTAL[PortalShow(tracker.portal_answer_key)],
        "show_item_analysis": FROM_PORTAL[PortalShow(tracker.portal_item_analysis)],
    }


def assignment_create(
    *,
    actor: User,
    tracker: Tracker,
    assessment: Assessment,
    sections: Sequence[Section],
    terms: AssignmentTerms,
) -> Assignment:
    if not can_manage_tracker(actor, tracker):
        raise PermissionDenied(_("Only the tracker's owner may assign assessments in it."))
    if not visible_assessments(actor).filter(pk=assessment.pk).exists():
        raise PermissionDenied(_("You may assign only assessments you can see."))
    chosen = {s.pk for s in sections}
    if not chosen:
        raise ValidationError({"sections": _("Choose at least one class to assign it to.")})
    own = set(TrackerSection.objects.filter(tracker=tracker).values_list("section_id", flat=True))
    if chosen - own:
        raise ValidationError({"sections": _("Assign only to the tracker's own classes.")})
    fields = _checked_terms(terms, default_visibility(tracker))
    with transaction.atomic():
        assignment = _insert_with_new_test_id(
            Assignment(tracker=tracker, assessment=assessment, created_by=actor, **fields)
        )
        AssignmentSection.objects.bulk_create(
            AssignmentSection(assignment=assignment, section_id=pk) for pk in sorted(chosen)
        )
        assessment_give(actor=actor, tracker=tracker, assessment=assessment)
        audit.record(
            actor=actor,
            action="assignment.created",
            target=assignment,
            summary=f"“{assessment.title}” assigned in {tracker.name} as {assignment.test_id}",
            details={"sections": sorted(chosen), **_plain(fields)},
        )
    return assignment


def individual_assignment_create(
    *,
    actor: User,
    tracker: Tracker,
    assessment: Assessment,
    student: User,
    terms: AssignmentTerms,
) -> Assignment:
    """Give ``assessment`` to one student of the tracker alone (no sections): how an approved
    reassessment reaches a student whose classes were not given that assessment. The
    tracker's teachers who decide reassessments (owner and collaborators) may do it."""
    if not can_score_tracker(actor, tracker):
        raise PermissionDenied(_("Only the tracker's teachers may assign to one student."))
    if not TrackerAssessment.objects.filter(tracker=tracker, assessment=assessment).exists():
        raise ValidationError({"assessment": _("Choose one of this tracker's assessments.")})
    if not tracker_students(tracker.pk).filter(user=student).exists():
        raise ValidationError({"student": _("Choose a student of this tracker.")})
    fields = _checked_terms(terms, default_visibility(tracker))
    with transaction.atomic():
        assignment = _insert_with_new_test_id(
            Assignment(
                tracker=tracker, assessment=assessment, student=student, created_by=actor, **fields
            )
        )
        audit.record(
            actor=actor,
            action="assignment.created",
            target=assignment,
            summary=f"“{assessment.title}” assigned to {_name(student)} alone in {tracker.name}"
            f" as {assignment.test_id}",
            details={"student": student.pk, **_plain(fields)},
        )
    return assignment


def assignment_change(*, actor: User, assignment: Assignment, terms: AssignmentTerms) -> Assignment:
    """Change the window, attempts, time limit and visibility. Once students have started,
    attempts cannot drop below the most any student has used."""
    if not can_manage_tracker(actor, assignment.tracker):
        raise PermissionDenied(_("Only the tracker's owner may change its assignments."))
    fields = _checked_terms(terms, default_visibility(assignment.tracker))
    used = attempts_used(assignment)
    if terms.attempts_allowed < used:
        raise ValidationError(
            {
                "attempts_allowed": _(
                    "A student has already used %(used)d attempts; allow at least %(used)d."
                )
                % {"used": used}
            }
        )
    with transaction.atomic():
        before = {name: getattr(assignment, name) for name in fields}
        for name, value in fields.items():
            setattr(assignment, name, value)
        assignment.save(update_fields=list(fields))
        audit.record(
            actor=actor,
            action="assignment.changed",
            target=assignment,
            summary=f"Assignment {assignment.test_id} changed",
            details={"before": _plain(before), "after": _plain(fields)},
        )
    return assignment


def student_excuse(
    *, actor: User, assignment: Assignment, student: User, reason: str = ""
) -> Excusal:
    """Excuse an assigned student (absent): they no longer count as still to finish."""
    _check_assigned(actor, assignment, student)
    with transaction.atomic():
        excusal, created = Excusal.objects.get_or_create(
            assignment=assignment,
            student=student,
            defaults={"excused_by": actor, "reason": reason.strip()[:300]},
        )
        if created:
            audit.record(
                actor=actor,
                action="assignment.excused",
                target=assignment,
                summary=f"{_name(student)} excused from {assignment.test_id}",
                details={"student": student.pk, "reason": excusal.reason},
            )
    return excusal


def student_unexcuse(*, actor: User, assignment: Assignment, student: User) -> None:
    _check_assigned(actor, assignment, student)
    with transaction.atomic():
        removed, _rows = Excusal.objects.filter(assignment=assignment, student=student).delete()
        if removed:
            audit.record(
                actor=actor,
                action="assignment.unexcused",
                target=assignment,
                summary=f"{_name(student)} no longer excused from {assignment.test_id}",
                details={"student": student.pk},
            )


def attempts_used(assignment: Assignment) -> int:
    """The most attempts any student of the assignment's sections (or its one student) has
    started."""
    students = _assigned_students(assignment)
    numbers = Attempt.objects.filter(assessment=assignment.assessment_id, student__in=students)
    return max(numbers.values_list("number", flat=True), default=0)


# ------------------------------------------------------------------ helpers


def _checked_terms(terms: AssignmentTerms, defaults: dict[str, str]) -> dict[str, object]:
    problems: dict[str, str] = {}
    for name, moment in (("opens_at", terms.opens_at), ("closes_at", terms.closes_at)):
        if moment.tzinfo is None:
            problems[name] = _("Give the time with its time zone.")
    if not problems and terms.closes_at <= terms.opens_at:
        problems["closes_at"] = _("The window must close after it opens.")
    if not 1 <= terms.attempts_allowed <= ATTEMPTS_MAX:
        problems["attempts_allowed"] = _("Allow 1 to %(n)d attempts.") % {"n": ATTEMPTS_MAX}
    if terms.time_limit_minutes is not None and not 1 <= terms.time_limit_minutes <= 24 * 60:
        problems["time_limit_minutes"] = _("A time limit is 1 to 1,440 minutes, or none.")
    shown = {}
    for name in ("show_assessment", "show_answer_key", "show_item_analysis"):
        value = getattr(terms, name) or defaults[name]
        if value not in Visibility.values:
            problems[name] = _(
                "Choose never, now, after the window closes, or once all have finished."
            )
        shown[name] = value
    if problems:
        raise ValidationError(problems)
    return {
        "opens_at": terms.opens_at,
        "closes_at": terms.closes_at,
        "attempts_allowed": terms.attempts_allowed,
        "time_limit_minutes": terms.time_limit_minutes,
        "one_item_per_screen": bool(terms.one_item_per_screen),
        **shown,
    }


def _insert_with_new_test_id(assignment: Assignment) -> Assignment:
    """Save with a fresh Test ID, drawing again on the (rare) clash with an existing one."""
    for _attempt in range(20):
        assignment.test_id = new_test_id()
        try:
            with transaction.atomic():
                assignment.save()
            return assignment
        except IntegrityError:
            if not Assignment.objects.filter(test_id=assignment.test_id).exists():
                raise
    raise RuntimeError("no free Test ID after 20 draws")  # 23⁶ ids: not in practice


def _check_assigned(actor: User, assignment: Assignment, student: User) -> None:
    if not can_manage_tracker(actor, assignment.tracker):
        raise PermissionDenied(_("Only the tracker's owner may excuse students."))
    if not _assigned_students(assignment).filter(user=student).exists():
        raise ValidationError(_("That student is not assigned this assessment."))


def _assigned_students(assignment: Assignment) -> QuerySet[Enrollment, Any]:
    """The ids of the students the assignment is for (``values("user")``, a subquery)."""
    if assignment.student_id is not None:
        return tracker_students(assignment.tracker_id).filter(user=assignment.student_id)
    sections = list(assignment.assignment_sections.values_list("section_id", flat=True))
    return tracker_students(assignment.tracker_id, sections=sections)


def _plain(fields: dict[str, object]) -> dict[str, object]:
    return {k: v.isoformat() if isinstance(v, datetime.datetime) else v for k, v in fields.items()}


def _name(student: User) -> str:
    return student.get_full_name() or student.username
