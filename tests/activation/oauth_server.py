"""Google's and Clever's OAuth endpoints answered by a server on loopback, for the whole
allauth flow in tests: authorize (redirects back with a code), token, and the user's record."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

CODE = "one-time-authorization-code"
TOKEN = "access-token-from-provider"


@dataclass
class Provider:
    """What the fake provider answers; ``calls`` records the paths it was asked for."""

    google_user: dict[str, Any] = field(default_factory=dict)
    clever_user: dict[str, Any] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    base: str = ""


def _handler(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _json(self, body: dict[str, Any], status: int = 200) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorized(self) -> bool:
            if self.headers.get("Authorization") == f"Bearer {TOKEN}":
                return True
            self._json({"error": "unauthorized"}, 401)
            return False

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            provider.calls.append(parts.path)
            if parts.path == "/authorize":
                query = parse_qs(parts.query)
                back = query["redirect_uri"][0]
                state = query["state"][0]
                self.send_response(302)
                self.send_header("Location", f"{back}?{urlencode({'code': CODE, 'state': state})}")
                self.end_headers()
            elif parts.path == "/userinfo" and self._authorized():
                self._json(provider.google_user)
            elif parts.path == "/v3.0/me" and self._authorized():
                self._json({"data": {"id": provider.clever_user["data"]["id"]}})
            elif parts.path.startswith("/v3.0/users/") and self._authorized():
                self._json(provider.clever_user)
            elif not self.wfile.closed and parts.path not in {"/userinfo", "/v3.0/me"}:
                self._json({"error": "not found"}, 404)

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            provider.calls.append(self.path)
            if self.path == "/token" and form.get("code") == [CODE]:
                self._json({"access_token": TOKEN, "token_type": "Bearer", "expires_in": 3600})
            else:
                self._json({"error": "invalid_grant"}, 400)

    return Handler


@contextmanager
def provider_server() -> Iterator[Provider]:
    provider = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider))
    provider.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield provider
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
