"""The file cache keeps allauth's sign-in counters exact when several processes update them."""

from __future__ import annotations

import multiprocessing
import time
from pathlib import Path

from allauth.core.internal import ratelimit
from django.test import RequestFactory, override_settings

from masterly.core.file_cache import SharedFileCache

BACKEND = "masterly.core.file_cache.SharedFileCache"
RATES = {"attempt": "100000/10m/key"}
PROCESSES = 8
ATTEMPTS_EACH = 40


def _count_attempts(location: str) -> int:
    """One web worker recording failed attempts against one account through allauth."""
    with override_settings(CACHES={"default": {"BACKEND": BACKEND, "LOCATION": location}}):
        request = RequestFactory().post("/accounts/login/")
        counted = 0
        for _ in range(ATTEMPTS_EACH):
            usage = ratelimit.consume(
                request, app="allauth.account", action="attempt", config=RATES, key="student"
            )
            counted += usage is not None
        return counted


def test_counts_from_several_processes_are_all_kept(tmp_path: Path) -> None:
    location = str(tmp_path / "cache")
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        counted = sum(pool.map(_count_attempts, [location] * PROCESSES))
    elapsed = time.perf_counter() - started
    cache = SharedFileCache(location, {})
    rate = ratelimit.parse_rate(RATES["attempt"])
    request = RequestFactory().post("/accounts/login/")
    key = ratelimit.get_cache_key(
        request, app="allauth.account", action="attempt", rate=rate, key="student"
    )
    history = cache.get(key, [])
    print(f"{counted} attempts counted by {PROCESSES} processes in {elapsed:.2f} s")
    # An attempt allauth reports as counted is in the shared history: none is lost to a race.
    assert len(history) == counted
    # allauth gives up on its lock after a second (the attempt is then refused, not lost); on a
    # busy test machine a few may, but most are counted.
    assert counted >= PROCESSES * ATTEMPTS_EACH // 2


def test_culling_removes_expired_entries_before_live_ones(tmp_path: Path) -> None:
    cache = SharedFileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})
    for number in range(5):
        cache.set(f"live-{number}", number, timeout=600)
    for number in range(5):
        cache.set(f"stale-{number}", number, timeout=1)
    time.sleep(1.1)
    cache.set("one-more", 1, timeout=600)  # 10 entries: culling runs
    assert [cache.get(f"live-{number}") for number in range(5)] == [0, 1, 2, 3, 4]
    assert cache.get("one-more") == 1
