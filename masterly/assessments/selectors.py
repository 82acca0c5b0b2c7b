"""Reads of assessments' data that pages need (the callers decide whose students)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from masterly.assessments.items.models import ItemStandard
from masterly.assessments.models import Accommodations, AssessmentStandard


def accommodations_of(students: Iterable[int], school_year: int) -> dict[int, list[str]]:
    """Each student's tools on for the school year (a student with none is left out)."""
    return dict(
        Accommodations.objects.filter(
            student__in=list(students), school_year=school_year
        ).values_list("student_id", "tools")
    )


def extended_time_factors_of(students: Iterable[int], school_year: int) -> dict[int, Decimal]:
    """Each student's extended time factor for the school year (a student with no row is left
    out: theirs is the default)."""
    return dict(
        Accommodations.objects.filter(
            student__in=list(students), school_year=school_year
        ).values_list("student_id", "extended_time_factor")
    )


def standard_codes_of(assessment_ids: Iterable[int]) -> dict[int, list[str]]:
    """Each assessment's standards, as their codes in order: those it is aligned to and
    those its items are (an online test built from items is aligned to them only once
    answers are scored). Two queries for any number of assessments."""
    ids = list(assessment_ids)
    pairs = set(
        AssessmentStandard.objects.filter(assessment__in=ids).values_list(
            "assessment_id", "standard__human_coding_scheme", "standard__identifier"
        )
    )
    pairs.update(
        ItemStandard.objects.filter(version__placements__assessment__in=ids).values_list(
            "version__placements__assessment_id",
            "standard__human_coding_scheme",
            "standard__identifier",
        )
    )
    codes: dict[int, set[str]] = {}
    for assessment_id, code, identifier in pairs:
        codes.setdefault(assessment_id, set()).add(code or identifier)
    return {assessment_id: sorted(found) for assessment_id, found in codes.items()}
