"""PDFs made a few at a time in child processes, handed back in order: a school's batch uses
the machine's cores (WeasyPrint's layout is pure Python, one core per process).

The parent reads the database and renders the HTML; a child only turns HTML into a PDF
(``render_pdf``: no database, no network), parsing the stylesheets once and keeping one font
configuration for all its PDFs. At most two PDFs per process are in flight, so memory stays
flat whatever the batch's size. ``processes=1`` makes them in this process.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

Key = TypeVar("Key")

DEFAULT_PROCESSES = max(1, min(4, os.cpu_count() or 1))


def _start_child() -> None:
    import django

    django.setup()


def _pdf(html: str, stylesheets: tuple[str, ...]) -> bytes:
    from masterly.reports.pdf import render_pdf

    return render_pdf(html, stylesheets=stylesheets)


def pdfs_in_order(
    pages: Iterable[tuple[Key, str]],
    *,
    processes: int = DEFAULT_PROCESSES,
    stylesheets: tuple[str, ...] = (),
) -> Iterator[tuple[Key, bytes]]:
    """Each ``(key, html)`` as ``(key, pdf)``, in the order given; ``stylesheets`` as for
    ``render_pdf``."""
    if processes <= 1:
        for key, html in pages:
            yield key, _pdf(html, stylesheets)
        return
    # "spawn": a worker's threads make forking unsafe; each child sets Django up once.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(processes, mp_context=context, initializer=_start_child) as pool:
        window: deque[tuple[Key, Future[bytes]]] = deque()
        for key, html in pages:
            window.append((key, pool.submit(_pdf, html, stylesheets)))
            if len(window) >= 2 * processes:
                first, future = window.popleft()
                yield first, future.result()
        while window:
            first, future = window.popleft()
            yield first, future.result()
