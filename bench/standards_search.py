"""Benchmark: searching 50,000 standards by code and by words (target: under 50 ms).

    .venv/bin/python bench/standards_search.py                # SQLite in a temporary folder
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/masterly \
        .venv/bin/python bench/standards_search.py
    .venv/bin/python bench/standards_search.py --standards 5000   # quicker

It builds a framework of about 50,000 items (grades → domains → clusters → standards →
components) whose statements are drawn from the Common Core package's own words, imports it
through the real import service, then times each search the way the browser page runs it: the
count for the pager and the first page of 25 rows. The raw baseline, in the same run, is the
naive search a first version would write: a case-insensitive substring scan of the statements.
Full-page timings (request → HTML, through Django's test client) are shown for two searches.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from case_import import bench_database

RUNS = 25


def timed(action: Callable[[], Any], runs: int = RUNS) -> float:
    action()  # warm caches and the query plan
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def build_package(size: int, vocabulary: list[str], weights: list[int]) -> Any:
    from masterly.standards.packages import (
        AssociationData,
        FrameworkData,
        FrameworkPackage,
        ItemData,
        NodeRef,
    )

    rng = random.Random(2026)
    items: list[ItemData] = []
    links: list[AssociationData] = []
    doc = "bench-framework"

    def add(identifier: str, parent: str, code: str, kind: str, level: str, words: int) -> None:
        statement = " ".join(rng.choices(vocabulary, weights, k=words)).capitalize() + "."
        items.append(
            ItemData(
                identifier=identifier,
                full_statement=statement,
                human_coding_scheme=code,
                item_type=kind,
                education_level=[level],
            )
        )
        links.append(
            AssociationData(
                identifier=f"a-{identifier}",
                association_type="isChildOf",
                origin=NodeRef(identifier),
                destination=NodeRef(parent, uri=f"urn:{parent}"),
            )
        )

    per_cluster = max(1, size // (13 * 8 * 8 * 4))
    for g in range(13):
        level = "KG" if g == 0 else f"{g:02d}"
        grade = f"g{g}"
        add(grade, doc, "", "Grade Level", level, 2)
        for d in range(8):
            domain = f"{grade}d{d}"
            add(domain, grade, "", "Domain", level, 4)
            for c in range(8):
                cluster = f"{domain}c{c}"
                add(cluster, domain, f"G{g}.D{d}.C{c}", "Cluster", level, 10)
                for s in range(per_cluster):
                    standard = f"{cluster}s{s}"
                    code = f"G{g}.D{d}.C{c}.S{s}"
                    add(standard, cluster, code, "Standard", level, 22)
                    for part in "abc":
                        add(f"{standard}{part}", standard, f"{code}.{part}", "Component", level, 16)
    return FrameworkPackage(
        framework=FrameworkData(identifier=doc, title="Benchmark framework"),
        items=items,
        associations=links,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--standards", type=int, default=50_000)
    args = parser.parse_args()

    with bench_database("standards_search") as vendor:
        from django.core.paginator import Paginator
        from django.test import Client

        from masterly.accounts.models import User
        from masterly.demo.reference import CCSS_MATH_CASE
        from masterly.standards.models import Framework, Standard, StandardTerm
        from masterly.standards.selectors import StandardFilters, search_results, standards_search
        from masterly.standards.services import framework_import
        from masterly.standards.text import STOP_WORDS, words

        ccss = json.loads(CCSS_MATH_CASE.read_bytes())
        counted = Counter(
            word
            for item in ccss["CFItems"]
            for word in words(item["fullStatement"])
            if word not in STOP_WORDS and len(word) > 2
        )
        vocabulary = list(counted)
        weights = [counted[word] for word in vocabulary]

        package = build_package(args.standards, vocabulary, weights)
        start = time.perf_counter()
        framework_import(actor=None, package=package)
        import_s = time.perf_counter() - start
        framework = Framework.objects.get()
        total = Standard.objects.count()
        terms = StandardTerm.objects.count()

        common = counted.most_common(1)[0][0]
        rare = counted.most_common()[len(counted) // 2][0]
        pair = " ".join(word for word, _ in counted.most_common(12)[10:12])
        grade6 = Standard.objects.get(identifier="g6d3")
        searches: list[tuple[str, StandardFilters]] = [
            ("code, exact", StandardFilters(query="G6.D3.C2.S7")),
            ("code, start of", StandardFilters(query="G6.D3")),
            (f"one common word ({common})", StandardFilters(query=common)),
            (f"one rarer word ({rare})", StandardFilters(query=rare)),
            (f"two words ({pair})", StandardFilters(query=pair)),
            ("start of a word (rat)", StandardFilters(query="rat")),
            (f"word + grade 6 ({common})", StandardFilters(query=common, grade="06")),
            ("grade + domain, no words", StandardFilters(grade="06", domain=grade6)),
            (
                "framework + grade + word",
                StandardFilters(query=rare, framework=framework, grade="06"),
            ),
        ]

        def page_of(filters: StandardFilters) -> Callable[[], tuple[int, int]]:
            def run() -> tuple[int, int]:
                paginator = Paginator(search_results(filters), 25)
                page = paginator.get_page(1)
                return paginator.count, len(list(page.object_list))

            return run

        def naive(word: str) -> Callable[[], tuple[int, int]]:
            def run() -> tuple[int, int]:
                found = Standard.objects.filter(full_statement__icontains=word).order_by(
                    "framework_id", "tree_path"
                )
                return found.count(), len(list(found[:25]))

            return run

        print(
            f"Standards search on {vendor}: {total:,} items, {terms:,} indexed words "
            f"(imported in {import_s:.1f} s)"
        )
        print(f"  {'search':44} {'matches':>8} {'time':>9}")
        worst = 0.0
        for label, filters in searches:
            matches = standards_search(filters).count()
            ms = timed(page_of(filters))
            worst = max(worst, ms)
            print(f"  {label:44} {matches:>8,} {ms:>7.1f} ms")
        for word in (common, rare):
            indexed = timed(page_of(StandardFilters(query=word)))
            scan = timed(naive(word), runs=5)
            print(
                f"  raw baseline, substring scan for {word!r:22} {scan:>7.1f} ms "
                f"(indexed search {indexed:.1f} ms, {scan / indexed:.1f}× faster)"
            )

        user = User.objects.create_user("bench", password="x")  # noqa: S106
        client = Client()
        client.force_login(user)
        for label, params in (
            ("page: words", {"q": common}),
            ("page: code", {"q": "G6.D3"}),
        ):
            ms = timed(lambda params=params: client.get("/standards/", params), runs=10)
            print(f"  full {label:39} {'':>8} {ms:>7.1f} ms")
        print(
            f"  slowest search: {worst:.1f} ms; target < 50 ms: {'met' if worst < 50 else 'MISSED'}"
        )


if __name__ == "__main__":
    main()
