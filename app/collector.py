"""Work that makes many objects, with Python's cycle collector held off.

Reading a caseload, working out indicators, building or applying a sync batch: each makes tens or
hundreds of thousands of small objects, none of them cyclic, which reference counting frees as usual.
Meanwhile the collector, triggered every 700 allocations, walked them again and again (and, in its
full collections, everything else the program holds): for a county's caseload that doubled the time,
for a push it was a fifth of the device's work. It is held off for the work and runs normally after.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused(*, freeze: bool = False) -> Iterator[None]:
    """No cyclic garbage collection in the block (usable as a decorator); nested, the outermost block
    switches it on again, so it is never switched on behind another's back.

    ``freeze``: what the block made lives on after it (the office's facts), so it is moved out of the
    collector's sight (gc.freeze) before the collector runs again; else every collection after the
    block walks it again (70 ms for a county's facts). Frozen objects are still freed by reference
    counting, but never collected as a cycle: gc.freeze takes everything alive along (a page closed
    later that holds a cycle would stay in memory), so it is for bulk work only (``freeze_if_many``)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        if freeze:
            gc.freeze()
    finally:
        if was_enabled:
            gc.enable()


FREEZE_AT_LEAST = 1000  # items made at once (reviews, sync changes): bulk work, not a refresh after a form


def freeze_if_many(made: int) -> None:
    """Inside ``paused``: the ``made`` items just made live on (each many objects); when they are many,
    they are frozen as ``paused(freeze=True)`` would."""
    if made >= FREEZE_AT_LEAST:
        gc.freeze()
