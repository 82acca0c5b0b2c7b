"""The accommodations a student has on an assignment: their tools for the school year of the
assignment's tracker, extended time's factor, and reduced answer choices."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from masterly.assessments import services
from masterly.assessments.models import Accommodations, Choice, Tool
from masterly.assessments.taking.accommodations import (
    options_shown,
    student_tools,
    time_limit_factor,
)
from masterly.core.models import AuditEvent
from tests.conftest import World
from tests.taking_tools.conftest import SCHOOL_YEAR, Taking

pytestmark = pytest.mark.django_db


def _set(world: World, year: int, *tools: str, factor: Decimal | None = None) -> list[int]:
    return services.accommodations_set(
        actor=world.teacher,
        school_year=year,
        tools={world.student.pk: list(tools)},
        factors={world.student.pk: factor} if factor is not None else None,
    )


def test_a_student_without_accommodations_has_no_tools_and_no_extra_time(
    world: World, taking: Taking
) -> None:
    assert student_tools(world.student, taking.assignment) == frozenset()
    assert time_limit_factor(world.student, taking.assignment) == Decimal(1)


def test_the_tools_are_those_of_the_assignments_school_year(world: World, taking: Taking) -> None:
    _set(world, SCHOOL_YEAR, Tool.TEXT_TO_SPEECH, Tool.CALCULATOR)
    _set(world, SCHOOL_YEAR - 1, Tool.MAGNIFIER)  # last year's: not this assignment's
    assert student_tools(world.student, taking.assignment) == {"text_to_speech", "calculator"}
    assert student_tools(world.student.pk, taking.assignment) == {"text_to_speech", "calculator"}
    # Another student's tools are theirs alone.
    assert student_tools(world.other_student, taking.assignment) == frozenset()


def test_extended_time_multiplies_by_the_teachers_factor_only_when_on(
    world: World, taking: Taking
) -> None:
    _set(world, SCHOOL_YEAR, Tool.CALCULATOR, factor=Decimal(2))
    assert time_limit_factor(world.student, taking.assignment) == Decimal(1)
    _set(world, SCHOOL_YEAR, Tool.CALCULATOR, Tool.EXTENDED_TIME, factor=Decimal(2))
    assert time_limit_factor(world.student, taking.assignment) == Decimal(2)
    # Turned on without a factor: the default, one and a half times.
    _set(world, SCHOOL_YEAR + 1, Tool.EXTENDED_TIME)
    assert Accommodations.objects.get(
        student=world.student, school_year=SCHOOL_YEAR + 1
    ).extended_time_factor == Decimal("1.5")


def test_a_factor_change_alone_is_saved_and_audited(world: World, taking: Taking) -> None:
    _set(world, SCHOOL_YEAR, Tool.EXTENDED_TIME)
    assert _set(world, SCHOOL_YEAR, Tool.EXTENDED_TIME, factor=Decimal(3)) == [world.student.pk]
    event = AuditEvent.objects.filter(action="accommodations.changed").latest("pk")
    assert event.details["old"] == {str(world.student.pk): ["extended_time ×1.50"]}
    assert event.details["new"] == {str(world.student.pk): ["extended_time ×3"]}
    assert _set(world, SCHOOL_YEAR, Tool.EXTENDED_TIME, factor=Decimal(3)) == []


@pytest.mark.parametrize("factor", [Decimal("1.1"), Decimal(0), Decimal(-2), Decimal(10)])
def test_a_factor_not_offered_is_refused_with_nothing_saved(
    world: World, taking: Taking, factor: Decimal
) -> None:
    with pytest.raises(ValidationError, match="extended time factor"):
        _set(world, SCHOOL_YEAR, Tool.EXTENDED_TIME, factor=factor)
    assert not Accommodations.objects.exists()


def test_the_database_refuses_a_factor_not_offered(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Accommodations.objects.create(
            student=world.student, school_year=SCHOOL_YEAR, extended_time_factor=Decimal("1.1")
        )


def test_reduced_answer_choices_drop_only_the_authored_options(taking: Taking) -> None:
    every = options_shown(taking.version, reduced=False)
    assert [c.content_source for c in every] == ["7", "12", "1"]
    reduced = options_shown(taking.version, reduced=True)
    assert [c.content_source for c in reduced] == ["7", "1"]
    assert any(c.is_correct for c in reduced)


def test_the_correct_option_can_never_be_dropped(taking: Taking) -> None:
    key = Choice.objects.get(version=taking.version, is_correct=True)
    key.dropped_when_reduced = True
    with pytest.raises(IntegrityError), transaction.atomic():
        key.save(update_fields=["dropped_when_reduced"])


def test_options_shown_reads_prefetched_choices_without_a_query(
    taking: Taking, django_assert_num_queries: object
) -> None:
    from django.db.models import prefetch_related_objects

    prefetch_related_objects([taking.version], "choices")
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert len(options_shown(taking.version, reduced=True)) == 2
