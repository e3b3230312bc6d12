"""When to try again: exponential backoff with jitter after failures, a steady pace after success."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SYNC_EVERY_S = 5 * 60  # while things work: a sync every five minutes
AFTER_CHANGE_S = 10  # a local change is sent this long after the last one in a burst


@dataclass
class Backoff:
    """``next_delay()`` after each failure: base·2ⁿ capped, minus up to ``jitter`` of it at random, so a
    whole county's computers coming back online do not all knock at once."""

    base_s: float = 15.0
    cap_s: float = 15 * 60.0
    jitter: float = 0.5
    rng: random.Random = field(default_factory=random.Random)
    failures: int = 0

    def next_delay(self) -> float:
        delay = min(self.cap_s, self.base_s * (2 ** min(self.failures, 30)))
        self.failures += 1
        return delay * (1 - self.jitter * self.rng.random())

    def reset(self) -> None:
        self.failures = 0
