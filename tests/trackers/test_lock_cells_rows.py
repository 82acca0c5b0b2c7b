"""On PostgreSQL an evidence write locks the trackers holding the cells it writes, and no
other tracker of those students or standards."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, transaction

from masterly.trackers import rollup_cells
from masterly.trackers.models import Tracker
from tests.assessment_factories import Mastery, make_tracker


def _locked_elsewhere(trackers: list[Tracker]) -> set[int]:
    """The trackers another connection finds locked (it does not wait for them)."""
    locked: set[int] = set()

    def probe() -> None:
        try:
            for tracker in trackers:
                try:
                    with transaction.atomic():
                        list(Tracker.objects.select_for_update(nowait=True).filter(pk=tracker.pk))
                except DatabaseError:
                    locked.add(tracker.pk)
        finally:
            connection.close()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    return locked


@pytest.mark.django_db(transaction=True)
def test_only_the_trackers_of_the_written_cells_are_locked(mastery: Mastery) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite locks the whole database for a writer")
    world = mastery.world
    # Holds (student, A) only: a pair of the students × standards, not a written cell.
    bystander = make_tracker(world.teacher, [world.section], [mastery.standard_a], name="A only")
    written = {
        (world.student.pk, mastery.standard_c.pk),  # tracker
        (world.other_student.pk, mastery.standard_a.pk),  # shared
    }
    trackers = [mastery.tracker, mastery.shared, bystander]
    with transaction.atomic():
        locked = rollup_cells.lock_cells(written)
        assert set(locked.trackers) == {mastery.tracker.pk, mastery.shared.pk}
        assert _locked_elsewhere(trackers) == {mastery.tracker.pk, mastery.shared.pk}
    with transaction.atomic():
        rollup_cells.lock_cells(written, tracker_id=mastery.shared.pk)
        assert _locked_elsewhere(trackers) == {mastery.shared.pk}
    assert _locked_elsewhere(trackers) == set()
