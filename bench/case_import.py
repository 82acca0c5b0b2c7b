"""Benchmark: importing the shared Common Core CASE package (746 items), and importing it again.

    .venv/bin/python bench/case_import.py                 # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/masterly .venv/bin/python bench/case_import.py

Each round imports the package into an empty framework (parse, check, tree, bulk writes, word
index, audit row), then imports it again (which must write nothing). The raw baseline, in the
same run on the same database, is one bulk insert of the same items and associations with no
parsing, checking or index: what the writes alone cost. Target: under 3 seconds.

It also reports how long each import holds its write transaction (from its first statement
to the commit): reading, checking and placing the package happen before it, so on SQLite
other writers (score saves, the worker) wait at most that long.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@contextmanager
def bench_database(name: str) -> Iterator[str]:
    """Set Django up on a fresh, migrated database; yields the database vendor."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"masterly-bench-{name}-"))
    os.environ["MASTERLY_DATA_DIR"] = str(data_dir)
    os.environ["DEBUG"] = "0"  # DEBUG on would keep every query in memory
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-deployment")
    os.environ.setdefault("ALLOWED_HOSTS", "localhost,testserver")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    from django.conf import settings

    default = settings.DATABASES["default"]
    if default["ENGINE"].endswith("sqlite3"):
        default["TEST"] = {"NAME": str(data_dir / f"{name}.sqlite3")}
    else:
        default["TEST"] = {"NAME": f"{default['NAME']}_bench_{name}"}
    # Pages rendered by a benchmark need no collected, hashed static files.
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # Production settings, so the cache is the file cache under the temporary folder.
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        yield connection.vendor
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def write_transaction_spans() -> Iterator[list[float]]:
    """Seconds from each transaction's first statement to its commit, appended as they end."""
    from django.db import connection, transaction

    spans: list[float] = []
    opened: list[float] = []

    def closed() -> None:
        spans.append(time.perf_counter() - opened.pop())

    def watch(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if connection.in_atomic_block and not opened:
            opened.append(time.perf_counter())
            transaction.on_commit(closed)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    with bench_database("case_import") as vendor:
        from masterly.demo.reference import CCSS_MATH_CASE
        from masterly.integrations.case.importer import import_case_package
        from masterly.integrations.case.reader import read_package
        from masterly.standards.models import Association, Framework, Standard, StandardTerm

        path = CCSS_MATH_CASE
        data = path.read_bytes()

        def wipe() -> None:
            StandardTerm.objects.all().delete()
            Association.objects.all().delete()
            Standard.objects.update(parent=None, domain=None)
            Standard.objects.all().delete()
            Framework.objects.all().delete()

        first, again, baseline = [], [], []
        held_first: list[float] = []
        held_again: list[float] = []
        for _ in range(args.rounds):
            wipe()
            start = time.perf_counter()
            with write_transaction_spans() as spans:
                summary = import_case_package(actor=None, data=data, source=str(path))
            first.append(time.perf_counter() - start)
            held_first.extend(spans)
            if summary.items_created != 746:
                raise SystemExit(f"expected 746 items, got {summary.items_created}")

            start = time.perf_counter()
            with write_transaction_spans() as spans:
                summary = import_case_package(actor=None, data=data, source=str(path))
            again.append(time.perf_counter() - start)
            held_again.extend(spans)
            if summary.changes:
                raise SystemExit(f"the re-import changed {summary.changes} rows")

            # Raw baseline: the same rows, one bulk insert per table, nothing else.
            package = read_package(data)
            wipe()
            start = time.perf_counter()
            framework = Framework.objects.create(identifier="baseline", title="baseline")
            rows = Standard.objects.bulk_create(
                [
                    Standard(
                        framework=framework,
                        identifier=item.identifier,
                        full_statement=item.full_statement,
                        human_coding_scheme=item.human_coding_scheme,
                        education_level=item.education_level,
                        extra=item.extra,
                    )
                    for item in package.items
                ],
                batch_size=500,
            )
            pk_of = {row.identifier: row.pk for row in rows}
            Association.objects.bulk_create(
                [
                    Association(
                        framework=framework,
                        identifier=a.identifier,
                        association_type=a.association_type,
                        origin_id=pk_of.get(a.origin.identifier),
                        origin_identifier=a.origin.identifier,
                        destination_id=pk_of.get(a.destination.identifier),
                        destination_identifier=a.destination.identifier,
                    )
                    for a in package.associations
                ],
                batch_size=500,
            )
            baseline.append(time.perf_counter() - start)

        def ms(values: list[float]) -> str:
            return f"{statistics.median(values) * 1000:7.0f} ms"

        import_ms = statistics.median(first)
        print(f"CASE import of ccss-math.json (746 items, 746 associations) on {vendor}:")
        print(f"  first import (median of {args.rounds}): {ms(first)}")
        print(f"  re-import, 0 changes:          {ms(again)}")
        print(f"  raw bulk insert baseline:      {ms(baseline)}")
        for label, held in (("first", held_first), ("again", held_again)):
            longest = max(held) * 1000
            print(f"  write transaction held, {label}: {ms(held)} (longest {longest:.0f} ms)")
        print(f"  import / baseline:             {import_ms / statistics.median(baseline):7.1f}×")
        print(f"  target < 3000 ms:              {'met' if import_ms < 3 else 'MISSED'}")


if __name__ == "__main__":
    main()
