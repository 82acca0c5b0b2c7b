"""Reads of the item bank, always for an acting user, through ``masterly.roster.access``.

Who may see an item: its owner; with scope "school", the staff of its school (teachers,
its leaders, the district's admins); with scope "district", the staff of any school of its
district and its admins. Students and guardians never see the bank. A search is a fixed
number of queries whatever the page holds (ADR 18).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import CharField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.functional import cached_property

from masterly.accounts.models import User
from masterly.assessments.items.models import (
    Choice,
    Item,
    ItemImage,
    ItemStandard,
    ItemVersion,
    RubricCriterion,
    Scope,
    Stimulus,
)
from masterly.assessments.models import AssessmentItem, Attempt
from masterly.roster import access
from masterly.roster.models import Org, Role, RoleAssignment
from masterly.standards.models import Standard
from masterly.standards.text import code_key, prefix_upper_bound

PAGE_SIZE = 20
COUNT_CAP = 1_000


def _visible(user: access.AnyUser) -> Q:
    return shared_with(user)


def shared_with(user: access.AnyUser, *, owner: str = "owner") -> Q:
    """Rows with an owner and a sharing scope (items, stimuli, assessments) ``user`` may see:
    their own, and those shared with their school or district; nothing for non-staff."""
    if not access.held_roles(user) & set(access.STAFF_ROLES):
        return access.NOTHING
    schools, districts = access.staff_orgs(user, "school", "district")
    return (
        Q(**{owner: user})
        | (Q(scope=Scope.SCHOOL) & schools)
        | (Q(scope=Scope.DISTRICT) & districts)
    )


def may_use_bank(user: access.AnyUser) -> bool:
    return bool(access.held_roles(user) & set(access.STAFF_ROLES))


def visible_items(user: access.AnyUser) -> QuerySet[Item]:
    return Item.objects.filter(_visible(user))


def visible_stimuli(user: access.AnyUser) -> QuerySet[Stimulus]:
    return Stimulus.objects.filter(_visible(user))


def visible_images(user: access.AnyUser) -> QuerySet[ItemImage]:
    """Images the user uploaded, and those of any version of an item they may see; for a
    student or guardian, those in the assessments they (or their linked children) took."""
    if not may_use_bank(user):
        return _images_taken(user)
    seen = ItemVersion.images.through.objects.filter(
        itemversion__item__in=visible_items(user).values("pk")
    ).values("itemimage")
    return ItemImage.objects.filter(Q(owner=user) | Q(pk__in=seen))


def _images_taken(user: access.AnyUser) -> QuerySet[ItemImage]:
    """The images of the items placed in assessments that students the user may see have an
    attempt on: what a student saw while taking a test, and what their family reviews."""
    if not isinstance(user, User):
        return ItemImage.objects.none()
    taken = Attempt.objects.filter(student__in=access.visible_students(user)).values("assessment")
    placed = AssessmentItem.objects.filter(assessment__in=taken).values("item_version")
    seen = ItemVersion.images.through.objects.filter(itemversion__in=placed).values("itemimage")
    return ItemImage.objects.filter(pk__in=seen)


def can_edit_item(user: access.AnyUser, item: Item) -> bool:
    """The owner; for a district item, the district's admins too."""
    if not isinstance(user, User):
        return False
    if item.owner_id == user.pk or user.is_superuser:
        return True
    return (
        item.scope == Scope.DISTRICT
        and RoleAssignment.objects.filter(
            user=user, role=Role.DISTRICT_ADMIN, is_active=True, org=item.district_id
        ).exists()
    )


def home_orgs(user: User) -> tuple[Org | None, Org | None]:
    """The school and district a new item of ``user``'s belongs to: their primary staff
    role's org (a school, and its district; or a district)."""
    role = (
        RoleAssignment.objects.filter(user=user, role__in=access.STAFF_ROLES, is_active=True)
        .select_related("org", "org__parent")
        .order_by("-is_primary", "pk")
        .first()
    )
    if role is None:
        return None, None
    if role.org.type == Org.Type.DISTRICT:
        return None, role.org
    return role.org, role.org.parent


# ------------------------------------------------------------------ the bank's search


@dataclass(frozen=True)
class BankFilters:
    scope: str = ""  # "" everything visible, "own", "school", "district"
    standard: Standard | None = None  # this standard and everything under it
    text: str = ""
    interaction: str = ""
    dok: int | None = None
    author: User | None = None


def bank_items(
    user: User,
    filters: BankFilters,
    *,
    broad: bool = False,
    visible: QuerySet[Item] | None = None,
) -> QuerySet[Item]:
    """The items ``user`` may see that match ``filters``, newest change first. ``broad``: the
    standard filter matches many items (more than a capped count), so it is written as a
    test of each item in the bank's order rather than as the list of matching versions.
    ``visible``: :func:`visible_items` of ``user`` already built (its orgs already read)."""
    items = (visible_items(user) if visible is None else visible).filter(current__isnull=False)
    if filters.scope == Scope.OWN:
        items = items.filter(owner=user)
    elif filters.scope in (Scope.SCHOOL, Scope.DISTRICT):
        items = items.filter(scope=filters.scope)
    version: dict[str, Any] = {}
    if filters.interaction:
        version["current__interaction"] = filters.interaction
    if filters.dok:
        version["current__dok"] = filters.dok
    for word in filters.text.lower().split()[:8]:
        items = items.filter(current__search_text__contains=word)
    if filters.author is not None:
        items = items.filter(owner=filters.author)
    if filters.standard is not None:
        under = standards_under(filters.standard)
        if broad:
            # Walked in the bank's order (its index), each item tested, until a page is full:
            # a few hundred probes, where sorting every match of a domain costs thousands.
            items = items.filter(
                Exists(aligned_under(under, filters.dok).filter(version=OuterRef("current")))
            )
        else:
            # An uncorrelated subquery: the versions aligned under the standard, found once
            # (few: sorting them is cheap).
            items = items.filter(current__in=aligned_under(under, filters.dok).values("version"))
    return items.filter(**version).order_by("-updated_at", "-pk")


def aligned_under(under: QuerySet[Any, Any], dok: int | None) -> QuerySet[ItemStandard]:
    """The alignments to the standards ``under``, to versions of DOK ``dok`` when given: the
    alignment's own copy of the DOK is in its index, so a domain's other DOKs are never read."""
    aligned = ItemStandard.objects.filter(standard__in=under)
    return aligned.filter(dok=dok) if dok else aligned


def standards_under(standard: Standard) -> QuerySet[Any, Any]:
    """``standard`` and every standard below it (a domain's clusters and their standards):
    one range on the indexed (framework, tree path), which a LIKE would not use on SQLite."""
    if not standard.tree_path:
        return Standard.objects.filter(pk=standard.pk).values("pk")
    return Standard.objects.filter(
        framework_id=standard.framework_id,
        tree_path__gte=standard.tree_path,
        tree_path__lt=prefix_upper_bound(standard.tree_path),
    ).values("pk")


class CappedPaginator(Paginator):
    """Counts at most ``COUNT_CAP + 1`` rows: a page says "more than 1,000" rather than
    counting a whole district's bank on every search."""

    def __init__(self, items: QuerySet[Item], per_page: int) -> None:
        super().__init__(items, per_page)
        self.items = items

    @cached_property
    def count(self) -> int:
        # Unordered: the count stops at the cap instead of sorting every match first.
        return self.items.order_by()[: COUNT_CAP + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > COUNT_CAP


def bank_page(user: User, filters: BankFilters, number: str | int | None) -> Page:
    """One page of the search, each item with its current version, owner and alignments: a
    fixed number of queries whatever the page holds (ADR 18).

    Without a standard, the bank is walked in its order (its index) and the count stops at the
    cap. With one, the matches are first read unordered from the aligned versions' side, up
    to the cap: when they are no more, that one pass is the count and, sorted here, every
    page. Past the cap, the matches are many, so the page walks the bank in its order and
    stops after a few hundred items, where sorting every match of a domain cost thousands."""
    visible = visible_items(user)
    items = bank_items(user, filters, visible=visible)
    ranked: list[int] | None = None
    if filters.standard is not None:
        # The time as the database writes it (ISO text in UTC, which sorts as the time does):
        # turning a thousand of them into datetimes cost more than the query.
        stamped = items.order_by().annotate(stamp=Cast("updated_at", CharField()))
        matches = list(stamped.values_list("stamp", "pk")[: COUNT_CAP + 1])
        count = len(matches)
        if count <= COUNT_CAP:
            ranked = [pk for _stamp, pk in sorted(matches, reverse=True)]
        else:
            items = bank_items(user, filters, broad=True, visible=visible)
    else:
        count = items.order_by()[: COUNT_CAP + 1].count()
    items = items.select_related("current", "owner")
    paginator = CappedPaginator(items, PAGE_SIZE)
    paginator.count = count  # counted once, whichever way the page is read
    page = paginator.get_page(number)
    if ranked is not None:
        ids = ranked[max(page.start_index() - 1, 0) : page.end_index()]
        found = Item.objects.select_related("current", "owner").in_bulk(ids)
        page.object_list = [found[pk] for pk in ids]
    versions = [item.current for item in page.object_list if item.current is not None]
    alignments: dict[int, list[ItemStandard]] = {}
    for row in ItemStandard.objects.filter(version__in=versions).select_related("standard"):
        alignments.setdefault(row.version_id, []).append(row)
    for item in page.object_list:
        item.bank_alignments = alignments.get(item.current_id or 0, [])
    return page


def authors(user: access.AnyUser) -> QuerySet[User]:
    """The people whose items ``user`` may see (the author filter's choices)."""
    return User.objects.filter(pk__in=visible_items(user).values("owner")).order_by(
        "last_name", "first_name", "username"
    )


def standard_by_code(code: str) -> Standard | None:
    """The one current standard with this code (however punctuated), or, for the start of
    codes that all sit in one domain ("6.RP", whose domain has no code of its own in Common
    Core), that domain; None when unknown or ambiguous across frameworks."""
    key = code_key(code)
    if not key:
        return None
    current = Standard.objects.filter(retired_at__isnull=True)
    found = list(current.filter(code_key=key)[:2])
    if found:
        return found[0] if len(found) == 1 else None
    domains = list(
        current.filter(code_key__startswith=f"{key}.", domain__isnull=False)
        .order_by()
        .values_list("domain", flat=True)
        .distinct()[:2]
    )
    if len(domains) != 1 or domains[0] is None:
        return None
    return current.filter(pk=domains[0]).first()


# ------------------------------------------------------------------ one item


def item_or_404(user: access.AnyUser, pk: int) -> Item:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(visible_items(user).select_related("owner", "copied_from"), pk=pk)


def version_detail(item: Item, number: int | None = None) -> ItemVersion:
    """A version with everything its page shows, in a fixed number of queries."""
    from django.shortcuts import get_object_or_404

    versions = ItemVersion.objects.select_related("stimulus", "created_by").prefetch_related(
        Prefetch("choices", queryset=Choice.objects.order_by("position")),
        Prefetch("alignments", queryset=ItemStandard.objects.select_related("standard")),
        Prefetch(
            "criteria",
            queryset=RubricCriterion.objects.select_related("standard").prefetch_related("levels"),
        ),
    )
    if number is None:
        return get_object_or_404(versions, pk=item.current_id)
    return get_object_or_404(versions, item=item, number=number)


def item_history(item: Item) -> list[ItemVersion]:
    return list(
        ItemVersion.objects.filter(item=item).select_related("created_by").order_by("-number")
    )
