"""The lock of an evidence write finds the same students in a tracker as
``tracker_students`` (the one definition), whoever dropped out and however."""

from __future__ import annotations

from collections.abc import Collection

import pytest
from django.db import transaction

from masterly.accounts.models import User
from masterly.roster.models import Enrollment
from masterly.trackers import rollup_cells
from masterly.trackers.membership import tracker_students
from masterly.trackers.models import Tracker, TrackerStandard
from tests.assessment_factories import Mastery
from tests.factories import EnrollmentFactory, UserFactory

Cell = tuple[int, int]


def _every_cell(mastery: Mastery) -> set[Cell]:
    standards = [mastery.standard_a, mastery.standard_b, mastery.standard_c]
    return {(user.pk, standard.pk) for user in User.objects.all() for standard in standards}


def _locked(cells: Collection[Cell]) -> set[tuple[int, int, int]]:
    with transaction.atomic():
        locked = rollup_cells.lock_cells(cells)
    return {(pk, *cell) for cell, trackers in locked.holding.items() for pk in trackers}


def _by_tracker_students(cells: Collection[Cell]) -> set[tuple[int, int, int]]:
    """What ``tracker_students`` says: the cells of each tracker that is not archived."""
    held = set()
    for tracker in Tracker.objects.filter(is_archived=False):
        students = set(tracker_students(tracker.pk).values_list("user", flat=True))
        standards = set(
            TrackerStandard.objects.filter(tracker=tracker).values_list("standard", flat=True)
        )
        held |= {(tracker.pk, s, d) for s, d in cells if s in students and d in standards}
    return held


@pytest.mark.django_db
def test_lock_cells_and_tracker_students_agree(mastery: Mastery) -> None:
    world = mastery.world
    dropped = UserFactory(username="dropped")
    EnrollmentFactory(user=dropped, section=world.section, is_active=False)
    cells = _every_cell(mastery)
    assert _locked(cells) == _by_tracker_students(cells)
    assert (mastery.tracker.pk, world.student.pk, mastery.standard_a.pk) in _locked(cells)
    assert not {cell for cell in _locked(cells) if cell[1] == dropped.pk}


@pytest.mark.django_db
def test_they_agree_when_a_section_ends(mastery: Mastery) -> None:
    world = mastery.world
    world.other_section.is_active = False
    world.other_section.save(update_fields=["is_active"])
    cells = _every_cell(mastery)
    assert _locked(cells) == _by_tracker_students(cells)
    assert not {cell for cell in _locked(cells) if cell[1] == world.other_student.pk}


@pytest.mark.django_db
def test_they_agree_when_an_enrollment_ends(mastery: Mastery) -> None:
    world = mastery.world
    Enrollment.objects.filter(user=world.other_student).update(is_active=False)
    cells = _every_cell(mastery)
    assert _locked(cells) == _by_tracker_students(cells)
    assert not {cell for cell in _locked(cells) if cell[1] == world.other_student.pk}


@pytest.mark.django_db
def test_an_archived_tracker_is_never_locked(mastery: Mastery) -> None:
    Tracker.objects.filter(pk=mastery.shared.pk).update(is_archived=True)
    cells = _every_cell(mastery)
    assert _locked(cells) == _by_tracker_students(cells)
    assert {pk for pk, _, _ in _locked(cells)} == {mastery.tracker.pk}
