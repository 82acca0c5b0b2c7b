"""Checking a framework package and laying out its tree, in plain Python before any write.

An import is all or nothing: every problem is found here first, each naming the item or
association it is about, so a bad package leaves the database exactly as it was.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

from masterly.standards.packages import (
    IS_CHILD_OF,
    PRECEDES,
    AssociationData,
    FrameworkPackage,
    ItemData,
)
from masterly.standards.text import natural_key

MAX_DEPTH = 40
PATH_WIDTH = 5  # digits per level of Standard.tree_path: up to 99,999 siblings
MAX_PROBLEMS = 50
# Associations whose both ends must be in the package: the tree and prerequisites.
INTERNAL_TYPES = {IS_CHILD_OF, PRECEDES}


@dataclass(frozen=True)
class Placement:
    """Where an item sits in its framework's tree."""

    parent: str | None  # identifier of the primary parent item; None under the document
    position: int
    depth: int
    path: str
    domain: str | None  # identifier of the nearest Domain above it


def _label(item: ItemData) -> str:
    code = f" ({item.human_coding_scheme})" if item.human_coding_scheme else ""
    return f"{item.identifier}{code}"


def find_problems(package: FrameworkPackage) -> list[str]:
    """Every reason the package cannot be imported, each naming what it is about."""
    problems: list[str] = []
    document_id = package.framework.identifier

    item_counts = Counter(item.identifier for item in package.items)
    for identifier, count in item_counts.items():
        if count > 1:
            problems.append(f"Duplicate identifier: CFItem {identifier} appears {count} times.")
    if document_id in item_counts:
        problems.append(
            f"Duplicate identifier: CFItem {document_id} has the CFDocument's identifier."
        )
    association_counts = Counter(a.identifier for a in package.associations)
    for identifier, count in association_counts.items():
        if count > 1:
            problems.append(
                f"Duplicate identifier: CFAssociation {identifier} appears {count} times."
            )

    items = {item.identifier: item for item in package.items}
    for association in package.associations:
        problems.extend(_association_problems(association, items, document_id))
    if not problems:
        problems.extend(_cycle_problems(package))
    if not problems:
        placements = place_items(package)
        deepest = max((p.depth for p in placements.values()), default=0)
        if deepest >= MAX_DEPTH:
            problems.append(f"The tree is {deepest + 1} levels deep; Masterly allows {MAX_DEPTH}.")
    if len(problems) > MAX_PROBLEMS:
        hidden = len(problems) - MAX_PROBLEMS
        problems = [*problems[:MAX_PROBLEMS], f"… and {hidden} more problems."]
    return problems


def _association_problems(
    association: AssociationData, items: dict[str, ItemData], document_id: str
) -> list[str]:
    problems = []
    kind = association.association_type
    name = f"CFAssociation {association.identifier} ({kind})"
    origin = association.origin.identifier
    destination = association.destination.identifier
    if origin not in items:
        problems.append(f"{name}: its origin {origin} is not a CFItem of this package.")
    if kind in INTERNAL_TYPES:
        allowed = destination in items or (kind == IS_CHILD_OF and destination == document_id)
        if not allowed:
            problems.append(
                f"{name}: its destination {destination} is not a CFItem of this package."
            )
    elif (
        destination not in items
        and destination != document_id
        and not (association.destination.uri)
    ):
        # Other types may point at another publisher's item, but then they say where it is.
        problems.append(
            f"{name}: its destination {destination} is not a CFItem of this package and has "
            "no URI saying where it is."
        )
    return problems


def _child_edges(package: FrameworkPackage) -> dict[str, list[str]]:
    """item identifier -> the item identifiers it is a child of."""
    items = {item.identifier for item in package.items}
    parents: dict[str, list[str]] = defaultdict(list)
    for association in package.associations:
        if association.association_type != IS_CHILD_OF:
            continue
        child, parent = association.origin.identifier, association.destination.identifier
        if child in items and parent in items:
            parents[child].append(parent)
    return parents


def _cycle_problems(package: FrameworkPackage) -> list[str]:
    parents = _child_edges(package)
    codes = {item.identifier: item for item in package.items}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    problems: list[str] = []
    for start in parents:
        if start in state:
            continue
        # Iterative depth-first walk up the isChildOf edges, keeping the current path.
        path: list[str] = []
        stack: list[tuple[str, int]] = [(start, 0)]
        while stack:
            node, index = stack.pop()
            if index == 0:
                state[node] = 1
                path.append(node)
            ups = parents.get(node, [])
            if index < len(ups):
                stack.append((node, index + 1))
                up = ups[index]
                if state.get(up) == 1:
                    cycle = [*path[path.index(up) :], up]
                    shown = " → ".join(_label(codes[i]) for i in cycle)
                    problems.append(f"isChildOf cycle: CFItem {shown}.")
                elif up not in state:
                    stack.append((up, 0))
            else:
                state[node] = 2
                path.pop()
    return problems


def _sibling_key(item: ItemData, sequence: int | None, index: int) -> tuple[object, ...]:
    # Publishers order siblings by sequenceNumber; many leave it 0 everywhere and rely on the
    # list enumeration ("1", "3.", "c.") or the code, so those break ties.
    return (
        sequence is None,
        sequence or 0,
        not item.list_enumeration,
        natural_key(item.list_enumeration),
        natural_key(item.human_coding_scheme),
        index,
    )


def place_items(package: FrameworkPackage) -> dict[str, Placement]:
    """The tree: each item's primary parent, order, depth, path and domain.

    An item may be the child of several parents (CASE allows reuse); the first isChildOf (by
    sequence number, then package order) is its place in the tree, the others are kept as
    associations. Assumes ``find_problems`` found no cycle.
    """
    items = {item.identifier: item for item in package.items}
    index_of = {item.identifier: n for n, item in enumerate(package.items)}
    document_id = package.framework.identifier
    chosen: dict[str, tuple[tuple[bool, int], str | None, int | None]] = {}
    for order, association in enumerate(package.associations):
        if association.association_type != IS_CHILD_OF:
            continue
        child, parent = association.origin.identifier, association.destination.identifier
        if child not in items or (parent not in items and parent != document_id):
            continue
        rank = (association.sequence_number is None, order)
        if child not in chosen or rank < chosen[child][0]:
            chosen[child] = (rank, parent if parent in items else None, association.sequence_number)

    children: dict[str | None, list[tuple[tuple[object, ...], str]]] = defaultdict(list)
    for identifier, item in items.items():
        _, parent_id, sequence = chosen.get(identifier, ((True, 0), None, None))
        children[parent_id].append((_sibling_key(item, sequence, index_of[identifier]), identifier))

    placements: dict[str, Placement] = {}
    queue: list[tuple[str | None, str, int, str | None]] = [(None, "", -1, None)]
    while queue:
        above, parent_path, parent_depth, domain = queue.pop()
        for position, (_, identifier) in enumerate(sorted(children.get(above, [])), start=1):
            segment = f"{position:0{PATH_WIDTH}d}"
            path = f"{parent_path}.{segment}" if parent_path else segment
            placements[identifier] = Placement(
                parent=above,
                position=position,
                depth=parent_depth + 1,
                path=path,
                domain=domain,
            )
            is_domain = items[identifier].item_type.strip().lower() == "domain"
            queue.append((identifier, path, parent_depth + 1, identifier if is_domain else domain))
    return placements
