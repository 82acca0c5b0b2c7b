"""Reads of assessments being composed, always for an acting user.

Who may see an assessment: its author; with scope "school" or "district", that school's or
district's staff (as the item bank, ``items.selectors``); and whoever the caller adds (the
teachers of a tracker it is given in: ``also``, since trackers sit above this app). Only its
author changes it. Students and guardians never see an assessment here. The composer's page
is a fixed number of queries whatever the assessment holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import ngettext

from masterly.accounts.models import User
from masterly.assessments.composition.models import AssessmentSection
from masterly.assessments.items.models import (
    AssessmentItem,
    Choice,
    ItemImage,
    ItemStandard,
    ItemVersion,
    RubricCriterion,
    RubricLevel,
)
from masterly.assessments.items.selectors import may_use_bank, shared_with
from masterly.assessments.models import Assessment, Attempt
from masterly.roster import access
from masterly.standards.models import Standard

PAGE_SIZE = 20


def visible_assessments(
    user: access.AnyUser, *, also: QuerySet | None = None
) -> QuerySet[Assessment]:
    if not may_use_bank(user):
        return Assessment.objects.none()
    seen = shared_with(user, owner="created_by")
    if also is not None:
        seen |= Q(pk__in=also)
    return Assessment.objects.filter(seen)


def can_edit_assessment(user: access.AnyUser, assessment: Assessment) -> bool:
    return isinstance(user, User) and user.is_active and assessment.created_by_id == user.pk


def assessment_or_404(
    user: access.AnyUser, pk: int | str, *, also: QuerySet | None = None
) -> Assessment:
    try:
        return visible_assessments(user, also=also).select_related("created_by").get(pk=int(pk))
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise Http404("No such assessment.") from None


def my_assessments_page(
    user: User, *, mine_only: bool, number: str | int | None, also: QuerySet | None = None
) -> Page:
    """A page of the assessments ``user`` may see (or only their own), newest change first."""
    found = visible_assessments(user, also=also)
    if mine_only:
        found = found.filter(created_by=user)
    found = found.select_related("created_by").order_by("-updated_at", "-pk")
    return Paginator(found, PAGE_SIZE).get_page(number)


def has_answers(assessment: Assessment) -> bool:
    """Whether any student has started it, so its items' versions must stay as they are.
    (Responses, when they arrive, are part of an attempt.)"""
    return Attempt.objects.filter(assessment=assessment).exists()


# ------------------------------------------------------------------ the composition


@dataclass
class Placed:
    row: AssessmentItem
    version: ItemVersion
    number: int  # the item's number in the whole test (1, 2, …)
    newer: ItemVersion | None  # the item's current version, when it is newer than this one
    stimulus_first: bool  # the first item of a run sharing a stimulus: print it here
    # When this run's stimulus was printed before an earlier run: that run's first item
    # number (a printed test refers back to it rather than printing the passage again).
    stimulus_printed_at: int | None = None

    @property
    def points(self) -> Decimal:
        return version_points(self.version)

    @property
    def points_label(self) -> str:
        return points_label(self.points)


def points_label(points: Decimal) -> str:
    """ "1 point", "2 points", "1.5 points"."""
    return ngettext("%(p)s point", "%(p)s points", 1 if points == 1 else 2) % {
        "p": f"{points.normalize():f}"
    }


@dataclass
class Part:
    section: AssessmentSection
    placed: list[Placed] = field(default_factory=list)


def version_alignments(version: ItemVersion) -> list[tuple[Standard, Decimal]]:
    """The standards an item's points go toward: its alignments; for a rubric, each
    criterion's standard with its best level's points."""
    if version.interaction == "extended":
        return [
            (c.standard, max((lvl.points for lvl in c.levels.all()), default=Decimal(0)))
            for c in version.criteria.all()
        ]
    return [(a.standard, a.points) for a in version.alignments.all()]


def version_points(version: ItemVersion) -> Decimal:
    return sum((points for _, points in version_alignments(version)), Decimal(0))


def composition(assessment: Assessment) -> list[Part]:
    """The sections in order, each with its items in order (versions with choices, standards,
    rubric and images), numbered through the test: five queries whatever its size."""
    sections = list(AssessmentSection.objects.filter(assessment=assessment).order_by("number"))
    rows = list(
        AssessmentItem.objects.filter(assessment=assessment)
        .select_related("item_version__stimulus", "item_version__item__current")
        .prefetch_related(
            Prefetch("item_version__choices", queryset=Choice.objects.order_by("position")),
            Prefetch(
                "item_version__alignments",
                queryset=ItemStandard.objects.select_related("standard").order_by(
                    "standard__tree_path", "pk"
                ),
            ),
            Prefetch(
                "item_version__criteria",
                queryset=RubricCriterion.objects.select_related("standard")
                .order_by("position")
                .prefetch_related(
                    Prefetch("levels", queryset=RubricLevel.objects.order_by("position"))
                ),
            ),
        )
        .order_by("section", "position")
    )
    parts = {s.number: Part(s) for s in sections}
    last_stimulus = None
    printed_at: dict[int, int] = {}  # stimulus id → the number of the item it came before
    for number, row in enumerate(rows, start=1):
        part = parts.get(row.section)
        if part is None:  # an item left in a section number with no row: show it last
            part = parts[row.section] = Part(
                AssessmentSection(assessment=assessment, number=row.section)
            )
        version = row.item_version
        current = version.item.current
        first = version.stimulus_id is not None and version.stimulus_id != last_stimulus
        part.placed.append(
            Placed(
                row=row,
                version=version,
                number=number,
                newer=current if current is not None and current.number > version.number else None,
                stimulus_first=first,
                stimulus_printed_at=printed_at.get(version.stimulus_id or 0) if first else None,
            )
        )
        if first and version.stimulus_id is not None:
            printed_at.setdefault(version.stimulus_id, number)
        last_stimulus = version.stimulus_id
    return [parts[n] for n in sorted(parts)]


def assessment_image(assessment: Assessment, image_id: str) -> tuple[bytes, str] | None:
    """An image one of the assessment's items shows (for its PDF), or None."""
    image = (
        ItemImage.objects.filter(versions__placements__assessment=assessment, pk=int(image_id))
        .only("data", "content_type")
        .first()
    )
    return None if image is None else (bytes(image.data), image.content_type)
