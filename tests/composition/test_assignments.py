"""Assigning: to the tracker's own classes by its owner, a Test ID without look-alikes,
visibility defaulting from the tracker, excusing, and changes that keep what is safe."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from masterly.assessments.models import Assessment, Attempt
from masterly.core.models import AuditEvent
from masterly.trackers.assignments import Assignment, Excusal, Visibility
from masterly.trackers.models import PortalShow, Tracker, TrackerAssessment
from masterly.trackers.selectors.assignments import (
    assigned_students,
    assignment_by_test_id,
    assignment_status,
    tracker_assignments,
)
from masterly.trackers.selectors.student_assignments import student_assignments_in
from masterly.trackers.services.assignments import (
    AssignmentTerms,
    assignment_change,
    assignment_create,
    student_excuse,
    student_unexcuse,
)
from masterly.trackers.test_ids import ALPHABET
from tests.assessment_factories import make_tracker
from tests.composition.conftest import Compose
from tests.conftest import World
from tests.items.conftest import Tree

NOW = timezone.make_aware(datetime.datetime(2026, 10, 5, 9, 0))
HOUR = datetime.timedelta(hours=1)


def terms(**kwargs: object) -> AssignmentTerms:
    fields: dict[str, object] = {"opens_at": NOW - HOUR, "closes_at": NOW + HOUR}
    fields.update(kwargs)
    return AssignmentTerms(**fields)  # type: ignore[arg-type]


def assign(world: World, tracker: Tracker, assessment: Assessment, **kwargs: object) -> Assignment:
    return assignment_create(
        actor=world.teacher,
        tracker=tracker,
        assessment=assessment,
        sections=[world.section],
        terms=terms(**kwargs),
    )


def test_assigning_gives_it_in_the_tracker_with_a_typeable_test_id(
    world: World, tree: Tree, compose: Compose, tracker: Tracker
) -> None:
    assessment = compose(tree.rp_a_1)

    assignment = assign(world, tracker, assessment, attempts_allowed=2, time_limit_minutes=40)

    assert len(assignment.test_id) == 6 and set(assignment.test_id) <= set(ALPHABET)
    assert not set("01OILZS58BUV") & set(ALPHABET)
    assert TrackerAssessment.objects.filter(tracker=tracker, assessment=assessment).exists()
    assert list(assignment.sections.all()) == [world.section]
    assert (assignment.attempts_allowed, assignment.time_limit_minutes) == (2, 40)
    assert AuditEvent.objects.filter(action="assignment.created", object_id=assignment.pk).exists()
    # Given through the tracker's one service: its audit row, once however often assigned.
    assign(world, tracker, assessment)
    given = AuditEvent.objects.filter(action="tracker.assessment_given", object_id=tracker.pk)
    assert given.count() == 1


def test_visibility_defaults_from_the_trackers_portal_settings(
    world: World, tree: Tree, compose: Compose, tracker: Tracker
) -> None:
    tracker.portal_assessments = PortalShow.ALWAYS
    tracker.portal_answer_key = PortalShow.AFTER_ALL
    tracker.portal_item_analysis = PortalShow.NEVER
    tracker.save()

    chosen = assign(world, tracker, compose(tree.rp_a_1), show_item_analysis=Visibility.AFTER_CLOSE)

    assert (chosen.show_assessment, chosen.show_answer_key, chosen.show_item_analysis) == (
        Visibility.NOW,
        Visibility.AFTER_ALL,
        Visibility.AFTER_CLOSE,
    )


def test_only_the_trackers_owner_assigns_and_only_to_its_classes(
    world: World, tree: Tree, compose: Compose, tracker: Tracker
) -> None:
    assessment = compose(tree.rp_a_1)
    assessment.scope = "school"
    assessment.save()
    others = make_tracker(world.other_teacher, [world.other_section], [tree.rp_a_1])

    with pytest.raises(PermissionDenied):
        assignment_create(
            actor=world.teacher,
            tracker=others,
            assessment=assessment,
            sections=[world.other_section],
            terms=terms(),
        )
    with pytest.raises(ValidationError) as refused:
        assignment_create(
            actor=world.teacher,
            tracker=tracker,
            assessment=assessment,
            sections=[world.other_section],
            terms=terms(),
        )
    assert refused.value.message_dict["sections"] == ["Assign only to the tracker's own classes."]
    with pytest.raises(ValidationError) as refused:
        assign(world, tracker, assessment, closes_at=NOW - 2 * HOUR)
    assert refused.value.message_dict["closes_at"] == ["The window must close after it opens."]
    with pytest.raises(ValidationError) as refused:
        assign(world, tracker, assessment, attempts_allowed=11)
    assert refused.value.message_dict["attempts_allowed"] == ["Allow 1 to 10 attempts."]
    assert not Assignment.objects.exists() and not TrackerAssessment.objects.exists()


def test_a_teacher_cannot_assign_another_teachers_own_assessment(
    world: World, tree: Tree, compose: Compose
) -> None:
    assessment = compose(tree.rp_a_1)  # world.teacher's, "only me"
    theirs = make_tracker(world.other_teacher, [world.other_section], [tree.rp_a_1])

    with pytest.raises(PermissionDenied):
        assignment_create(
            actor=world.other_teacher,
            tracker=theirs,
            assessment=assessment,
            sections=[world.other_section],
            terms=terms(),
        )
    assert not Assignment.objects.exists()


def test_the_test_id_is_found_however_typed_while_open(
    world: World, tree: Tree, compose: Compose, tracker: Tracker
) -> None:
    assignment = assign(world, tracker, compose(tree.rp_a_1))
    typed = f" {assignment.test_id[:3].lower()} {assignment.test_id[3:].lower()} "

    assert assignment_by_test_id(typed, NOW) == assignment
    assert assignment_by_test_id(typed, NOW + 2 * HOUR) is None  # closed
    assert (
        assignment_by_test_id("XXXXXX" if assignment.test_id != "XXXXXX" else "YYYYYY", NOW) is None
    )
    assert [assignment_status(assignment, t) for t in (NOW - 2 * HOUR, NOW, NOW + 2 * HOUR)] == [
        "upcoming",
        "open",
        "closed",
    ]


def seen(world: World, tracker: Tracker, what: str, now: datetime.datetime) -> bool:
    """Whether the student (and their family) may see ``what`` of their one assignment."""
    (view,) = student_assignments_in(world.student, tracker, now)
    return view.visible(what)


@pytest.mark.parametrize(
    ("rule", "before_close", "after_close"),
    [
        (Visibility.NEVER, False, False),
        (Visibility.NOW, True, True),
        (Visibility.AFTER_CLOSE, False, True),
    ],
)
def test_visibility_by_time(
    world: World,
    tree: Tree,
    compose: Compose,
    tracker: Tracker,
    rule: str,
    before_close: bool,
    after_close: bool,
) -> None:
    assign(world, tracker, compose(tree.rp_a_1), show_answer_key=rule)

    assert seen(world, tracker, "answer_key", NOW) is before_close
    assert seen(world, tracker, "answer_key", NOW + 2 * HOUR) is after_close


def test_once_all_have_finished_or_been_excused(
    world: World, tree: Tree, compose: Compose, tree_student_two: object, tracker: Tracker
) -> None:
    assessment = compose(tree.rp_a_1)
    assignment = assign(world, tracker, assessment, show_item_analysis=Visibility.AFTER_ALL)
    second = tree_student_two

    assert not seen(world, tracker, "item_analysis", NOW)
    Attempt.objects.create(assessment=assessment, student=world.student, submitted_at=NOW)
    assert not seen(world, tracker, "item_analysis", NOW)  # the second has not
    student_excuse(actor=world.teacher, assignment=assignment, student=second, reason="Absent")  # type: ignore[arg-type]
    assert seen(world, tracker, "item_analysis", NOW)
    assert [(s["finished"], s["excused"]) for s in assigned_students(assignment)] == [
        (True, False),
        (False, True),
    ]

    student_unexcuse(actor=world.teacher, assignment=assignment, student=second)  # type: ignore[arg-type]
    assert not seen(world, tracker, "item_analysis", NOW)
    actions = list(
        AuditEvent.objects.filter(object_id=assignment.pk).values_list("action", flat=True)
    )
    assert "assignment.excused" in actions and "assignment.unexcused" in actions


def test_only_assigned_students_are_excused(
    world: World, tree: Tree, compose: Compose, tracker: Tracker
) -> None:
    assignment = assign(world, tracker, compose(tree.rp_a_1))

    with pytest.raises(ValidationError, match="not assigned"):
        student_excuse(actor=world.teacher, assignment=assignment, student=world.other_student)
    with pytest.raises(PermissionDenied):
        student_excuse(actor=world.other_teacher, assignment=assignment, student=world.student)
    assert not Excusal.objects.exists()


def test_after_students_start_the_window_changes_but_attempts_never_drop_below_use(
    world: World, tree: Tree, compose: Compose, tracker: Tracker
) -> None:
    assessment = compose(tree.rp_a_1)
    assignment = assign(world, tracker, assessment, attempts_allowed=3)
    for number in (1, 2):
        Attempt.objects.create(assessment=assessment, student=world.student, number=number)

    with pytest.raises(ValidationError) as refused:
        assignment_change(
            actor=world.teacher, assignment=assignment, terms=terms(attempts_allowed=1)
        )
    assert refused.value.message_dict["attempts_allowed"] == [
        "A student has already used 2 attempts; allow at least 2."
    ]
    assert Assignment.objects.get(pk=assignment.pk).attempts_allowed == 3

    later = NOW + 24 * HOUR
    assignment_change(
        actor=world.teacher,
        assignment=assignment,
        terms=terms(closes_at=later, attempts_allowed=2, show_assessment=Visibility.NOW),
    )
    saved = Assignment.objects.get(pk=assignment.pk)
    assert (saved.closes_at, saved.attempts_allowed, saved.show_assessment) == (
        later,
        2,
        Visibility.NOW,
    )


def test_the_trackers_list_counts_finished_and_excused(
    world: World, tree: Tree, compose: Compose, tree_student_two: object, tracker: Tracker
) -> None:
    assessment = compose(tree.rp_a_1)
    assignment = assign(world, tracker, assessment)
    Attempt.objects.create(assessment=assessment, student=world.student, submitted_at=NOW)
    student_excuse(actor=world.teacher, assignment=assignment, student=tree_student_two)  # type: ignore[arg-type]

    [line] = tracker_assignments(tracker, NOW)

    assert (line.status, line.assigned, line.finished, line.excused) == ("open", 2, 1, 1)
