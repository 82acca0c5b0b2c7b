"""Reassessment requests and attempt grants (ADR 28).

A student asks to be reassessed on a standard or an assignment of one of their trackers; the
tracker's owner or a collaborator approves (granting one more attempt, optionally at another
of the tracker's assessments that covers the standard, assigned to the student alone when
their classes were not given it) or declines with a note. Teachers also grant one more
attempt to a group. Each write validates first (nothing written on a
refusal), then writes in one transaction with its audit row.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from masterly.accounts.models import User
from masterly.assessments.models import Assessment
from masterly.core import audit
from masterly.roster.models import Enrollment
from masterly.standards.models import Standard
from masterly.trackers.assignments import Assignment, Visibility
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker, TrackerAssessment, TrackerStandard
from masterly.trackers.reassessment import (
    NOTE_LENGTH,
    REASON_LENGTH,
    AttemptGrant,
    ReassessmentRequest,
    RequestStatus,
)
from masterly.trackers.selectors.reassessment import assessment_standards
from masterly.trackers.selectors.trackers import can_score_tracker
from masterly.trackers.services.assignments import (
    AssignmentTerms,
    default_visibility,
    individual_assignment_create,
)
from masterly.trackers.services.checks import check_not_archived

# How long an assessment given to one student alone (an approved reassessment) stays open.
INDIVIDUAL_WINDOW = datetime.timedelta(days=14)


def reassessment_request(
    *,
    student: User,
    tracker: Tracker,
    reason: str,
    standard: Standard | None = None,
    assignment: Assignment | None = None,
) -> ReassessmentRequest:
    """The student's request (for themself only) on a standard or an assignment."""
    if not is_tracker_student(student, tracker):
        raise PermissionDenied(_("You may ask only in your own classes."))
    check_not_archived(tracker)
    if (standard is None) == (assignment is None):
        raise ValidationError(_("Ask about one standard or one assessment."))
    if (
        standard is not None
        and not TrackerStandard.objects.filter(tracker=tracker, standard=standard).exists()
    ):
        raise ValidationError(_("That standard is not in this class."))
    if assignment is not None and assignment.tracker_id != tracker.pk:
        raise ValidationError(_("That assessment is not in this class."))
    text = " ".join(reason.split())
    if not text:
        raise ValidationError({"reason": _("Say in a few words why you want to try again.")})
    if len(text) > REASON_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason to %(n)d characters.") % {"n": REASON_LENGTH}}
        )
    target = {"standard": standard} if standard is not None else {"assignment": assignment}
    pending = ReassessmentRequest.objects.filter(
        tracker=tracker, student=student, status=RequestStatus.PENDING, **target
    )
    if pending.exists():
        raise ValidationError(_("You have already asked; your teacher will answer that request."))
    try:
        with transaction.atomic():
            made = ReassessmentRequest.objects.create(
                tracker=tracker, student=student, reason=text, **target
            )
            audit.record(
                actor=student,
                action="reassessment.requested",
                target=made,
                summary=f"{student.username} asked for a reassessment in {tracker.name}",
                details={"reason": text},
            )
    except IntegrityError:  # the same request sent twice at once
        raise ValidationError(
            _("You have already asked; your teacher will answer that request.")
        ) from None
    return made


def reassessment_approve(
    *,
    actor: User,
    request: ReassessmentRequest,
    assessment: Assessment | None = None,
    note: str = "",
) -> AttemptGrant:
    """Approve: one more attempt for the student, at ``assessment`` (for a request on a
    standard: one of the tracker's assessments covering it; for a request on an assignment,
    its assessment unless another covering its standards is chosen). On an assessment not
    given to the student's classes, or whose window has closed, it is given to the student
    alone, open now (``_individual_grant``): an approved attempt the student could not start
    would be no attempt at all."""
    tracker = request.tracker
    _check_decider(actor, tracker)
    _check_pending(request)
    assessment = _granted_assessment(request, assessment)
    student = request.student
    with transaction.atomic():
        _decide(actor, request, RequestStatus.APPROVED, note)
        given = _assignments_by_student(tracker, assessment, [student.pk]).get(student.pk)
        if given is not None and given.closes_at > timezone.now():
            (grant,) = _grants_write(actor, tracker, assessment, [student], request)
        else:  # not given to the student's classes, or closed: given to the student alone
            grant = _individual_grant(actor, tracker, assessment, student, request)
    return grant


def reassessment_decline(*, actor: User, request: ReassessmentRequest, note: str) -> None:
    _check_decider(actor, request.tracker)
    _check_pending(request)
    if not note.strip():
        raise ValidationError({"note": _("Tell the student why, in a short note.")})
    with transaction.atomic():
        _decide(actor, request, RequestStatus.DECLINED, note)


def attempts_grant(
    *, actor: User, tracker: Tracker, assessment: Assessment, students: Sequence[User]
) -> list[AttemptGrant]:
    """One more attempt at ``assessment`` for each of ``students`` (a group)."""
    _check_decider(actor, tracker)
    if not students:
        raise ValidationError({"students": _("Choose at least one student.")})
    if not TrackerAssessment.objects.filter(tracker=tracker, assessment=assessment).exists():
        raise ValidationError({"assessment": _("Choose one of this tracker's assessments.")})
    members = set(
        User.objects.filter(pk__in=tracker_students(tracker.pk)).values_list("pk", flat=True)
    )
    if any(student.pk not in members for student in students):
        raise ValidationError({"students": _("Choose only students of this tracker.")})
    given = _assignments_by_student(tracker, assessment, [student.pk for student in students])
    now = timezone.now()
    open_to = [s for s in students if s.pk in given and given[s.pk].closes_at > now]
    with transaction.atomic():
        grants = _grants_write(actor, tracker, assessment, open_to, None) if open_to else []
        # Not given to their class, or its window has closed: given to each alone, open now
        # (a reteach group is a handful of students).
        for student in students:
            if student not in open_to:
                grants.append(_individual_grant(actor, tracker, assessment, student, None))
    return grants


def covering_assessments(tracker: Tracker, standards: Sequence[int]) -> list[Assessment]:
    """The tracker's assessments that cover every one of ``standards``."""
    covered = assessment_standards(tracker)
    wanted = set(standards)
    return list(
        Assessment.objects.filter(
            pk__in=[pk for pk, theirs in covered.items() if wanted <= theirs]
        ).order_by("-assessed_on", "title", "pk")
    )


def is_tracker_student(student: User, tracker: Tracker) -> bool:
    return User.objects.filter(pk=student.pk, pk__in=tracker_students(tracker.pk)).exists()


# ------------------------------------------------------------------ helpers


def _check_decider(actor: User, tracker: Tracker) -> None:
    if not can_score_tracker(actor, tracker):
        raise PermissionDenied(_("Only the tracker's teachers decide on reassessments."))
    check_not_archived(tracker)


def _check_pending(request: ReassessmentRequest) -> None:
    if not request.is_pending:
        raise ValidationError(_("This request has already been answered."))


def _granted_assessment(request: ReassessmentRequest, chosen: Assessment | None) -> Assessment:
    if request.assignment_id is not None:
        original = request.assignment.assessment  # type: ignore[union-attr]
        if chosen is None or chosen.pk == original.pk:
            return original
        wanted = sorted(assessment_standards(request.tracker).get(original.pk, set()))
    else:
        if chosen is None:
            raise ValidationError({"assessment": _("Choose the assessment to try again.")})
        wanted = [request.standard_id]  # type: ignore[list-item]
    if chosen.pk not in {a.pk for a in covering_assessments(request.tracker, wanted)}:
        raise ValidationError(
            {"assessment": _("Choose one of this tracker's assessments on the same standards.")}
        )
    return chosen


def _decide(actor: User, request: ReassessmentRequest, status: str, note: str) -> None:
    text = " ".join(note.split())
    if len(text) > NOTE_LENGTH:
        raise ValidationError(
            {"note": _("Keep the note to %(n)d characters.") % {"n": NOTE_LENGTH}}
        )
    updated = ReassessmentRequest.objects.filter(
        pk=request.pk, status=RequestStatus.PENDING
    ).update(status=status, note=text, decided_by=actor, decided_at=timezone.now())
    if not updated:  # another teacher answered it a moment ago
        raise ValidationError(_("This request has already been answered."))
    request.refresh_from_db()
    audit.record(
        actor=actor,
        action=f"reassessment.{status}",
        target=request,
        summary=f"Reassessment of {request.student.username} {status} in {request.tracker.name}",
        details={"note": text},
    )


def _grants_write(
    actor: User,
    tracker: Tracker,
    assessment: Assessment,
    students: Sequence[User],
    request: ReassessmentRequest | None,
) -> list[AttemptGrant]:
    on = _assignments_by_student(tracker, assessment, [s.pk for s in students])
    grants = AttemptGrant.objects.bulk_create(
        AttemptGrant(
            tracker=tracker,
            assessment=assessment,
            assignment=on.get(student.pk),
            student=student,
            granted_by=actor,
            request=request,
        )
        for student in students
    )
    audit.record_many(
        actor=actor,
        action="attempt.granted",
        model=AttemptGrant,
        events=(
            (
                grant.pk,
                f"One more attempt at {assessment.title!r} for {grant.student.username}",
                {"student": grant.student_id, "assignment": grant.assignment_id},
            )
            for grant in grants
        ),
    )
    return grants


def _individual_grant(
    actor: User,
    tracker: Tracker,
    assessment: Assessment,
    student: User,
    request: ReassessmentRequest | None,
) -> AttemptGrant:
    """The assessment given to ``student`` alone, open now for
    ``INDIVIDUAL_WINDOW`` with one attempt, its time limit and settings those of its latest
    assignment in the tracker (to other classes) if any, its key and item analysis never
    shown before the student hands it in. The individual assignment's own
    attempt is the one granted, so the grant records the approval without an assignment (a
    grant on an assignment is an attempt beyond its own)."""
    now = timezone.now()
    like = (
        Assignment.objects.filter(tracker=tracker, assessment=assessment)
        .order_by("-opens_at", "-id")
        .first()
    )
    shown = default_visibility(tracker)
    if like is not None:
        shown = {what: getattr(like, what) for what in shown}
    # A key or item analysis shown "now" (to a class that took the test, or by the tracker's
    # portal) would be open beside the retake: shown once the student has handed it in.
    for what in ("show_answer_key", "show_item_analysis"):
        if shown[what] == Visibility.NOW:
            shown[what] = Visibility.AFTER_ALL
    terms = AssignmentTerms(
        opens_at=now,
        closes_at=now + INDIVIDUAL_WINDOW,
        time_limit_minutes=like.time_limit_minutes if like else None,
        show_assessment=shown["show_assessment"],
        show_answer_key=shown["show_answer_key"],
        show_item_analysis=shown["show_item_analysis"],
        one_item_per_screen=like.one_item_per_screen if like else True,
    )
    assignment = individual_assignment_create(
        actor=actor, tracker=tracker, assessment=assessment, student=student, terms=terms
    )
    grant = AttemptGrant.objects.create(
        tracker=tracker,
        assessment=assessment,
        student=student,
        granted_by=actor,
        request=request,
    )
    audit.record(
        actor=actor,
        action="attempt.granted",
        target=grant,
        summary=f"One more attempt at {assessment.title!r} for {student.username}, "
        f"assigned to them alone as {assignment.test_id}",
        details={"student": student.pk, "individual_assignment": assignment.pk},
    )
    return grant


def _assignments_by_student(
    tracker: Tracker, assessment: Assessment, students: list[int]
) -> dict[int, Assignment]:
    """Each student's latest assignment of ``assessment`` in ``tracker`` (through their
    sections, or given to them alone), two queries."""
    sections: dict[int, set[int]] = {}
    for user_id, section_id in Enrollment.objects.filter(
        user_id__in=students, role=Enrollment.Role.STUDENT, is_active=True
    ).values_list("user_id", "section_id"):
        sections.setdefault(user_id, set()).add(section_id)
    assignments = list(
        Assignment.objects.filter(tracker=tracker, assessment=assessment)
        .prefetch_related("assignment_sections")
        .order_by("-opens_at", "-id")
    )
    found: dict[int, Assignment] = {}
    for student_id, theirs in sections.items():
        for assignment in assignments:
            if assignment.student_id == student_id or (
                {row.section_id for row in assignment.assignment_sections.all()} & theirs
            ):
                found[student_id] = assignment
                break
    return found
