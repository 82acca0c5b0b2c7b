"""The demo's district item bank: about 150 items of every type across grades 6–8, some
with math, a shared passage and an image, found by the demo teacher by standard."""

from __future__ import annotations

import datetime
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from masterly.accounts.models import User
from masterly.assessments.items.models import InteractionType, Item, ItemVersion, Scope
from masterly.assessments.items.selectors import BankFilters, bank_items, standard_by_code
from masterly.demo import build_demo
from masterly.demo.items import build_items_demo
from masterly.demo.standards import build_standards_demo
from masterly.standards.models import Standard

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


@pytest.fixture(scope="module")
def seconds(django_db_setup: Any, django_db_blocker: Any) -> Iterator[float]:
    """The rosters, the standards and the item bank built once; how long the bank took."""
    with django_db_blocker.unblock(), transaction.atomic():
        build_demo(today=TODAY)
        standards = build_standards_demo(courses=[])
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            build_items_demo(framework=standards.framework, admin=standards.admin)
        assert len(queries) < 40, "the bank is written in bulk, not item by item"
        yield time.monotonic() - started
        transaction.set_rollback(True)


def test_the_bank_has_about_150_district_items_of_every_type(seconds: float) -> None:
    items = Item.objects.all()
    assert items.count() == 150
    assert set(items.values_list("scope", flat=True)) == {Scope.DISTRICT}
    types = Counter(ItemVersion.objects.values_list("interaction", flat=True))
    assert set(types) == set(InteractionType.values)
    assert min(types.values()) >= 20
    grades = set(
        Standard.objects.filter(item_alignments__isnull=False).values_list("grade_keys", flat=True)
    )
    assert grades == {",06,", ",07,", ",08,"}


def test_some_items_have_math_a_passage_and_an_image(seconds: float) -> None:
    versions = ItemVersion.objects.all()
    assert versions.filter(stem_source__contains="\\(").count() >= 60
    assert versions.filter(stem_source__contains="\\frac").count() >= 5
    assert versions.filter(stimulus__isnull=False).count() >= 5
    assert versions.filter(images__isnull=False).count() >= 5


def test_the_demo_teacher_finds_items_by_domain(seconds: float) -> None:
    teacher = User.objects.get(username="teacher")
    domain = standard_by_code("6.RP")
    assert domain is not None and domain.item_type.lower() == "domain"
    found = bank_items(teacher, BankFilters(standard=domain))
    assert found.count() >= 3
    assert User.objects.get(username="student") not in found.values_list("owner", flat=True)


def test_the_bank_is_built_fast_and_only_once(seconds: float) -> None:
    assert seconds < 15
    admin = Item.objects.values_list("owner", flat=True).first()
    framework = Standard.objects.get(human_coding_scheme="6.RP.A.1").framework
    again = build_items_demo(framework=framework, admin=User.objects.get(pk=admin))
    assert again.made == 0 and Item.objects.count() == 150
