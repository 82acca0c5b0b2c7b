"""Scores written while a bulk recompute runs are neither lost nor overwritten."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import connection

from masterly.trackers import services
from masterly.trackers.models import RecomputeRun
from masterly.trackers.rollups import run_recompute
from masterly.trackers.verify import verify
from tests.assessment_factories import Mastery
from tests.factories import EnrollmentFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_evidence_written_during_a_bulk_recompute_is_kept(mastery: Mastery) -> None:
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith("file:"):
        pytest.skip("the in-memory SQLite test database is not shared safely between threads")
    world = mastery.world
    students = [world.student]
    for number in range(20):
        student = UserFactory(username=f"pupil{number}")
        EnrollmentFactory(user=student, section=world.section)
        students.append(student)
    standards = [mastery.standard_a, mastery.standard_b, mastery.standard_c]
    for student in students:
        mastery.record(student=student, standard=mastery.standard_a, earned=50)
    run = services.tracker_settings_change(
        actor=world.teacher, tracker=mastery.tracker, method="average"
    )
    assert run is not None
    errors: list[BaseException] = []

    def recompute() -> None:
        try:
            run_recompute(run.pk, batch_cells=3)  # one student per batch: many transactions
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    def write() -> None:
        rng = random.Random(5)
        try:
            for _ in range(60):
                mastery.record(
                    student=rng.choice(students), standard=rng.choice(standards), earned=90
                )
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=recompute), threading.Thread(target=write)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors
    assert RecomputeRun.objects.get(pk=run.pk).status == RecomputeRun.Status.DONE
    assert [str(m) for m in verify([mastery.tracker.pk])] == []
