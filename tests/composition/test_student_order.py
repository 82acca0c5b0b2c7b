"""The per-student order: seeded by the attempt, so the same every time; items shuffled only
within their sections, options only within their items."""

from __future__ import annotations

from masterly.assessments.composition.order import PlacedItem, student_order

ITEMS = [
    *(PlacedItem(100 + n, 1, n, (0, 1, 2, 3)) for n in range(1, 9)),
    *(PlacedItem(200 + n, 2, n) for n in range(1, 6)),
]


def ids(order: list) -> list[int]:
    return [item.item_version_id for item in order]


def test_without_shuffling_the_order_is_the_teachers() -> None:
    order = student_order(
        list(reversed(ITEMS)), attempt_id=7, shuffle_items=False, shuffle_options=False
    )

    assert ids(order) == [*range(101, 109), *range(201, 206)]
    assert order[0].choice_positions == (0, 1, 2, 3)
    assert order[-1].choice_positions == ()


def test_the_same_attempt_always_gets_the_same_order() -> None:
    orders = {
        tuple(
            (i.item_version_id, i.choice_positions)
            for i in student_order(ITEMS, attempt_id=42, shuffle_items=True, shuffle_options=True)
        )
        for _ in range(5)
    }

    assert len(orders) == 1


def test_items_shuffle_within_their_sections_and_attempts_differ() -> None:
    orders = [
        student_order(ITEMS, attempt_id=n, shuffle_items=True, shuffle_options=False)
        for n in range(1, 21)
    ]

    for order in orders:
        assert sorted(ids(order)[:8]) == list(range(101, 109))  # section 1 stays first
        assert sorted(ids(order)[8:]) == list(range(201, 206))
        assert all(i.choice_positions in {(0, 1, 2, 3), ()} for i in order)
    assert len({tuple(ids(order)) for order in orders}) > 10


def test_options_shuffle_within_each_item_only() -> None:
    order = student_order(ITEMS, attempt_id=3, shuffle_items=False, shuffle_options=True)

    assert ids(order) == [*range(101, 109), *range(201, 206)]
    assert all(sorted(i.choice_positions) == [0, 1, 2, 3] for i in order[:8])
    assert any(i.choice_positions != (0, 1, 2, 3) for i in order[:8])
