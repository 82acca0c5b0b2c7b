"""A random mix of writes, edits, deletions, overrides and settings changes: 0 mismatches."""

from __future__ import annotations

import contextlib
import datetime
import io
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from masterly.accounts.models import User
from masterly.assessments.models import Evidence
from masterly.mastery import FOUR_LEVEL_SCALE, METHOD_IDS
from masterly.trackers import services
from masterly.trackers.models import Override, RecomputeRun, Rollup, Tracker
from masterly.trackers.scales import scale_to_data
from tests.assessment_factories import DAY, Mastery
from tests.factories import EnrollmentFactory, UserFactory
from tests.queued_tasks import run_queued_tasks

OPERATIONS = 200


def assert_verified() -> None:
    out = io.StringIO()
    call_command("rollups", "verify", stdout=out)  # raises CommandError on any mismatch
    assert out.getvalue().strip().endswith("0 mismatches")


class Scenario:
    def __init__(self, mastery: Mastery, rng: random.Random) -> None:
        world = mastery.world
        self.rng = rng
        self.teacher = world.teacher
        # Students: two in period 1 (both trackers), two in period 2 (the shared one only),
        # and the school B student who is in neither.
        extra_p1 = UserFactory(username="pupil_p1")
        EnrollmentFactory(user=extra_p1, section=world.section)
        extra_p2 = UserFactory(username="pupil_p2")
        EnrollmentFactory(user=extra_p2, section=world.other_section)
        self.students: list[User] = [
            world.student,
            extra_p1,
            world.other_student,
            extra_p2,
            world.school_b_student,
        ]
        self.standards = [mastery.standard_a, mastery.standard_b, mastery.standard_c]
        self.trackers = [mastery.tracker, mastery.shared]

    def record(self) -> None:
        possible = self.rng.choice([4, 10, 100, Decimal("2.5")])
        earned = Decimal(self.rng.randint(0, int(Decimal(possible) * 4))) / 4
        services.evidence_record(
            actor=self.teacher,
            student=self.rng.choice(self.students),
            standard=self.rng.choice(self.standards),
            points_earned=min(earned, Decimal(possible)),
            points_possible=possible,
            # Few distinct dates, so ties broken by entry time and id are common.
            assessed_on=DAY + datetime.timedelta(days=self.rng.randint(0, 6)),
            source=self.rng.choice(["manual", "online", "import"]),
        )

    def _evidence(self, *, deleted: bool) -> Evidence | None:
        ids = list(Evidence.objects.filter(is_deleted=deleted).values_list("pk", flat=True))
        return Evidence.objects.get(pk=self.rng.choice(ids)) if ids else None

    def edit(self) -> None:
        evidence = self._evidence(deleted=False)
        if evidence is None:
            return
        change: dict[str, object] = {}
        if self.rng.random() < 0.7:
            change["points_earned"] = Decimal(self.rng.randint(0, 8)) / 2
            change["points_possible"] = 4
        if self.rng.random() < 0.5:
            change["assessed_on"] = DAY + datetime.timedelta(days=self.rng.randint(0, 6))
        services.evidence_edit(actor=self.teacher, evidence=evidence, reason="regrade", **change)

    def delete(self) -> None:
        evidence = self._evidence(deleted=False)
        if evidence is not None:
            services.evidence_delete(actor=self.teacher, evidence=evidence, reason="mistake")

    def restore(self) -> None:
        evidence = self._evidence(deleted=True)
        if evidence is not None:
            services.evidence_restore(actor=self.teacher, evidence=evidence, reason="undo")

    def override(self) -> None:
        tracker = Tracker.objects.get(pk=self.rng.choice(self.trackers).pk)
        levels = [level.abbreviation for level in tracker.policy().scale.levels]
        # A cell outside the tracker is refused, as it should be.
        with contextlib.suppress(ValidationError):
            services.override_set(
                actor=self.teacher,
                tracker=tracker,
                student=self.rng.choice(self.students),
                standard=self.rng.choice(self.standards),
                level=self.rng.choice(levels),
                reason="teacher judgement",
            )

    def clear(self) -> None:
        active = list(Override.objects.filter(cleared_at__isnull=True))
        if active:
            chosen = self.rng.choice(active)
            services.override_clear(
                actor=self.teacher,
                tracker=chosen.tracker,
                student=chosen.student,
                standard=chosen.standard,
                reason="no longer needed",
            )

    def settings(self) -> None:
        tracker = Tracker.objects.get(pk=self.rng.choice(self.trackers).pk)
        services.tracker_settings_change(
            actor=self.teacher,
            tracker=tracker,
            method=self.rng.choice(METHOD_IDS),
            decay=self.rng.choice(["0.50", "0.65", "0.8", "0.99"]),
            weight=self.rng.choice(["0.01", "0.5", "0.65"]),
            n_mastery=self.rng.randint(1, 3),
            scale=self.rng.choice([None, scale_to_data(FOUR_LEVEL_SCALE)]),
        )

    def step(self) -> None:
        action = self.rng.choices(
            [
                self.record,
                self.edit,
                self.delete,
                self.restore,
                self.override,
                self.clear,
                self.settings,
            ],
            weights=[45, 15, 8, 5, 10, 5, 6],
        )[0]
        action()


@pytest.mark.parametrize("seed", [4, 2026])
@pytest.mark.django_db(transaction=True)
def test_a_random_mix_of_changes_leaves_0_mismatches(mastery: Mastery, seed: int) -> None:
    scenario = Scenario(mastery, random.Random(seed))
    run_queued_tasks()

    for number in range(1, OPERATIONS + 1):
        scenario.step()
        if number % 40 == 0:
            # The worker catches up with the queued recomputes while writes keep coming.
            run_queued_tasks()
            assert_verified()

    run_queued_tasks()
    assert_verified()
    assert Rollup.objects.filter(is_overridden=True).exists() or not Override.objects.exists()
    assert not RecomputeRun.objects.exclude(status__in=["done", "superseded"]).exists()
    assert Evidence.objects.filter(is_deleted=True).exists()
    assert Evidence.objects.filter(version__gt=1).exists()
