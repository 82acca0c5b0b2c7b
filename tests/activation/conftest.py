from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    """Activation attempts are counted per address in the cache: every test starts afresh."""
    cache.clear()
    yield
    cache.clear()
