"""Reading settings from the environment, validated at start.

A bad value stops Masterly with one message that names the variable, what was given and what
is allowed, instead of failing later in an unrelated place (Healthchecks' ``envbool`` idea).
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}
# The browsers' HSTS preload list takes only a max-age of a year or more.
HSTS_PRELOAD_MINIMUM = 31_536_000
_HEADER_NAME = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")
_HEADER_VALUE = re.compile(r"[A-Za-z0-9._-]+")


class SettingsError(Exception):
    """A setting from the environment has a value Masterly cannot use."""


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise SettingsError(
        f"{name}={raw!r} is not a yes/no value. Use one of: true, false, 1, 0, yes, no, on, off."
    )


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 2**31) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a whole number.") from None
    if not minimum <= value <= maximum:
        raise SettingsError(f"{name}={value} is out of range; use {minimum} to {maximum}.")
    return value


def env_share(name: str, default: float) -> float:
    """A share between 0 and 1 (0.2 is a fifth)."""
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number; write a share such as 0.2.") from None
    if not 0 <= value <= 1:
        raise SettingsError(f"{name}={value} is out of range; use a share from 0 to 1, e.g. 0.2.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


@dataclass(frozen=True)
class SignInLimits:
    """How many failed sign-ins an account and an address may have within a window."""

    failures_per_account: int
    failures_per_address: int
    window_minutes: int
    trusted_proxy_count: int
    activation_codes_per_address: int = 20

    def allauth_rate_limits(self) -> dict[str, str]:
        """allauth's ACCOUNT_RATE_LIMITS entries (masterly/accounts/sign_in_limits.py)."""
        window = f"{self.window_minutes}m"
        return {
            "login": "",  # sign-ins as such are not limited: a classroom signs in at once
            "login_failed": f"{self.failures_per_account}/{window}/key",
            "login_failed_address": f"{self.failures_per_address}/{window}/ip",
        }

    def activation_rate_limit(self) -> str:
        """Activation codes one address may type within the window (right or wrong)."""
        return f"{self.activation_codes_per_address}/{self.window_minutes}m/ip"


def sign_in_limits() -> SignInLimits:
    return SignInLimits(
        failures_per_account=env_int("SIGNIN_FAILURES_PER_ACCOUNT", 6, minimum=1, maximum=100),
        failures_per_address=env_int(
            "SIGNIN_FAILURES_PER_ADDRESS", 300, minimum=1, maximum=1_000_000
        ),
        window_minutes=env_int("SIGNIN_FAILURE_WINDOW_MINUTES", 10, minimum=1, maximum=24 * 60),
        trusted_proxy_count=env_int("SIGNIN_TRUSTED_PROXY_COUNT", 0, minimum=0, maximum=10),
        activation_codes_per_address=env_int(
            "ACTIVATION_CODES_PER_ADDRESS", 20, minimum=1, maximum=100_000
        ),
    )


def secret_key(*, debug: bool) -> str:
    """SECRET_KEY from the environment; in development without one, a key for this process.

    ``make run`` remembers the key it uses in var/local.env (config/local.py), so a key made
    here only serves a development command run before ``make run`` ever was. It is put in the
    environment so that processes started from this one (runserver's reloader) share it.
    """
    key = env_str("SECRET_KEY")
    if key:
        if len(key) < 32:
            raise SettingsError("SECRET_KEY is too short: use at least 32 random characters.")
        return key
    if not debug:
        raise SettingsError(
            "SECRET_KEY is required when DEBUG is off. Set it to a long random string, for "
            "example: export SECRET_KEY=\"$(python3 -c 'import secrets; "
            "print(secrets.token_urlsafe(50))')\""
        )
    key = secrets.token_urlsafe(50)
    os.environ["SECRET_KEY"] = key
    return key


def database(url: str, *, data_dir: Path, busy_timeout: int = 20) -> dict[str, object]:
    """DATABASE_URL -> Django's DATABASES["default"]; SQLite under the data folder by default."""
    import dj_database_url

    if not url:
        data_dir.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{data_dir / 'masterly.sqlite3'}"
    scheme = url.split(":", 1)[0].lower()
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise SettingsError(
            f"DATABASE_URL uses {scheme!r}; Masterly supports sqlite:///PATH and "
            "postgres://USER@HOST:PORT/NAME."
        )
    try:
        config: dict[str, object] = dict(dj_database_url.parse(url))
    except ValueError as exc:
        raise SettingsError(f"DATABASE_URL could not be read: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets the web server read while the task worker writes; the busy timeout makes a
        # writer wait for the lock instead of failing at once; IMMEDIATE avoids upgrade deadlocks.
        config["OPTIONS"] = {
            "timeout": busy_timeout,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    else:
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    return config


def proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """``SECURE_PROXY_SSL_HEADER`` -> Django's ``("HTTP_X_FORWARDED_PROTO", "https")``.

    The variable names the header a TLS-terminating proxy sets, optionally with the value that
    means HTTPS: ``X-Forwarded-Proto`` (value ``https``) or ``X-Forwarded-Ssl=on``. Empty: no
    proxy is trusted, so a client cannot claim HTTPS by sending the header itself.
    """
    raw = env_str(name)
    if not raw:
        return None
    header, equals, value = raw.partition("=")
    header, value = header.strip(), value.strip() if equals else "https"
    if not _HEADER_NAME.fullmatch(header) or not _HEADER_VALUE.fullmatch(value):
        raise SettingsError(
            f"{name}={raw!r} is not a header name with an optional value: use for example "
            f"{name}=X-Forwarded-Proto (meaning X-Forwarded-Proto: https) or "
            f"{name}=X-Forwarded-Ssl=on."
        )
    return "HTTP_" + header.upper().replace("-", "_"), value


def check_hsts(*, seconds: int, include_subdomains: bool, preload: bool) -> None:
    """Refuse HSTS options that would do nothing, or a preload the browsers' list would reject."""
    if (include_subdomains or preload) and not seconds:
        raise SettingsError(
            "SECURE_HSTS_INCLUDE_SUBDOMAINS and SECURE_HSTS_PRELOAD do nothing without "
            "SECURE_HSTS_SECONDS: set it too, for example SECURE_HSTS_SECONDS=31536000."
        )
    if preload and (not include_subdomains or seconds < HSTS_PRELOAD_MINIMUM):
        raise SettingsError(
            "SECURE_HSTS_PRELOAD needs SECURE_HSTS_INCLUDE_SUBDOMAINS=true and "
            f"SECURE_HSTS_SECONDS of at least {HSTS_PRELOAD_MINIMUM} (one year): the browsers' "
            "preload list accepts nothing less."
        )
