"""``masterly demo``: the described district, deterministic, safe, and its sign-ins work."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from masterly.demo import build_demo
from masterly.roster.models import (
    Org,
    RoleAssignment,
)
from masterly.standards.models import Framework
from masterly.trackers.models import Tracker
from tests.oneroster.builders import snapshot

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 23)


def demo(**options: object) -> str:
    out = io.StringIO()
    call_command("demo", today=TODAY, stdout=out, stderr=io.StringIO(), **options)
    return out.getvalue()


def role_counts() -> dict[str, int]:
    rows = RoleAssignment.objects.values_list("role").annotate(n=Count("id"))
    return dict(rows)


def test_if_empty_does_nothing_when_a_district_exists(world):
    before = snapshot()

    out = demo(if_empty=True)

    assert (
        out
        == "Using the district already in the database (the demo loads only into an empty one).\n"
    )
    assert snapshot() == before


def test_a_start_that_stopped_mid_demo_is_finished_by_the_next_start():
    # The first `make run` stopped (Ctrl+C) after the rosters, before standards and trackers.
    build_demo(today=TODAY)
    assert not Tracker.objects.exists()

    out = demo(if_empty=True)

    assert "An earlier start stopped before the demo district was finished: finishing it." in out
    assert Tracker.objects.filter(owner__username="teacher").count() == 2
    assert Framework.objects.count() == 1
    # Finished: the next start leaves it alone.
    before = snapshot()
    assert demo(if_empty=True).startswith("Using the district already in the database")
    assert snapshot() == before


def test_without_if_empty_a_real_district_is_never_touched(world):
    before = snapshot()

    with pytest.raises(CommandError, match="holds a district that is not the demo"):
        demo()

    assert snapshot() == before


def test_a_hand_made_account_named_like_a_demo_sign_in_stops_the_demo_cleanly(django_user_model):
    django_user_model.objects.create_superuser("admin", "admin@example.org", "pw-admin-123")

    with pytest.raises(CommandError, match="username “admin” already belongs to an account"):
        demo()
    assert not Org.objects.exists()

    err = io.StringIO()
    call_command("demo", if_empty=True, today=TODAY, stdout=io.StringIO(), stderr=err)
    assert "The demo district could not be loaded; nothing was changed." in err.getvalue()
