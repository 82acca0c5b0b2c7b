"""Sign-in limits come from the environment (SIGNIN_*), checked at start like every setting."""

from __future__ import annotations

import pytest
from allauth.account import app_settings as allauth_settings
from django.conf import settings

from config.env import SettingsError, sign_in_limits
from tests.core.test_settings_from_environment import _start

SIGNIN_VARIABLES = (
    "SIGNIN_FAILURES_PER_ACCOUNT",
    "SIGNIN_FAILURES_PER_ADDRESS",
    "SIGNIN_FAILURE_WINDOW_MINUTES",
    "SIGNIN_TRUSTED_PROXY_COUNT",
)


@pytest.fixture(autouse=True)
def _no_signin_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in SIGNIN_VARIABLES:
        monkeypatch.delenv(name, raising=False)


def test_defaults_suit_a_school_behind_one_address() -> None:
    limits = sign_in_limits()
    assert limits.allauth_rate_limits() == {
        "login": "",
        "login_failed": "6/10m/key",
        "login_failed_address": "300/10m/ip",
    }
    assert limits.trusted_proxy_count == 0


def test_the_running_settings_use_them() -> None:
    rates = allauth_settings.RATE_LIMITS
    assert rates["login"] == ""  # correct sign-ins are never limited
    assert rates["login_failed"] == "6/10m/key"
    assert rates["login_failed_address"] == "300/10m/ip"
    assert settings.ALLAUTH_TRUSTED_PROXY_COUNT == 0


def test_each_limit_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIGNIN_FAILURES_PER_ACCOUNT", "8")
    monkeypatch.setenv("SIGNIN_FAILURES_PER_ADDRESS", "1000")
    monkeypatch.setenv("SIGNIN_FAILURE_WINDOW_MINUTES", "5")
    monkeypatch.setenv("SIGNIN_TRUSTED_PROXY_COUNT", "1")
    limits = sign_in_limits()
    assert limits.allauth_rate_limits()["login_failed"] == "8/5m/key"
    assert limits.allauth_rate_limits()["login_failed_address"] == "1000/5m/ip"
    assert limits.trusted_proxy_count == 1


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SIGNIN_FAILURES_PER_ACCOUNT", "0", "out of range; use 1 to 100"),
        ("SIGNIN_FAILURES_PER_ADDRESS", "many", "is not a whole number"),
        ("SIGNIN_FAILURE_WINDOW_MINUTES", "1441", "out of range; use 1 to 1440"),
        ("SIGNIN_TRUSTED_PROXY_COUNT", "-1", "out of range; use 0 to 10"),
    ],
)
def test_a_bad_value_is_named(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=f"{name}=.*{message}"):
        sign_in_limits()


def test_a_bad_value_stops_masterly_at_start() -> None:
    result = _start({"DEBUG": "1", "SIGNIN_FAILURE_WINDOW_MINUTES": "0"})
    assert result.returncode == 2
    assert (
        "Masterly cannot start: SIGNIN_FAILURE_WINDOW_MINUTES=0 is out of range; use 1 to 1440"
        in result.stderr
    )
