"""The CASE URL import refuses internal and non-web targets before connecting.

Every refused address is tried through the command line, the web form and the worker (which
checks again, in case the host's DNS answer changed since the form). Each one shows its clear
message, makes no connection (the process's real socket calls are recorded), fetches nothing
from the loopback CASE API that is listening, and changes nothing.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from masterly.integrations.case.models import CaseImportRun
from masterly.integrations.case.tasks import run_case_import
from masterly.standards.models import Framework
from tests.case.case_packages import DOC, counts
from tests.case.case_server import LoopbackCaseApi, closed_port, connections
from tests.conftest import World

pytestmark = pytest.mark.django_db

PACKAGE_PATH = f"/ims/case/v1p0/CFPackages/{DOC}"
NOT_WEB = "is not an http:// or https:// address"
ROOT = Path(__file__).resolve().parents[2]
READ_ALLOW_LIST = (
    "import django; django.setup(); from django.conf import settings; "
    "print(settings.CASE_URL_ALLOWED_HOSTS)"
)


@pytest.fixture
def api() -> Iterator[LoopbackCaseApi]:
    """A CASE API listening on loopback, which production settings must never reach."""
    served = LoopbackCaseApi()
    yield served
    served.close()


@pytest.fixture
def api6() -> Iterator[LoopbackCaseApi]:
    served = LoopbackCaseApi(host="::1")
    yield served
    served.close()


def refused_targets(api: LoopbackCaseApi, api6: LoopbackCaseApi) -> list[tuple[str, str]]:
    """(address, what the message must say) for every target the import refuses."""
    port = api.port
    return [
        (api.url("127.0.0.1"), "127.0.0.1 is a loopback address"),
        (api.url("localhost"), "localhost resolves to 127.0.0.1, a loopback address"),
        (api6.url("[::1]"), "::1 is a loopback address"),
        (api.url("[::ffff:127.0.0.1]"), "::ffff:127.0.0.1 is a loopback address"),
        (api.url("2130706433"), "2130706433 resolves to 127.0.0.1, a loopback address"),
        (api.url("0x7f.1"), "0x7f.1 resolves to 127.0.0.1, a loopback address"),
        (api.url("0.0.0.0"), "0.0.0.0 is an unspecified address"),  # noqa: S104
        (f"http://10.0.0.5:{port}{PACKAGE_PATH}", "10.0.0.5 is a private network address"),
        (f"http://172.16.4.4{PACKAGE_PATH}", "172.16.4.4 is a private network address"),
        (f"https://192.168.1.10{PACKAGE_PATH}", "192.168.1.10 is a private network address"),
        (f"http://[fd00::5]{PACKAGE_PATH}", "fd00::5 is a private network address"),
        (
            "http://169.254.169.254/latest/meta-data/CFPackages/x",
            "169.254.169.254 is a link-local address",
        ),
        (f"http://[fe80::1]{PACKAGE_PATH}", "fe80::1 is a link-local address"),
        (f"http://224.0.0.1{PACKAGE_PATH}", "224.0.0.1 is a multicast address"),
        (f"http://240.0.0.1{PACKAGE_PATH}", "240.0.0.1 is a reserved address"),
        ("file:///etc/passwd", NOT_WEB),
        (f"ftp://127.0.0.1:{port}{PACKAGE_PATH}", NOT_WEB),
        ("gopher://case.example.org/x", NOT_WEB),
    ]


def test_the_command_refuses_each_target_before_connecting(
    api: LoopbackCaseApi, api6: LoopbackCaseApi
) -> None:
    for address, message in refused_targets(api, api6):
        before = counts()
        with connections() as made, pytest.raises(CommandError) as refused:
            call_command("import_case", address, stdout=io.StringIO())
        assert message in str(refused.value), address
        assert "nothing was changed" in str(refused.value)
        assert made.connected == [], address
        assert counts() == before
    assert api.requests == [] and api6.requests == []


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_web_form_refuses_each_target_and_queues_nothing(
    world: World, api: LoopbackCaseApi, api6: LoopbackCaseApi
) -> None:
    client = signed_in(world.admin)
    for address, message in refused_targets(api, api6):
        with connections() as made:
            response = client.post(reverse("case_import"), {"url": address})
        page = response.content.decode()
        assert response.status_code == 200, address
        assert message in page, address
        assert "Choose a package file or give its address" not in page
        assert made.connected == [], address
    assert not CaseImportRun.objects.exists()
    assert not Framework.objects.exists()
    assert api.requests == [] and api6.requests == []


def test_the_worker_checks_again_before_connecting(
    world: World, api: LoopbackCaseApi, api6: LoopbackCaseApi
) -> None:
    for address, message in refused_targets(api, api6):
        run = CaseImportRun.objects.create(source_name=address, source_url=address)
        with connections() as made:
            run_case_import.call(run_id=str(run.pk))
        run.refresh_from_db()
        assert run.status == CaseImportRun.Status.FAILED, address
        assert any(message in error for error in run.errors), (address, run.errors)
        assert made.connected == [], address
    assert not Framework.objects.exists()
    assert api.requests == [] and api6.requests == []


def test_an_open_and_a_closed_port_get_the_same_message(api: LoopbackCaseApi) -> None:
    messages = []
    for port in (api.port, closed_port()):
        with pytest.raises(CommandError) as refused:
            call_command("import_case", f"http://127.0.0.1:{port}{PACKAGE_PATH}")
        messages.append(str(refused.value))
    assert messages[0] == messages[1]
    assert str(api.port) not in messages[0]


def test_a_redirect_to_loopback_is_refused_and_its_target_never_fetched(
    api: LoopbackCaseApi, settings: Any
) -> None:
    settings.CASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]  # the first hop only
    before = counts()
    for target, message in (
        (api.url("localhost"), "localhost resolves to 127.0.0.1, a loopback address"),
        (api.url("2130706433"), "2130706433 resolves to 127.0.0.1, a loopback address"),
        (f"http://169.254.169.254{PACKAGE_PATH}", "169.254.169.254 is a link-local address"),
        ("file:///etc/passwd", NOT_WEB),
    ):
        start = api.redirect_url(target)
        with connections() as made, pytest.raises(CommandError) as refused:
            call_command("import_case", start)
        assert f"redirects to {target}, which is refused" in str(refused.value)
        assert message in str(refused.value)
        assert made.connected == [("127.0.0.1", api.port)]  # the redirecting server only
    assert all(path.startswith("/redirect/") for path in api.requests)
    assert counts() == before


def test_the_allowed_loopback_server_works_through_a_checked_redirect(
    api: LoopbackCaseApi, settings: Any
) -> None:
    settings.CASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    out = io.StringIO()
    call_command("import_case", api.redirect_url(api.url()), stdout=out)
    assert "7 created" in out.getvalue()
    assert api.requests[-1] == PACKAGE_PATH


def test_the_connection_goes_to_the_address_that_was_checked(
    api: LoopbackCaseApi, settings: Any
) -> None:
    settings.CASE_URL_ALLOWED_HOSTS = ["localhost"]
    with connections() as made:
        call_command("import_case", api.url("localhost"), stdout=io.StringIO())
    # One lookup of the name; the connection is made to the resolved address, not the name.
    assert made.looked_up.count("localhost") == 1
    assert made.connected == [("127.0.0.1", api.port)]


def test_the_allow_list_is_empty_unless_the_environment_names_hosts() -> None:
    def allowed(env: dict[str, str]) -> str:
        settings_env = {
            key: value for key, value in os.environ.items() if key != "CASE_URL_ALLOWED_HOSTS"
        }
        result = subprocess.run(
            [sys.executable, "-c", READ_ALLOW_LIST],
            cwd=ROOT,
            env={**settings_env, "DJANGO_SETTINGS_MODULE": "config.settings_test", **env},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return result.stdout.strip()

    assert allowed({}) == "[]"
    assert allowed({"CASE_URL_ALLOWED_HOSTS": "Case.District.Local, [::1]"}) == (
        "['case.district.local', '::1']"
    )


@pytest.mark.parametrize("path", ["/big", "/big-undeclared"])
def test_a_download_past_the_cap_stops_with_a_message(
    api: LoopbackCaseApi, settings: Any, path: str
) -> None:
    settings.CASE_URL_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.CASE_MAX_PACKAGE_MB = 1  # BIG_BYTES is just past it
    before = counts()
    with pytest.raises(CommandError, match=r"is larger than 1 MB, .*CASE_MAX_PACKAGE_MB"):
        call_command("import_case", api.url(path=path))
    assert counts() == before


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("http://[::1", "http://[::1 is not a valid web address."),
        ("http://case.example.org:99999/x", "is not a valid web address."),
        ("http:///CFPackages/x", "http:///CFPackages/x has no host name."),
        ("http://case.invalid/CFPackages/x", "The host case.invalid could not be found."),
        ("javascript:alert(1)", NOT_WEB),
    ],
)
def test_a_malformed_address_is_named_and_nothing_changes(
    world: World, address: str, message: str
) -> None:
    with connections() as made:
        with pytest.raises(CommandError, match=re.escape(message)):
            call_command("import_case", address)
        page = signed_in(world.admin).post(reverse("case_import"), {"url": address})
    assert message in page.content.decode()
    assert made.connected == []
    assert not CaseImportRun.objects.exists() and not Framework.objects.exists()
