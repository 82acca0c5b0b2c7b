"""A CASE API served on loopback for the URL import's tests, and a record of connections.

``LoopbackCaseApi`` answers ``…/CFPackages/{DOC}`` with a package, ``/redirect/ADDRESS`` with
a 302 to ADDRESS, ``/big`` with more bytes than a test's cap, and 404 otherwise; it keeps every
path it was asked for, so a test can show that nothing was fetched. ``connections()`` records
the connections and host lookups this process makes, through Python's audit events (the real
socket calls, not a stand-in).
"""

from __future__ import annotations

import socket
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.case.case_packages import DOC, dumps, small_package

# Past a CASE_MAX_PACKAGE_MB of 1 (the tests' cap), within one of 2.
BIG_BYTES = 1024 * 1024 + 4096


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        api = self.server.api
        api.requests.append(self.path)
        if self.path.endswith(f"/CFPackages/{DOC}"):
            self._answer(200, api.package, {"Content-Type": "application/json"})
        elif self.path.startswith("/redirect/"):
            target = urllib.parse.unquote(self.path.removeprefix("/redirect/"))
            self._answer(302, b"", {"Location": target})
        elif self.path.startswith("/big"):
            # No Content-Length when asked for: the reader must count as it streams.
            declared = {} if "undeclared" in self.path else {"Content-Length": str(BIG_BYTES)}
            self._answer(200, b"x" * BIG_BYTES, declared)
        else:
            self._answer(404, b"", {})

    def _answer(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 200 or "Content-Length" in headers:
            self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return None


class _Server(ThreadingHTTPServer):
    api: LoopbackCaseApi


class _Server6(_Server):
    address_family = socket.AF_INET6


class LoopbackCaseApi:
    def __init__(self, host: str = "127.0.0.1", package: bytes | None = None) -> None:
        self.package = package if package is not None else dumps(small_package())
        self.requests: list[str] = []
        kind = _Server6 if ":" in host else _Server
        self.server = kind((host, 0), _Handler)
        self.server.api = self
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, host: str = "127.0.0.1", path: str = f"/ims/case/v1p0/CFPackages/{DOC}") -> str:
        return f"http://{host}:{self.port}{path}"

    def redirect_url(self, to: str, host: str = "127.0.0.1") -> str:
        return self.url(host, "/redirect/" + urllib.parse.quote(to, safe=""))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Connections:
    """Where this process connected to, and which host names it looked up."""

    connected: list[Any] = field(default_factory=list)
    looked_up: list[str] = field(default_factory=list)


_recording: list[Connections] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _recording:
        return
    if event == "socket.connect":
        _recording[-1].connected.append(args[1])
    elif event == "socket.getaddrinfo":
        _recording[-1].looked_up.append(str(args[0]))


# An audit hook cannot be removed; it records only inside ``connections()``.
sys.addaudithook(_audit)


@contextmanager
def connections() -> Iterator[Connections]:
    record = Connections()
    _recording.append(record)
    try:
        yield record
    finally:
        _recording.remove(record)


def closed_port() -> int:
    """A loopback port nothing listens on (it was just free)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
