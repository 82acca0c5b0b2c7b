"""Whether a version is in use, so never to be changed again (ADR 18).

Today a version is in use once an assessment places it (:class:`AssessmentItem`); delivery
and scoring extend this with their own rows (responses, results) as they arrive.
"""

from __future__ import annotations

from collections.abc import Iterable

from masterly.assessments.items.models import AssessmentItem, ItemVersion


def item_version_in_use(version: ItemVersion) -> bool:
    """Whether any assessment uses ``version`` (one query)."""
    return AssessmentItem.objects.filter(item_version=version).exists()


def versions_in_use(versions: Iterable[int]) -> set[int]:
    """Which of these version ids are in use (one query, for pages listing many)."""
    return set(
        AssessmentItem.objects.filter(item_version__in=list(versions)).values_list(
            "item_version_id", flat=True
        )
    )
