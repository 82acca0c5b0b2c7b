"""Browser tests: Debian's Chromium driven by Playwright (sync API) against ``live_server``.

Without ``/usr/bin/chromium`` the browser tests are skipped, loudly (a skip reason and a
banner at the end of the run), except under ``CI=true``, where a missing browser fails them.
Screenshots go to ``/tmp/masterly-shots/`` (outside the repository) for people to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connections

# MASTERLY_CHROMIUM points elsewhere (used to check the missing-browser behaviour).
CHROMIUM = Path(os.environ.get("MASTERLY_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
SHOTS = Path("/tmp/masterly-shots")  # noqa: S108 - outside the repository on purpose
MISSING = (
    "BROWSER TESTS SKIPPED: install Debian's chromium (apt-get install chromium); "
    f"{CHROMIUM} was not found"
)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def pytest_report_header(config: pytest.Config) -> str | None:
    # Shown when this folder is named on the command line (an "initial" conftest).
    if CHROMIUM.exists():
        return f"browser tests: {CHROMIUM}"
    return MISSING + (" (CI=true: they will FAIL)" if in_ci() else "")


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if CHROMIUM.exists():
        return
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if "BROWSER TESTS SKIPPED" in str(report.longrepr)
    ]
    if skipped:
        terminalreporter.write_sep("!", MISSING, red=True, bold=True)
        terminalreporter.write_line(
            f"{len(skipped)} browser tests did not run. Install the browser: "
            "sudo apt-get install chromium",
            red=True,
        )


@pytest.fixture
def browser(live_server: Any) -> Iterator[Any]:
    """A fresh Chromium per test: Playwright's sync API keeps an asyncio loop running in this
    thread while it is started, and Django refuses database work in a thread with a running
    loop, so Playwright must be stopped before the test database is cleaned up (and before
    any other test runs)."""
    if not CHROMIUM.exists():
        if in_ci():
            pytest.fail(
                f"BROWSER TESTS FAILED: {CHROMIUM} was not found, and under CI=true the browser "
                "tests must run. Install Debian's chromium (apt-get install chromium).",
                pytrace=False,
            )
        pytest.skip(MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        _share_live_server_connections(live_server)
        yield chromium
        chromium.close()
        # The ORM calls made while Playwright's loop runs go through connections of their own:
        # asgiref keeps a thread's database connections apart for the time a loop runs in it.
        # Closed here, while that is still so; otherwise the last test's connection stays open
        # and PostgreSQL refuses to drop the test database at the end of the session.
        connections.close_all()


def _share_live_server_connections(live_server: Any) -> None:
    """While Playwright's loop runs, this thread's ORM calls use the live server's connection.

    The in-memory SQLite test database is shared-cache: a second connection to it (asgiref
    gives this thread one while a loop runs) takes table locks, and reading a table the
    server is writing fails at once with "database table is locked", whatever the busy
    timeout. The server's own connection is shared with its threads already (PostgreSQL
    needs nothing: nothing is overridden for it)."""
    for alias, connection in live_server.thread.connections_override.items():
        connections[alias] = connection


@pytest.fixture(autouse=True)
def _browser_test_setup(transactional_db: None, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # While Playwright runs, this thread has a running asyncio loop; the ORM calls the tests
    # make beside it are still plain synchronous calls, so Django's guard is lifted, for
    # browser tests only (the browser fixture stops Playwright before this is undone).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    cache.clear()  # sign-in rate limits count per IP address: every test starts afresh
    yield
    cache.clear()


# Every page a browser test opens is held to the Content-Security-Policy: the browser fires
# ``securitypolicyviolation`` for each thing the policy blocked (reported through a binding,
# which survives navigation) and logs it, with any Permissions-Policy error, to the console.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"}`
    + ` on ${event.documentURI} (${event.sourceFile}:${event.lineNumber})`);
});
"""
_POLICY_ERRORS = ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")


def watch_policies(context: Any) -> list[str]:
    """The violations and policy errors ``context``'s pages report, as they come."""
    found: list[str] = []
    context.expose_binding("reportCspViolation", lambda _source, text: found.append(text))
    context.add_init_script(_REPORT_VIOLATIONS)

    def on_console(message: Any) -> None:
        if any(word in message.text for word in _POLICY_ERRORS):
            found.append(f"console {message.type}: {message.text}")

    context.on("console", on_console)
    return found


def policy_violations(page: Any) -> list[str]:
    """What the policies have reported on ``page``'s context so far (see watch_policies)."""
    return page.context.policy_violations  # type: ignore[no-any-return]


def _new_page(browser: Any, live_server: Any, viewport: dict[str, int]) -> Iterator[Any]:
    context = browser.new_context(
        viewport=viewport, base_url=live_server.url, locale="en-US", timezone_id="America/New_York"
    )
    context.set_default_timeout(15_000)
    context.policy_violations = watch_policies(context)
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    assert not context.policy_violations, "the page broke its policies:\n" + "\n".join(
        context.policy_violations
    )


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    yield from _new_page(browser, live_server, DESKTOP)


@pytest.fixture
def phone_page(browser: Any, live_server: Any) -> Iterator[Any]:
    yield from _new_page(browser, live_server, PHONE)


def screenshot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / (re.sub(r"[^a-z0-9_-]+", "-", name.lower()) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results.response["violations"]
        if v.get("impact") in {"serious", "critical"}
    ]
