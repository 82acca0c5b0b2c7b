"""The shared caches keep allauth's sign-in counters exact when several processes update them."""

from __future__ import annotations

import multiprocessing
import signal
import time
import uuid
from pathlib import Path

import pytest
from allauth.core.internal import ratelimit
from django.core.cache import cache
from django.test import RequestFactory, override_settings

from masterly.core.file_cache import SharedFileCache
from tests.local_services import ensure_redis

RATES = {"attempt": "100000/10m/key"}
PROCESSES = 8
ATTEMPTS_EACH = 40


def _count_attempts(cache_config: dict[str, object]) -> int:
    """One web worker recording failed attempts against one account through allauth."""
    with override_settings(CACHES={"default": cache_config}):
        request = RequestFactory().post("/accounts/login/")
        counted = 0
        for _ in range(ATTEMPTS_EACH):
            usage = ratelimit.consume(
                request, app="allauth.account", action="attempt", config=RATES, key="student"
            )
            counted += usage is not None
        return counted


def _plain_sigterm() -> None:
    """A forked worker ends on SIGTERM (the pool's terminate) whatever this process has
    installed: a Python handler runs only between bytecodes, so never while the worker waits
    on a lock. tests/conftest.py fails a test that leaves one behind; this is the backstop."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _recorded_attempts(cache_config: dict[str, object]) -> int:
    with override_settings(CACHES={"default": cache_config}):
        rate = ratelimit.parse_rate(RATES["attempt"])
        request = RequestFactory().post("/accounts/login/")
        key = ratelimit.get_cache_key(
            request, app="allauth.account", action="attempt", rate=rate, key="student"
        )
        return len(cache.get(key, []))


@pytest.mark.parametrize("backend", ["file", "redis"])
def test_counts_from_several_processes_are_all_kept(tmp_path: Path, backend: str) -> None:
    """The two caches production settings choose from: a file cache, or Redis (REDIS_URL)."""
    cache_config: dict[str, object] = {
        "BACKEND": "masterly.core.file_cache.SharedFileCache",
        "LOCATION": str(tmp_path / "cache"),
    }
    if backend == "redis":
        if not ensure_redis():
            pytest.skip("Redis is not installed on this machine")
        cache_config = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
            "KEY_PREFIX": f"masterly-test-{uuid.uuid4()}",
        }
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(PROCESSES, initializer=_plain_sigterm) as pool:
        counted = sum(pool.map(_count_attempts, [cache_config] * PROCESSES))
    elapsed = time.perf_counter() - started
    print(f"{backend}: {counted} attempts counted by {PROCESSES} processes in {elapsed:.2f} s")
    # An attempt allauth reports as counted is in the shared history: none is lost to a race.
    assert _recorded_attempts(cache_config) == counted
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
