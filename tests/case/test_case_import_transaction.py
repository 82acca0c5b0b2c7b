"""A CASE import reads and checks its package before it opens its one write transaction, so on
SQLite score saves and the worker wait only for the writes (bench/case_import.py times it)."""

from __future__ import annotations

import pytest
from django.db import connection

from masterly.integrations.case.importer import import_case_package
from masterly.standards.models import Standard
from tests.case.case_packages import CCSS_PATH


@pytest.mark.django_db(transaction=True)  # so the test's own transaction does not hide the import's
def test_reading_and_checking_happen_before_the_write_transaction() -> None:
    phases: dict[str, set[bool]] = {}

    def progress(phase: str, done: int, total: int) -> None:
        phases.setdefault(phase, set()).add(connection.in_atomic_block)

    import_case_package(actor=None, data=CCSS_PATH.read_bytes(), source="ccss", progress=progress)

    assert phases["Reading the package"] == {False}
    assert phases["Checking the package"] == {False}
    assert phases["Writing items"] == {True}
    assert phases["Done"] == {False}
    assert Standard.objects.count() == 746
