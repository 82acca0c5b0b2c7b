"""Django's file cache, made safe for the counters several web processes share.

allauth keeps sign-in rate limits in the default cache and serialises their updates with
``cache.add`` as a lock. Django's file cache answers ``add`` by checking and then writing, so
two gunicorn workers could both take that lock and lose each other's counts; here ``add`` holds
an exclusive file lock (one of 256, by key) while it checks and writes. Culling first removes
expired entries, so live counters are not thrown away at random while stale ones remain.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.files import locks


class SharedFileCache(FileBasedCache):
    # Django's private members this class builds on; django-stubs leaves them out.
    _dir: str
    _max_entries: int
    _createdir: Callable[[], None]
    _key_to_file: Callable[[Any, int | None], str]
    _list_cache_files: Callable[[], list[str]]
    _is_expired: Callable[[BinaryIO], bool]

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        with self._exclusive(self._key_to_file(key, version)):
            return super().add(key, value, timeout, version)

    @contextmanager
    def _exclusive(self, entry: str) -> Iterator[None]:
        """Lock one of 256 lock files, picked by the entry's name (a hash), so adds of unrelated
        keys rarely wait on each other. Lock files are never removed: removing one while
        another process waits on it would let a third lock a new file of the same name."""
        self._createdir()
        stripe = os.path.basename(entry)[:2]
        # Not cache entries (no .djcache suffix): never culled, cleared or listed.
        with open(os.path.join(self._dir, f"add-{stripe}.lock"), "ab") as lock_file:
            locks.lock(lock_file, locks.LOCK_EX)
            try:
                yield
            finally:
                locks.unlock(lock_file)

    def _cull(self) -> None:
        names = self._list_cache_files()
        if len(names) < self._max_entries:
            return
        for name in names:
            # _is_expired removes the entry when it has expired; another process may have
            # removed it already.
            with contextlib.suppress(FileNotFoundError), open(name, "rb") as entry:
                self._is_expired(entry)
        super()._cull()  # type: ignore[misc]
