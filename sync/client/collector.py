"""Batch work with Python's cycle collector held off.

Building, acknowledging or applying a batch makes tens of thousands of small objects (rows, values,
messages) that all live until the batch is done and then go at once, freed by reference counting.
Meanwhile the collector, triggered every 700 allocations, walked them again and again (and, in its
full collections, everything else the program holds): a fifth of a push's time on the device. It is
held off for the batch and runs again normally afterwards; cycles made meanwhile wait for it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Hold off the cycle collector for the block (usable as a decorator); a no-op when something else
    has it off already, so it is never switched on behind that one's back."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
