"""Queries compiled once per shape give exactly what the ORM gives, for any values; a shape
the stand-ins cannot serve is compiled every time rather than ever run wrong."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from masterly.accounts.models import User
from masterly.core import compiled
from masterly.core.compiled import CompiledQuery
from tests import factories as f

pytestmark = pytest.mark.django_db


def _named(*, ids: list[int], after: int) -> QuerySet[Any]:
    return (
        User.objects.filter(pk__in=ids, pk__gt=after).order_by("id").values_list("id", "username")
    )


def test_later_calls_bind_their_own_values() -> None:
    users = [f.UserFactory() for _ in range(4)]
    query = CompiledQuery(_named)
    for ids, after in (
        ([users[0].pk, users[1].pk], 0),
        ([users[2].pk, users[3].pk], 0),
        ([users[0].pk, users[3].pk], users[0].pk),
    ):
        expected = list(_named(ids=ids, after=after))
        assert compiled.fetch(query, ids=ids, after=after) == expected
        assert list(query.queryset(ids=ids, after=after)) == expected  # the ORM's own path
    # One shape (two ids, one bound) compiled once: the three calls share it.
    assert len(query._shapes) == 1


def test_each_length_of_a_list_is_a_shape_of_its_own() -> None:
    users = [f.UserFactory() for _ in range(3)]
    query = CompiledQuery(_named)
    one = compiled.fetch(query, ids=[users[0].pk], after=0)
    three = compiled.fetch(query, ids=[u.pk for u in users], after=0)
    assert one == [(users[0].pk, users[0].username)]
    assert three == [(u.pk, u.username) for u in sorted(users, key=lambda u: u.pk)]
    assert len(query._shapes) == 2


def test_a_value_used_twice_is_bound_in_both_places() -> None:
    user, other = f.UserFactory(), f.UserFactory()

    def both(*, user_id: int) -> QuerySet[Any]:
        return User.objects.filter(pk=user_id).filter(pk__in=[user_id]).values_list("id")

    query = CompiledQuery(both)
    assert compiled.fetch(query, user_id=user.pk) == [(user.pk,)]
    assert compiled.fetch(query, user_id=other.pk) == [(other.pk,)]


def test_fixed_values_make_separate_shapes() -> None:
    active = f.UserFactory(is_active=True)
    inactive = f.UserFactory(is_active=False)

    def of(*, is_active: bool, ids: list[int]) -> QuerySet[Any]:
        return User.objects.filter(pk__in=ids, is_active=is_active).values_list("id")

    query = CompiledQuery(of)
    ids = [active.pk, inactive.pk]
    assert compiled.fetch(query, {"is_active": True}, ids=ids) == [(active.pk,)]
    assert compiled.fetch(query, {"is_active": False}, ids=ids) == [(inactive.pk,)]


def test_a_value_written_into_the_sql_is_never_cached() -> None:
    """The ORM inlines some values into the SQL's text; binding could not change them."""
    users = [f.UserFactory() for _ in range(2)]

    def inlined(*, user_id: int) -> QuerySet[Any]:
        inline = RawSQL(str(int(user_id)), ())  # noqa: S611 - an int, written as the ORM would
        return User.objects.filter(pk=inline).values_list("id")

    query = CompiledQuery(inlined)
    for user in users:
        assert compiled.fetch(query, user_id=user.pk) == [(user.pk,)]
    assert list(query._shapes.values()) == [None]  # known as uncacheable, compiled each call


def test_a_value_the_query_drops_is_never_cached() -> None:
    users = [f.UserFactory() for _ in range(2)]

    def ignores(*, user_id: int) -> QuerySet[Any]:
        return User.objects.order_by("id").values_list("id")

    query = CompiledQuery(ignores)
    expected = [(u.pk,) for u in sorted(users, key=lambda u: u.pk)]
    assert compiled.fetch(query, user_id=users[0].pk) == expected
    assert list(query._shapes.values()) == [None]


def test_an_empty_list_reads_nothing_without_a_query(
    django_assert_num_queries: Any,
) -> None:
    query = CompiledQuery(_named)
    with django_assert_num_queries(0):
        assert compiled.fetch(query, ids=[], after=0) == []
        assert compiled.instances(CompiledQuery(_users), User, ids=[]) == []


def _users(*, ids: list[int]) -> QuerySet[User]:
    return User.objects.filter(pk__in=ids).order_by("id")


def test_instances_are_whole_models() -> None:
    users = [f.UserFactory(first_name=f"Ann {n}") for n in range(2)]
    found = compiled.instances(CompiledQuery(_users), User, ids=[u.pk for u in users])
    assert found == sorted(users, key=lambda u: u.pk)
    assert [u.first_name for u in found] == [
        u.first_name for u in sorted(users, key=lambda u: u.pk)
    ]
