"""Reads of assessments' data that pages need (the callers decide whose students)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from masterly.assessments.models import Accommodations


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
