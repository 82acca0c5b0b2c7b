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


def test_an_attempt_keeps_the_order_it_had_before_items_could_fix_options() -> None:
    """Items as they were before ``may_shuffle_options`` and fixed choices (the defaults):
    the very order an attempt of then was shown (recorded from that code), so a student who
    reloads mid-test after the upgrade sees nothing move."""
    order = student_order(ITEMS, attempt_id=3, shuffle_items=True, shuffle_options=True)

    assert [(i.item_version_id, i.choice_positions) for i in order] == [
        (106, (0, 2, 3, 1)),
        (104, (0, 3, 2, 1)),
        (105, (1, 3, 2, 0)),
        (103, (0, 3, 1, 2)),
        (101, (2, 0, 1, 3)),
        (107, (2, 0, 3, 1)),
        (102, (3, 1, 0, 2)),
        (108, (2, 3, 0, 1)),
        (201, ()),
        (203, ()),
        (202, ()),
        (205, ()),
        (204, ()),
    ]


def test_an_item_that_forbids_shuffling_keeps_its_options_in_order() -> None:
    items = [
        PlacedItem(1, 1, 1, (0, 1, 2, 3), may_shuffle_options=False),
        PlacedItem(2, 1, 2, (0, 1, 2, 3)),
    ]
    orders = [
        student_order(items, attempt_id=n, shuffle_items=False, shuffle_options=True)
        for n in range(1, 21)
    ]

    for fixed, _moving in orders:
        assert fixed.choice_positions == (0, 1, 2, 3)
    assert len({moving.choice_positions for _fixed, moving in orders}) > 5


def test_a_fixed_option_keeps_its_place_among_those_shown() -> None:
    # "All of the above" (3) stays last, also when reduced answer choices drop option 1.
    full = PlacedItem(1, 1, 1, (0, 1, 2, 3), fixed_positions=frozenset({3}))
    reduced = PlacedItem(2, 1, 2, (0, 2, 3), fixed_positions=frozenset({3}))
    first_fixed = PlacedItem(3, 1, 3, (0, 1, 2, 3, 4), fixed_positions=frozenset({0, 2}))
    orders = [
        student_order(
            [full, reduced, first_fixed], attempt_id=n, shuffle_items=False, shuffle_options=True
        )
        for n in range(1, 21)
    ]

    for one, two, three in orders:
        assert one.choice_positions[3] == 3 and sorted(one.choice_positions) == [0, 1, 2, 3]
        assert two.choice_positions[2] == 3 and sorted(two.choice_positions) == [0, 2, 3]
        assert (three.choice_positions[0], three.choice_positions[2]) == (0, 2)
    assert len({one.choice_positions for one, _two, _three in orders}) > 3  # the rest move
    assert len({three.choice_positions for _one, _two, three in orders}) > 1


def test_fixed_options_stay_put_when_the_assessment_does_not_shuffle_options() -> None:
    item = PlacedItem(1, 1, 1, (0, 1, 2, 3), fixed_positions=frozenset({3}))

    [ordered] = student_order([item], attempt_id=9, shuffle_items=True, shuffle_options=False)

    assert ordered.choice_positions == (0, 1, 2, 3)
