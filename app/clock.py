"""A hybrid logical clock: wall time in milliseconds, a counter, and the device.

Clocks on office PCs drift and jump; an HLC never goes backwards on one device and orders causally
related changes across devices, so "later change wins" means the same thing everywhere. The text form
sorts in clock order.
"""

from __future__ import annotations

import time
from collections.abc import Callable


def format_hlc(ms: int, counter: int, device: str) -> str:
    return f"{ms:013d}:{counter:04d}:{device}"


def parse_hlc(text: str) -> tuple[int, int, str]:
    ms, counter, device = text.split(":", 2)
    return int(ms), int(counter), device


class HybridClock:
    def __init__(self, device: str, last: str | None = None, wall: Callable[[], float] = time.time) -> None:
        self.device = device
        self._wall = wall
        self._ms, self._counter = (0, 0)
        if last:
            self._ms, self._counter, _ = parse_hlc(last)

    def wall_ms(self) -> int:
        """The wall clock, in ms since the epoch (the clock's physical part, before it is made monotonic)."""
        return int(self._wall() * 1000)

    def now(self) -> str:
        wall_ms = self.wall_ms()
        if wall_ms > self._ms:
            self._ms, self._counter = wall_ms, 0
        else:
            self._counter += 1
        return format_hlc(self._ms, self._counter, self.device)

    def observe(self, remote: str) -> None:
        """Move past a clock seen from another device, so our next change sorts after it."""
        ms, counter, _ = parse_hlc(remote)
        if (ms, counter) > (self._ms, self._counter):
            self._ms, self._counter = ms, counter

    @property
    def last(self) -> str:
        return format_hlc(self._ms, self._counter, self.device)
