"""Reads of standards and curriculum maps, each a fixed number of queries.

Standards and curriculum maps hold no student data, so any signed-in person may read them;
who may *change* a map is decided in ``permissions`` and enforced by the services.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, overload

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from masterly.roster import access
from masterly.standards.models import (
    Association,
    CurriculumMap,
    Framework,
    Standard,
    StandardTerm,
    Unit,
    UnitStandard,
)
from masterly.standards.packages import IS_CHILD_OF, IS_RELATED_TO, PRECEDES
from masterly.standards.text import (
    code_key,
    grade_label,
    looks_like_code,
    prefix_upper_bound,
    query_words,
)
from masterly.standards.tree import PATH_WIDTH

TREE_LIMIT = 3000  # beyond this many nodes a tree page asks for a grade or domain first
# Word-index lists up to these sizes are used directly, for a page and for the total (see
# _matching_words); a more common word is checked standard by standard instead.
SHORT_LIST = 2_000
LONG_LIST = 10_000
SEARCH_CAP = 1_000  # totals stop here ("more than 1,000 found")


# ------------------------------------------------------------------ frameworks


def frameworks() -> QuerySet[Framework]:
    return Framework.objects.annotate(
        standard_count=Count("standards", filter=Q(standards__retired_at__isnull=True))
    ).order_by("title")


def framework_by_reference(reference: str) -> Framework:
    """A framework by its number or its CASE identifier (raises Framework.DoesNotExist)."""
    reference = reference.strip()
    if reference.isdigit():
        return Framework.objects.get(pk=int(reference))
    return Framework.objects.get(identifier=reference)


def grade_choices(framework: Framework | None) -> list[tuple[str, str]]:
    if framework is not None:
        levels = framework.education_levels
    else:
        levels = []
        for framework_levels in Framework.objects.values_list("education_levels", flat=True):
            levels.extend(level for level in framework_levels if level not in levels)
    return [(level, grade_label(level)) for level in levels]


def domain_choices(framework: Framework, grade: str = "") -> list[tuple[int, str]]:
    """The framework's domains, named with what they sit under ("Grade 6 · Geometry")."""
    domains = Standard.objects.filter(
        framework=framework, item_type__iexact="domain", retired_at__isnull=True
    ).select_related("parent")
    if grade:
        domains = domains.filter(grade_keys__contains=f",{grade},")
    choices = []
    for domain in domains.order_by("tree_path"):
        parent = domain.parent
        if grade and parent and parent.grade_keys and f",{grade}," not in parent.grade_keys:
            continue  # mislabelled upstream: a domain of another grade's level
        above = domain.parent.label if domain.parent else ""
        name = domain.full_statement
        choices.append((domain.pk, f"{above} · {name}" if above else name))
    return choices


# ------------------------------------------------------------------ search


@dataclass(frozen=True)
class StandardFilters:
    query: str = ""
    framework: Framework | None = None
    grade: str = ""
    domain: Standard | None = None

    @property
    def any(self) -> bool:
        return bool(self.query.strip() or self.framework or self.grade or self.domain)


def _prefix(field_name: str, prefix: str) -> Q:
    """``field`` starts with ``prefix``, as an index range on both databases.

    The searched columns are compared in byte order (see the migration), where a prefix is
    exactly the range [prefix, prefix with its last character incremented).
    """
    return Q(**{f"{field_name}__gte": prefix, f"{field_name}__lt": prefix_upper_bound(prefix)})


def _filtered(filters: StandardFilters) -> QuerySet[Standard]:
    standards = Standard.objects.filter(retired_at__isnull=True)
    if filters.framework is not None:
        standards = standards.filter(framework=filters.framework)
    if filters.grade:
        standards = standards.filter(grade_keys__contains=f",{filters.grade},")
    if filters.domain is not None:
        standards = standards.filter(Q(pk=filters.domain.pk) | Q(domain=filters.domain))
    return standards


def standards_search(filters: StandardFilters) -> QuerySet[Standard]:
    """Standards matching a code ("6.RP.A", "hsa-apr") or words ("ratio reasoning"), in the
    framework's own order.

    Codes are matched by prefix on an indexed column. Words are matched through the word
    index: each word of the query must start a word of the standard, so "ratio" finds
    "ratios". For a page of results with a total, use ``search_results``.
    """
    return _search(filters)[0]


def search_results(filters: StandardFilters) -> SearchResults:
    """The search as a paginator wants it: pages in tree order and a (capped) total."""
    rows, counted = _search(filters)
    return SearchResults(rows, counted)


@dataclass
class SearchResults:
    """What Django's Paginator needs: ``count()`` and slicing. The total stops at
    ``SEARCH_CAP``: past a thousand matches, a narrower search helps more than a count."""

    # (Not called "ordered": Paginator reads that attribute to warn about unordered lists.)
    rows: QuerySet[Standard]
    counted: QuerySet[Standard]
    _total: int | None = None

    def count(self) -> int:
        if self._total is None:
            self._total = self.counted.order_by().values("pk")[: SEARCH_CAP + 1].count()
        return min(self._total, SEARCH_CAP)

    @property
    def capped(self) -> bool:
        return self.count() == SEARCH_CAP and (self._total or 0) > SEARCH_CAP

    def __len__(self) -> int:
        return self.count()

    @overload
    def __getitem__(self, index: int) -> Standard: ...
    @overload
    def __getitem__(self, index: slice) -> list[Standard]: ...
    def __getitem__(self, index: int | slice) -> Standard | list[Standard]:
        if isinstance(index, int):
            return self.rows[index]
        return list(self.rows[index])

    def __iter__(self) -> Iterator[Standard]:
        return iter(self.rows)


def _search(filters: StandardFilters) -> tuple[QuerySet[Standard], QuerySet[Standard]]:
    """(ordered for pages, the same set for counting)."""
    standards = _filtered(filters)
    query = filters.query.strip()
    if query and looks_like_code(query) and code_key(query):
        by_code = standards.filter(_prefix("code_key", code_key(query)))
        if by_code.exists():
            standards = by_code
            query = ""
    counted = standards
    if query:
        searched = query_words(query)
        if not searched:
            return standards.none(), standards.none()
        standards, counted = _matching_words(standards, searched)
    ordered = standards.select_related("framework", "domain").order_by("framework_id", "tree_path")
    return ordered, counted


def _matching_words(
    standards: QuerySet[Standard], searched: list[str]
) -> tuple[QuerySet[Standard], QuerySet[Standard]]:
    """Filter by every word, in the form that stays fast whether a word is rare or common.

    A rare word ("beakers") is a short list of standards from the word index, fetched by key
    and sorted. A common word ("number", in half of all statements) would make that list long,
    so for a page the standards are instead read in tree order and each is checked against the
    index, which stops as soon as the page is full; for the total, the list is used up to a
    size where it is still cheaper than reading every standard. One capped count per word,
    answered from the index alone, says which word is the rarest and how rare.
    """
    terms = {word: StandardTerm.objects.filter(_prefix("term", word)) for word in searched}
    sizes = {word: terms[word][:LONG_LIST].count() for word in searched}
    rarest = min(searched, key=lambda word: sizes[word])

    def narrowed(list_up_to: int) -> QuerySet[Standard]:
        result = standards
        for word in searched:
            if word == rarest and sizes[word] <= list_up_to:
                result = result.filter(pk__in=terms[word].values("standard_id"))
            else:
                result = result.filter(Exists(terms[word].filter(standard=OuterRef("pk"))))
        return result

    return narrowed(SHORT_LIST), narrowed(LONG_LIST - 1)


# ------------------------------------------------------------------ tree


@dataclass
class TreeNode:
    standard: Standard
    depth: int  # relative to the shallowest node shown
    has_children: bool = False
    is_open: bool = False
    closers: range = field(default_factory=lambda: range(0))  # levels that end after this node


def framework_tree(
    *, framework: Framework, grade: str = "", domain: Standard | None = None
) -> list[TreeNode] | None:
    """The framework (or one grade or domain of it) in tree order, with its ancestors.

    None when it is too large to show at once (the page then asks for a grade or domain).
    """
    nodes = Standard.objects.filter(framework=framework, retired_at__isnull=True)
    if grade:
        nodes = nodes.filter(grade_keys__contains=f",{grade},")
    if domain is not None:
        nodes = nodes.filter(Q(pk=domain.pk) | Q(tree_path__startswith=f"{domain.tree_path}."))
    if nodes.count() > TREE_LIMIT:
        return None
    rows = list(nodes.order_by("tree_path"))
    # Every shown node comes with its ancestors, so a filtered tree still reads from the top.
    have = {row.tree_path: row for row in rows}
    missing = {path for row in rows for path in _ancestor_paths(row.tree_path)} - set(have)
    if missing:
        have.update(
            (row.tree_path, row)
            for row in Standard.objects.filter(
                framework=framework, retired_at__isnull=True, tree_path__in=missing
            )
        )
    if grade:
        # Publishers sometimes mislabel a level (a grade 7 domain tagged grade 6): a node under
        # an ancestor of another grade is left out. Ancestors without levels do not count.
        rows = [row for row in rows if _within_grade(row, have, grade)]
    shown = {row.tree_path for row in rows}
    shown |= {path for row in rows for path in _ancestor_paths(row.tree_path) if path in have}
    rows = [have[path] for path in sorted(shown)]
    if not rows:
        return []
    base = min(row.depth for row in rows)
    open_paths: set[str] = set()
    if domain is not None:
        ends = range(PATH_WIDTH, len(domain.tree_path) + 1, PATH_WIDTH + 1)
        open_paths = {domain.tree_path[:end] for end in ends}
    result = []
    for index, row in enumerate(rows):
        next_depth = rows[index + 1].depth if index + 1 < len(rows) else base
        has_children = next_depth > row.depth
        result.append(
            TreeNode(
                standard=row,
                depth=row.depth - base,
                has_children=has_children,
                is_open=row.tree_path in open_paths or (bool(grade) and row.depth - base < 2),
                closers=range(0 if has_children else row.depth - next_depth),
            )
        )
    return result


def _ancestor_paths(path: str) -> list[str]:
    return [path[:end] for end in range(PATH_WIDTH, len(path), PATH_WIDTH + 1)]


def _within_grade(row: Standard, by_path: dict[str, Standard], grade: str) -> bool:
    for path in _ancestor_paths(row.tree_path):
        above = by_path.get(path)
        if above is not None and above.grade_keys and f",{grade}," not in above.grade_keys:
            return False
    return True


# ------------------------------------------------------------------ one standard


@dataclass
class StandardDetail:
    standard: Standard
    ancestors: list[Standard]
    children: list[Standard]
    prerequisites: list[Standard]  # precede this one
    builds_on_it: list[Standard]  # this one precedes them
    related: list[Standard]
    other_associations: list[Association]


def standard_detail(standard: Standard) -> StandardDetail:
    """Everything a standard's page shows, in four queries whatever the standard."""
    if standard.retired_at is None:
        ancestors = list(
            Standard.objects.filter(
                framework_id=standard.framework_id,
                retired_at__isnull=True,
                tree_path__in=_ancestor_paths(standard.tree_path),
            ).order_by("tree_path")
        )
    else:
        # A retired item's path is stale; its last known parents tell where it was.
        ancestors = []
        parent = standard.parent
        while parent is not None and len(ancestors) < 50:
            ancestors.insert(0, parent)
            parent = parent.parent
    children = list(
        Standard.objects.filter(parent=standard, retired_at__isnull=True).order_by("position")
    )
    associations = (
        Association.objects.filter(Q(origin=standard) | Q(destination=standard))
        .filter(retired_at__isnull=True)
        .exclude(association_type=IS_CHILD_OF, origin=standard, destination=standard.parent)
        .select_related("origin", "destination", "origin__framework", "destination__framework")
        .order_by("association_type", "id")
    )
    prerequisites: list[Standard] = []
    builds_on_it: list[Standard] = []
    related: list[Standard] = []
    other: list[Association] = []
    for association in associations:
        outgoing = association.origin_id == standard.pk
        other_end = association.destination if outgoing else association.origin
        if association.association_type == PRECEDES and other_end is not None:
            (builds_on_it if outgoing else prerequisites).append(other_end)
        elif association.association_type == IS_RELATED_TO and other_end is not None:
            if other_end not in related:
                related.append(other_end)
        elif association.association_type == IS_CHILD_OF and other_end is not None and not outgoing:
            continue  # its children, listed already
        else:
            other.append(association)
    return StandardDetail(
        standard=standard,
        ancestors=ancestors,
        children=children,
        prerequisites=_in_tree_order(prerequisites),
        builds_on_it=_in_tree_order(builds_on_it),
        related=_in_tree_order(related),
        other_associations=other,
    )


def _in_tree_order(rows: list[Standard]) -> list[Standard]:
    return sorted(rows, key=lambda row: (row.framework_id, row.tree_path))


def prerequisites_of(standard: Standard) -> QuerySet[Standard]:
    """The standards that precede this one (for "what to work on next")."""
    return Standard.objects.filter(
        outgoing__association_type=PRECEDES,
        outgoing__destination=standard,
        outgoing__retired_at__isnull=True,
        retired_at__isnull=True,
    ).distinct()


# ------------------------------------------------------------------ curriculum maps


def curriculum_maps() -> QuerySet[CurriculumMap]:
    """All maps (anyone signed in may view and copy them), with what the list shows."""
    return CurriculumMap.objects.select_related("course", "course__org", "owner", "framework")


def curriculum_maps_for_list(user: Any) -> dict[str, list[CurriculumMap]]:
    """Maps grouped as the list page shows them: the person's own, the district's, others'."""
    groups: dict[str, list[CurriculumMap]] = {"mine": [], "district": [], "others": []}
    for curriculum_map in (
        curriculum_maps()
        .annotate(unit_count=Count("units"))
        .order_by("course__title", "title", "id")
    ):
        if curriculum_map.scope == CurriculumMap.Scope.DISTRICT:
            groups["district"].append(curriculum_map)
        elif curriculum_map.owner_id == user.pk:
            groups["mine"].append(curriculum_map)
        else:
            groups["others"].append(curriculum_map)
    return groups


@dataclass
class UnitView:
    unit: Unit
    placements: list[UnitStandard]


def curriculum_map_units(curriculum_map: CurriculumMap) -> list[UnitView]:
    """The map's units in order, each with its standards in order (two queries)."""
    units = list(curriculum_map.units.order_by("position", "id"))
    placed: dict[int, list[UnitStandard]] = {unit.pk: [] for unit in units}
    rows = (
        UnitStandard.objects.filter(unit__curriculum_map=curriculum_map)
        .select_related("standard", "standard__framework")
        .order_by("position", "id")
    )
    for row in rows:
        placed[row.unit_id].append(row)
    return [UnitView(unit=unit, placements=placed[unit.pk]) for unit in units]


def curriculum_map_standards(curriculum_map: CurriculumMap) -> list[UnitStandard]:
    """Every standard of the map in order, unit by unit (what a tracker is built from)."""
    return list(
        UnitStandard.objects.filter(unit__curriculum_map=curriculum_map)
        .select_related("unit", "standard")
        .order_by("unit__position", "unit_id", "position", "id")
    )


def editable_units(user: Any) -> list[Unit]:
    """Units the person may add standards to (for the "add to a unit" pickers)."""
    if not getattr(user, "is_authenticated", False):
        return []
    mine = Q(curriculum_map__scope=CurriculumMap.Scope.TEACHER, curriculum_map__owner=user)
    if access.is_district_admin(user):
        mine |= Q(curriculum_map__scope=CurriculumMap.Scope.DISTRICT)
    return list(
        Unit.objects.filter(mine)
        .select_related("curriculum_map")
        .order_by("curriculum_map__title", "curriculum_map_id", "position", "id")
    )


def find_standard_by_code(*, code: str, framework: Framework | None = None) -> Standard:
    """The one current standard with this code; ValidationError saying why not otherwise."""
    key = code_key(code)
    if not key:
        raise ValidationError({"code": "Type a standard's code, for example 6.RP.A.3."})
    matches = Standard.objects.filter(code_key=key, retired_at__isnull=True).select_related(
        "framework"
    )
    if framework is not None:
        matches = matches.filter(framework=framework)
    found = list(matches[:2])
    if not found:
        where = f" in {framework.title}" if framework else ""
        raise ValidationError(
            {
                "code": f"No standard has the code “{code.strip()}”{where}. Check the code, or "
                "use Find standards to search by words."
            }
        )
    if len(found) > 1:
        raise ValidationError(
            {
                "code": f"The code “{code.strip()}” is in several frameworks; use Find standards "
                "to pick the one you mean."
            }
        )
    return found[0]


def find_standards_by_codes(codes: list[str]) -> list[Standard]:
    """The current standards with these codes, in the order given (one query).

    A ValidationError on ``codes`` lists every code that names no standard, or several.
    """
    keys = [code_key(code) for code in codes]
    found: dict[str, list[Standard]] = {}
    for standard in Standard.objects.filter(code_key__in=keys, retired_at__isnull=True):
        found.setdefault(standard.code_key, []).append(standard)
    unknown = [code.strip() for code, key in zip(codes, keys, strict=True) if key not in found]
    several = [
        code.strip() for code, key in zip(codes, keys, strict=True) if len(found.get(key, [])) > 1
    ]
    if unknown:
        raise ValidationError(
            {
                "codes": f"No standard has the code {', '.join(unknown)}; check it in the "
                "standards browser."
            }
        )
    if several:
        raise ValidationError(
            {
                "codes": f"The code {', '.join(several)} is in several frameworks; add those "
                "standards one by one from the standards browser."
            }
        )
    return list(dict.fromkeys(found[key][0] for key in keys))


def standard_ids_in_unit(unit: Unit) -> set[int]:
    return set(unit.unit_standards.values_list("standard_id", flat=True))
