"""While Playwright runs, a browser test reads the tables the live server is writing: on the
in-memory SQLite test database a second connection would fail at once with "database table
is locked" (the flake that once failed CI in the taking test)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.db import connections, transaction

pytestmark = pytest.mark.browser


def test_a_test_reads_a_table_while_the_server_writes_it(browser: Any, live_server: Any) -> None:
    shared = live_server.thread.connections_override.get("default")
    if shared is None:
        pytest.skip("only an in-memory SQLite database is shared with the live server")
    user_model = get_user_model()
    writing, finish = threading.Event(), threading.Event()

    def a_request_mid_save() -> None:
        connections["default"] = shared  # what the live server does for each request
        with transaction.atomic():
            user_model.objects.create(username="mid-save")
            writing.set()
            finish.wait(10)

    server = threading.Thread(target=a_request_mid_save)
    server.start()
    try:
        assert writing.wait(10)
        # The same connection: it sees the row the open transaction has written.
        assert user_model.objects.filter(username="mid-save").exists()
    finally:
        finish.set()
        server.join(10)
    assert user_model.objects.filter(username="mid-save").exists()
