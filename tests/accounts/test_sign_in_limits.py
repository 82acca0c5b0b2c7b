"""Sign-in limits protect accounts, not addresses: a classroom behind one address signs in at
once, and wrong passwords throttle only the account they were tried on (issue 11)."""

from __future__ import annotations

import re
import time
from types import SimpleNamespace

import pytest
from allauth.core.internal import ratelimit
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from masterly.accounts import sign_in_limits
from masterly.accounts.models import User
from tests.conftest import World
from tests.factories import PASSWORD

SCHOOL_ADDRESS = "203.0.113.7"  # every student of the school behind one NAT address
OTHER_ADDRESS = "198.51.100.20"
ACCOUNT_PAUSED = "Too many wrong passwords for this username or email address"
NETWORK_PAUSED = "Too many failed sign-ins from your network"


def sign_in(login: str, password: str = PASSWORD, address: str = SCHOOL_ADDRESS) -> Client:
    """A fresh browser at ``address`` signs in; its session tells whether it got in."""
    client = Client(REMOTE_ADDR=address)
    client.post(reverse("account_login"), {"login": login, "password": password})
    return client


def page_after(login: str, password: str = PASSWORD, address: str = SCHOOL_ADDRESS) -> str:
    client = Client(REMOTE_ADDR=address)
    response = client.post(reverse("account_login"), {"login": login, "password": password})
    assert response.status_code == 200  # the sign-in page again, not 429
    return response.content.decode()


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def same_page(first: str, second: str) -> bool:
    """Equal but for the CSRF token, which differs on every page."""
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    return token.sub("", first) == token.sub("", second)


def fail_times(count: int, login: str, address: str = SCHOOL_ADDRESS) -> None:
    for _ in range(count):
        assert not signed_in(sign_in(login, "wrong-password", address))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> SimpleNamespace:
    """The rate limits' wall clock, to be moved on; locks still wait in real time."""
    moved = SimpleNamespace(now=time.time())
    fake_time = SimpleNamespace(time=lambda: moved.now, monotonic=time.monotonic, sleep=time.sleep)
    monkeypatch.setattr(ratelimit, "time", fake_time)
    monkeypatch.setattr(sign_in_limits, "time", fake_time)
    return moved


def test_300_students_sign_in_from_one_address_within_a_minute(
    db: None, clock: SimpleNamespace
) -> None:
    """The rate limits' clock stands still, so all 300 fall in one instant of every window,
    however long this machine takes to run them."""
    password = make_password(PASSWORD)
    User.objects.bulk_create(
        User(username=f"student{n:03}", email=f"student{n:03}@example.org", password=password)
        for n in range(300)
    )
    started = time.perf_counter()
    # One in ten mistypes first, as a real class does; the mistakes pause nobody.
    signed_in_count = 0
    for n in range(300):
        if n % 10 == 0:
            fail_times(1, f"student{n:03}")
        login = f"student{n:03}" if n % 2 else f"Student{n:03}@Example.org"
        signed_in_count += signed_in(sign_in(login))
    elapsed = time.perf_counter() - started
    print(f"300 sign-ins and 30 failures from one address in {elapsed:.1f} s")
    assert signed_in_count == 300


def test_six_wrong_passwords_pause_the_account_through_username_and_email(
    world: World,
) -> None:
    # Three guesses by username, three by email address in other letter cases: one account.
    fail_times(3, "student")
    fail_times(3, world.student.email.upper())
    for login in ("student", "STUDENT", world.student.email):
        html = page_after(login)  # even with the right password
        assert ACCOUNT_PAUSED in html and "Try again in 10 minutes" in html
        assert 'role="alert"' in html
    assert not signed_in(sign_in("student", address=OTHER_ADDRESS))  # the account, anywhere
    # Nobody else at the school's address is held up.
    assert signed_in(sign_in("other_student"))
    assert signed_in(sign_in(world.teacher.email))


def test_a_paused_unknown_name_looks_like_a_paused_account(world: World) -> None:
    """The page cannot be used to learn whether an account exists."""
    fail_times(6, "student")
    fail_times(6, "nobody-by-this-name")
    known, unknown = page_after("student"), page_after("nobody-by-this-name")
    assert ACCOUNT_PAUSED in known and ACCOUNT_PAUSED in unknown
    assert same_page(known.replace("student", "X"), unknown.replace("nobody-by-this-name", "X"))


def test_five_failures_leave_the_account_open_and_a_correct_password_forgets_them(
    world: World,
) -> None:
    fail_times(5, "student")
    assert signed_in(sign_in("student"))
    fail_times(5, world.student.email)  # counted afresh after the right password
    assert signed_in(sign_in(world.student.email))


def test_the_pause_ends_after_the_configured_window(world: World, clock: SimpleNamespace) -> None:
    fail_times(6, "student")
    clock.now += 9 * 60 + 59
    assert ACCOUNT_PAUSED in page_after("student")
    clock.now += 2
    assert signed_in(sign_in("student"))


@override_settings(
    ACCOUNT_RATE_LIMITS={"login_failed": "6/1m/key", "login_failed_address": "300/1m/ip"}
)
def test_a_one_minute_window_says_one_minute(world: World) -> None:
    fail_times(6, "student")
    assert "Try again in 1 minute," in page_after("student")


@override_settings(
    ACCOUNT_RATE_LIMITS={"login_failed": "6/10m/key", "login_failed_address": "4/10m/ip"}
)
def test_an_address_is_paused_only_by_failures(world: World) -> None:
    for _ in range(20):  # correct sign-ins never count against the address
        assert signed_in(sign_in("student"))
    for login in ("student", "other_student", "teacher", "nobody"):
        fail_times(1, login)
    html = page_after("other_teacher")
    assert NETWORK_PAUSED in html and "Try again in 10 minutes" in html
    assert ACCOUNT_PAUSED not in html
    assert signed_in(sign_in("other_teacher", address=OTHER_ADDRESS))


@override_settings(
    ACCOUNT_RATE_LIMITS={"login_failed": "6/10m/key", "login_failed_address": "4/10m/ip"},
    ALLAUTH_TRUSTED_PROXY_COUNT=1,
)
def test_behind_a_trusted_proxy_each_client_address_counts_apart(world: World) -> None:
    def through_proxy(client_address: str) -> Client:
        # The proxy appends the address it saw; whatever the client sent before it is ignored.
        forwarded = f"{OTHER_ADDRESS}, {client_address}"
        return Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    for login in ("student", "other_student", "teacher", "nobody"):
        through_proxy(SCHOOL_ADDRESS).post(
            reverse("account_login"), {"login": login, "password": "wrong-password"}
        )
    paused = through_proxy(SCHOOL_ADDRESS).post(
        reverse("account_login"), {"login": "other_teacher", "password": PASSWORD}
    )
    assert NETWORK_PAUSED in paused.content.decode()
    home_client = through_proxy("192.0.2.55")
    home_client.post(reverse("account_login"), {"login": "other_teacher", "password": PASSWORD})
    assert signed_in(home_client)


def test_a_new_password_ends_the_pause(world: World, client: Client) -> None:
    fail_times(6, "parent")
    client.post(reverse("account_reset_password"), {"email": world.parent.email})
    link = next(w for w in mail.outbox[-1].body.split() if "/password/reset/key/" in w)
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
    )
    assert signed_in(sign_in("parent", "a-new-long-passphrase"))


def totp_code(secret: str) -> str:
    counter = int(time.time()) // 30
    return format_hotp_value(hotp_value(secret, counter))


# A code typed at the turn of a 30-second step is still taken, as on a real phone.
@override_settings(MFA_TOTP_TOLERANCE=1)
def test_staff_with_an_authenticator_app_still_sign_in_in_two_steps(world: World) -> None:
    secret = generate_totp_secret()
    TOTP.activate(world.teacher, secret)
    fail_times(6, "student")  # a classmate's account paused at the same address
    client = Client(REMOTE_ADDR=SCHOOL_ADDRESS)
    response = client.post(reverse("account_login"), {"login": "teacher", "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    assert not signed_in(client)
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and not signed_in(client)
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == reverse("home")
    assert signed_in(client)


@override_settings(MFA_TOTP_TOLERANCE=1)
def test_wrong_authenticator_codes_are_limited_like_passwords(world: World) -> None:
    secret = generate_totp_secret()
    TOTP.activate(world.teacher, secret)
    client = Client(REMOTE_ADDR=SCHOOL_ADDRESS)
    client.post(reverse("account_login"), {"login": "teacher", "password": PASSWORD})
    for _ in range(6):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    html = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)}).content.decode()
    assert "Too many failed login attempts" in html
    assert not signed_in(client)
