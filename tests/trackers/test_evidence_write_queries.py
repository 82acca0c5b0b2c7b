"""An evidence write costs the same fixed number of queries however much evidence exists."""

from __future__ import annotations

import datetime

from pytest_django import DjangoAssertNumQueries

from masterly.trackers import services
from tests.assessment_factories import DAY, Mastery

# Inside a test the service's transaction is a savepoint: SAVEPOINT and RELEASE count too.
SAVEPOINT = 2
# Lock the trackers holding the cell, insert the evidence, its revision and an audit row,
# read the cell's evidence and overrides, upsert the rollups of both trackers, mark their
# dashboard counts stale.
RECORD_QUERIES = SAVEPOINT + 8
# Lock the trackers and the evidence, update it, insert a revision and an audit row, read
# the cell's evidence and overrides, upsert, mark the dashboard counts stale.
EDIT_QUERIES = SAVEPOINT + 9


def _prior(mastery: Mastery, standard: object, count: int) -> None:
    for day in range(count):
        mastery.record(standard=standard, earned=day % 100, on=DAY + datetime.timedelta(days=day))


def test_recording_costs_the_same_with_1_or_20_prior_scores(
    mastery: Mastery, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _prior(mastery, mastery.standard_a, 1)
    _prior(mastery, mastery.standard_b, 20)

    with django_assert_num_queries(RECORD_QUERIES):
        mastery.record(standard=mastery.standard_a, earned=50)
    with django_assert_num_queries(RECORD_QUERIES):
        mastery.record(standard=mastery.standard_b, earned=50)


def test_editing_costs_the_same_with_1_or_20_prior_scores(
    mastery: Mastery, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    _prior(mastery, mastery.standard_a, 1)
    _prior(mastery, mastery.standard_b, 20)
    few = mastery.record(standard=mastery.standard_a, earned=50)
    many = mastery.record(standard=mastery.standard_b, earned=50)
    teacher = mastery.world.teacher

    for evidence in (few, many):
        with django_assert_num_queries(EDIT_QUERIES):
            services.evidence_edit(actor=teacher, evidence=evidence, reason="r", points_earned=60)


def test_a_cell_in_no_tracker_costs_only_the_writes(
    mastery: Mastery, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    with django_assert_num_queries(SAVEPOINT + 4):  # no tracker; evidence, revision, audit
        mastery.record(student=mastery.world.school_b_student)
