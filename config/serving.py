"""What a web process does once Masterly is loaded, before it serves a request."""

from __future__ import annotations

import gc

# Python collects its youngest objects every 700 new ones by default, and every hundred of
# those collections it scans everything alive: Django, every app, the compiled templates. A
# page such as a large tracker's grid makes tens of thousands of objects, so each request ran
# dozens of collections and now and then that full scan, tens of milliseconds at random (the
# slowest requests). Frozen, what start-up loaded is left out of every scan for good; a
# larger first threshold makes collections rarer while each stays small.
YOUNG_THRESHOLD = 10_000


def prepare_for_requests() -> None:
    """Freeze what start-up loaded out of the garbage collector's scans (see above)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
