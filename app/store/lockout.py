"""A growing wait after repeated wrong passwords.

The real defence against guessing is the cost of Argon2id; this wait makes guessing at the keyboard
pointless and is what a user sees. It is kept in a small file beside the key file (the only thing a
failed unlock writes), so closing and reopening the app does not reset it.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from app.files import write_atomically

FREE_ATTEMPTS = 3
MAX_WAIT_SECONDS = 15 * 60


def wait_after(failures: int) -> int:
    """Seconds to wait after ``failures`` consecutive failures: 0, 0, 0, 2, 4, 8, … up to 15 minutes."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(2 ** (failures - FREE_ATTEMPTS + 1), MAX_WAIT_SECONDS)


class Lockout:
    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock

    def _load(self) -> dict[str, dict[str, float]]:
        try:
            data = json.loads(self.path.read_text("utf-8"))
            return data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            return {}

    def seconds_left(self, login: str) -> int:
        entry = self._load().get(login)
        if not entry:
            return 0
        return max(0, int(entry.get("not_before", 0) - self.clock() + 0.999))

    def failures(self, login: str) -> int:
        return int(self._load().get(login, {}).get("failures", 0))

    def record_failure(self, login: str) -> int:
        """Count a failure; returns the seconds the user must now wait."""
        data = self._load()
        failures = int(data.get(login, {}).get("failures", 0)) + 1
        wait = wait_after(failures)
        data[login] = {"failures": failures, "not_before": self.clock() + wait}
        write_atomically(self.path, json.dumps(data).encode())
        return wait

    def clear(self, login: str) -> None:
        data = self._load()
        if data.pop(login, None) is not None:
            write_atomically(self.path, json.dumps(data).encode())
