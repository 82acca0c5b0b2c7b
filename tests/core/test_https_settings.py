"""HTTPS from the environment: the redirect, HSTS and a TLS-terminating proxy's header are
switched on by variables, checked at start, and ``manage.py check --deploy`` reports nothing
for a production configuration set that way."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from config.env import SettingsError, check_hsts, proxy_ssl_header
from tests.core.test_settings_from_environment import _start

DEPLOY = ("manage.py", "check", "--deploy")
HTTPS = {
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def _production(tmp_path: Path, **https: str) -> dict[str, str]:
    return {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "masterly.example.org",
        "MASTERLY_DATA_DIR": str(tmp_path),
        "SECURE_COOKIES": "true",  # its default in production (the test settings turn it off)
        **https,
    }


def test_check_deploy_reports_nothing_for_production_settings_from_the_environment(
    tmp_path: Path,
) -> None:
    result = _start(_production(tmp_path, **HTTPS), command=DEPLOY)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert "WARNINGS" not in result.stderr, result.stderr


def test_check_deploy_names_what_is_missing_without_them(tmp_path: Path) -> None:
    result = _start(_production(tmp_path), command=DEPLOY)
    assert "security.W004" in result.stderr  # no HSTS
    assert "security.W008" in result.stderr  # no HTTPS redirect


def test_a_preload_without_subdomains_stops_masterly_with_what_to_set(tmp_path: Path) -> None:
    https = {**HTTPS, "SECURE_HSTS_INCLUDE_SUBDOMAINS": "false"}
    result = _start(_production(tmp_path, **https))
    assert result.returncode == 2
    assert "SECURE_HSTS_PRELOAD needs SECURE_HSTS_INCLUDE_SUBDOMAINS=true" in result.stderr


def test_a_bad_proxy_header_stops_masterly_naming_it(tmp_path: Path) -> None:
    https = {**HTTPS, "SECURE_PROXY_SSL_HEADER": "X-Forwarded-Proto: https"}
    result = _start(_production(tmp_path, **https))
    assert result.returncode == 2
    assert "SECURE_PROXY_SSL_HEADER='X-Forwarded-Proto: https' is not a header name" in (
        result.stderr
    )


def test_a_bad_hsts_age_is_named(tmp_path: Path) -> None:
    result = _start(_production(tmp_path, SECURE_HSTS_SECONDS="a year"))
    assert result.returncode == 2
    assert "SECURE_HSTS_SECONDS='a year' is not a whole number." in result.stderr


@pytest.mark.parametrize(
    ("value", "meaning"),
    [
        ("", None),
        ("X-Forwarded-Proto", ("HTTP_X_FORWARDED_PROTO", "https")),
        ("x-forwarded-ssl=on", ("HTTP_X_FORWARDED_SSL", "on")),
        (" Front-End-Https = on ", ("HTTP_FRONT_END_HTTPS", "on")),
    ],
)
def test_the_proxy_header_is_read(
    monkeypatch: pytest.MonkeyPatch, value: str, meaning: tuple[str, str] | None
) -> None:
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", value)
    assert proxy_ssl_header("SECURE_PROXY_SSL_HEADER") == meaning


@pytest.mark.parametrize(
    "value", ["X_Forwarded_Proto", "X-Forwarded-Proto=", "X-Forwarded-Proto=a b", "-Proto"]
)
def test_a_proxy_header_that_is_not_a_header_is_refused(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("SECURE_PROXY_SSL_HEADER", value)
    with pytest.raises(SettingsError, match="is not a header name with an optional value"):
        proxy_ssl_header("SECURE_PROXY_SSL_HEADER")


@pytest.mark.parametrize(
    ("seconds", "include_subdomains", "preload", "message"),
    [
        (0, True, False, "do nothing without SECURE_HSTS_SECONDS"),
        (0, False, True, "do nothing without SECURE_HSTS_SECONDS"),
        (3600, True, True, "SECONDS of at least 31536000"),
        (31536000, False, True, "needs SECURE_HSTS_INCLUDE_SUBDOMAINS=true"),
    ],
)
def test_hsts_options_that_do_nothing_or_cannot_preload_are_refused(
    seconds: int, include_subdomains: bool, preload: bool, message: str
) -> None:
    with pytest.raises(SettingsError, match=message):
        check_hsts(seconds=seconds, include_subdomains=include_subdomains, preload=preload)


def test_hsts_alone_or_with_subdomains_is_accepted() -> None:
    check_hsts(seconds=3600, include_subdomains=False, preload=False)
    check_hsts(seconds=63072000, include_subdomains=True, preload=True)
