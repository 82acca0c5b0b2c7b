"""Changing a tracker's method recomputes its rollups on the real task queue, with progress."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from masterly.core.models import AuditEvent
from masterly.mastery import calculate_values
from masterly.trackers import services
from masterly.trackers.models import RecomputeRun, Rollup, Tracker
from masterly.trackers.rollups import run_recompute
from masterly.trackers.selectors.cells import override_history
from masterly.trackers.selectors.trackers import recompute_progress
from tests.assessment_factories import DAY, Mastery, StandardFactory, make_tracker
from tests.factories import PASSWORD, EnrollmentFactory, UserFactory
from tests.queued_tasks import run_queued_tasks

SCORES = [(30, 90, 60), (100, 20), (55,)]


def _fill(mastery: Mastery) -> dict[tuple[int, int], tuple[int, ...]]:
    """Evidence for student on A, B, C (and other_student on A) of ``SCORES``."""
    cells = {}
    for standard, scores in zip(
        (mastery.standard_a, mastery.standard_b, mastery.standard_c), SCORES, strict=True
    ):
        for day, earned in enumerate(scores):
            mastery.record(standard=standard, earned=earned, on=DAY + datetime.timedelta(days=day))
        cells[(mastery.world.student.pk, standard.pk)] = scores
    return cells


@pytest.mark.django_db(transaction=True)
def test_decaying_average_to_highest_recomputes_through_the_queue(mastery: Mastery) -> None:
    run_queued_tasks()  # the trackers' creation recomputes: nothing to do yet
    cells = _fill(mastery)
    tracker = mastery.tracker
    before = dict(Rollup.objects.filter(tracker=tracker).values_list("standard", "score"))
    assert before[mastery.standard_a.pk] == calculate_values([30, 90, 60]).percent

    run = services.tracker_settings_change(
        actor=mastery.world.teacher, tracker=tracker, method="highest"
    )

    assert run is not None and run.status == RecomputeRun.Status.QUEUED
    assert recompute_progress(tracker) == run.progress()
    assert Tracker.objects.get(pk=tracker.pk).settings_version == 2
    run.refresh_from_db()
    assert run.task_id  # enqueued once the change committed
    # Until the worker runs, the stored rollups are those of the old method.
    assert (
        Rollup.objects.get(tracker=tracker, standard=mastery.standard_a).score
        == before[mastery.standard_a.pk]
    )

    run_queued_tasks()

    run.refresh_from_db()
    assert run.status == RecomputeRun.Status.DONE
    assert run.total_cells == 1 * 3  # one student × three standards
    assert run.done_cells == run.total_cells and run.percent_done == 100
    assert run.started_at and run.finished_at and run.finished_at >= run.started_at
    stored = {(r.student_id, r.standard_id): r for r in Rollup.objects.filter(tracker=tracker)}
    assert set(stored) == set(cells)
    for key, scores in cells.items():
        assert stored[key].score == Decimal(max(scores)).quantize(Decimal("0.01"))
        assert stored[key].level == calculate_values(scores, "highest").level.abbreviation
        assert stored[key].generation == Tracker.objects.get(pk=tracker.pk).rollup_generation
    audit = AuditEvent.objects.get(action="tracker.settings_changed")
    assert audit.details["old"] == {"method": "decaying_average"}
    assert audit.details["new"] == {"method": "highest"}
    call_command("rollups", "verify", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_scale_change_recomputes_levels_and_drops_overrides_it_no_longer_has(
    mastery: Mastery,
) -> None:
    teacher, student = mastery.world.teacher, mastery.world.student
    four_levels = [
        {"name": "Advanced", "abbreviation": "A", "cut": "90"},
        {"name": "Mastery", "abbreviation": "M", "cut": "80", "is_mastery": True},
        {"name": "Near Mastery", "abbreviation": "NM", "cut": "50"},
        {"name": "Remediation", "abbreviation": "R", "cut": "0"},
    ]
    services.tracker_settings_change(actor=teacher, tracker=mastery.tracker, scale=four_levels)
    run_queued_tasks()
    mastery.record(earned=95)
    services.override_set(
        actor=teacher,
        tracker=mastery.tracker,
        student=student,
        standard=mastery.standard_a,
        level="A",
        reason="Extension work",
    )
    assert Rollup.objects.get(tracker=mastery.tracker, standard=mastery.standard_a).level == "A"

    services.tracker_settings_change(actor=teacher, tracker=mastery.tracker, scale=None)
    run_queued_tasks()

    rollup = Rollup.objects.get(tracker=mastery.tracker, standard=mastery.standard_a)
    assert (rollup.level, rollup.computed_level, rollup.is_overridden) == ("M", "M", False)
    cleared = override_history(mastery.tracker, student, mastery.standard_a).get()
    assert not cleared.is_active and "no longer has this level" in cleared.clear_reason
    call_command("rollups", "verify", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_bulk_recompute_works_in_batches_and_removes_cells_that_no_longer_exist(
    mastery: Mastery,
) -> None:
    world = mastery.world
    students = [world.student]
    for number in range(7):
        student = UserFactory(username=f"pupil{number}")
        EnrollmentFactory(user=student, section=world.section)
        students.append(student)
    extra = StandardFactory()
    tracker = make_tracker(
        world.teacher,
        [world.section],
        [mastery.standard_a, mastery.standard_b, extra],
        name="Batched",
    )
    run_queued_tasks()
    for index, student in enumerate(students):
        for standard in (mastery.standard_a, extra):
            mastery.record(student=student, standard=standard, earned=10 * index)
    # A stale row for a standard that leaves the tracker, written by an older generation.
    tracker.tracker_standards.filter(standard=extra).delete()

    run = services.tracker_recompute(actor=world.teacher, tracker=tracker, reason="standards")
    run = run_recompute(run.pk, batch_cells=5)  # 2 students × 2 standards per batch

    assert run.status == RecomputeRun.Status.DONE
    assert (run.total_cells, run.done_cells) == (16, 16)
    assert run.rollups_written == 8
    assert set(Rollup.objects.filter(tracker=tracker).values_list("standard", flat=True)) == {
        mastery.standard_a.pk
    }
    run_queued_tasks()  # the queued duplicate finds its run already done
    call_command("rollups", "verify", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_an_older_queued_run_gives_way_to_a_newer_one(mastery: Mastery) -> None:
    run_queued_tasks()
    teacher = mastery.world.teacher
    first = services.tracker_settings_change(actor=teacher, tracker=mastery.tracker, decay="0.8")
    second = services.tracker_settings_change(
        actor=teacher, tracker=mastery.tracker, method="average"
    )
    assert first is not None and second is not None

    run_queued_tasks()

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("superseded", "done")
    assert (
        services.tracker_settings_change(actor=teacher, tracker=mastery.tracker, method="average")
        is None
    )  # nothing changed, nothing queued


@pytest.mark.urls("tests.trackers.progress_urls")
@pytest.mark.django_db(transaction=True)
def test_the_owner_sees_the_progress_page_and_nobody_else(mastery: Mastery, client: Client) -> None:
    run = services.tracker_settings_change(
        actor=mastery.world.teacher, tracker=mastery.tracker, method="highest"
    )
    assert run is not None
    url = reverse("trackers:recompute_progress", args=[mastery.tracker.pk, run.pk])

    client.login(username="teacher", password=PASSWORD)
    page = client.get(url)
    assert page.status_code == 200
    assert b'http-equiv="refresh"' in page.content
    assert b"Waiting to start" in page.content

    run_queued_tasks()
    page = client.get(url)
    assert b"Done" in page.content and b'http-equiv="refresh"' not in page.content
    data = client.get(url, {"format": "json"}).json()
    assert data["status"] == "done" and data["done_cells"] == data["total_cells"] == 3

    client.logout()
    client.login(username="other_teacher", password=PASSWORD)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


def test_a_failed_recompute_says_so_and_keeps_the_old_rollups(mastery: Mastery) -> None:
    mastery.record(earned=70)
    run = services.tracker_recompute(
        actor=mastery.world.teacher, tracker=mastery.tracker, reason="check"
    )
    # A scale stored around the services (they would refuse it) makes the engine fail.
    Tracker.objects.filter(pk=mastery.tracker.pk).update(scale=[{"name": "only"}])

    with pytest.raises(ValueError, match="each level needs abbreviation, cut"):
        run_recompute(run.pk)

    run.refresh_from_db()
    assert run.status == RecomputeRun.Status.FAILED and run.is_finished
    assert "ScaleError" in run.error and run.percent_done == 0
    assert Rollup.objects.get(tracker=mastery.tracker).score == Decimal("70.00")
    assert run_recompute(run.pk).status == RecomputeRun.Status.FAILED  # not run twice
