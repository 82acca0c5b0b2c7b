"""A guardian who activated keeps the username, email and password they chose through every
later roster import; a roster username colliding with a chosen one refuses nothing."""

from __future__ import annotations

import pytest

from masterly.accounts.models import User
from masterly.roster.activation import activation_codes_issue, activation_complete
from tests.oneroster.builders import district

pytestmark = pytest.mark.django_db

CHOSEN_PASSWORD = "Gina-chose-this-passphrase-7"


def _activate(username: str, email: str) -> User:
    guardian = User.objects.get(sourced_id="g1")
    activation_codes_issue(guardians=[guardian], created_by=None)
    code = guardian.activation_codes.get()
    return activation_complete(
        code_id=code.pk, username=username, email=email, password=CHOSEN_PASSWORD
    )


def test_a_reimport_keeps_the_chosen_sign_in_and_updates_the_rest(import_set):
    import_set(district())
    _activate("gina", "gina@home.example")
    roster = district()
    roster.row("users.csv", "g1")["familyName"] = "Adams-Ruiz"
    roster.row("users.csv", "g1")["email"] = "gadams@school.example"

    summary = import_set(roster)

    assert summary.changes == 1
    gina = User.objects.get(sourced_id="g1")
    assert (gina.username, gina.email) == ("gina", "gina@home.example")
    assert gina.last_name == "Adams-Ruiz"  # the roster still owns the name
    assert gina.check_password(CHOSEN_PASSWORD)


def test_a_roster_username_taken_by_a_chosen_one_refuses_nothing(import_set):
    import_set(district())
    _activate("tbaker2", "gina@home.example")
    roster = district()
    roster.add(
        "users.csv",
        sourcedId="t2",
        enabledUser="true",
        username="tbaker2",
        givenName="Tom",
        familyName="Baker",
        email="tom@example.org",
    )
    roster.add(
        "roles.csv",
        sourcedId="r-t2",
        userSourcedId="t2",
        roleType="primary",
        role="teacher",
        orgSourcedId="s1",
    )

    import_set(roster)  # raises if the import is refused

    tom = User.objects.get(sourced_id="t2")
    assert tom.username == "t2" and tom.is_active  # known by their sourcedId instead
    assert User.objects.get(sourced_id="g1").username == "tbaker2"


def test_people_who_did_not_choose_follow_the_roster(import_set):
    import_set(district())
    roster = district()
    roster.row("users.csv", "g2")["username"] = "gchen2"
    import_set(roster)
    assert User.objects.get(sourced_id="g2").username == "gchen2"
