"""How long a refusal took and the peak of memory allocated while it ran.

Peaks are asserted by the tests (memory must stay flat whatever the file); times are only
reported, at the end of the run (``pytest_terminal_summary`` in ``tests/conftest.py``).
"""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

MB = 1024 * 1024


@dataclass
class Measure:
    label: str
    seconds: float = 0.0
    peak_mb: float = 0.0

    def __str__(self) -> str:
        return f"{self.label}: {self.seconds:.2f} s, peak {self.peak_mb:.1f} MB traced"


MEASURES: list[Measure] = []


@contextmanager
def measured(label: str) -> Iterator[Measure]:
    measure = Measure(label)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        yield measure
    finally:
        measure.seconds = time.perf_counter() - started
        measure.peak_mb = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()
        MEASURES.append(measure)
