"""Hybrid logical clocks as the wire carries them: "mmmmmmmmmmmmm:cccc:device" (see sync.protocol.Change).

Compared as (milliseconds, counter, device) tuples, not as text, so a counter past 9999 still sorts.
"""

from __future__ import annotations

import re
import time

HLC_PATTERN = re.compile(r"^(\d{13}):(\d{4,9}):([\x21-\x7e]{1,64})$")

HlcKey = tuple[int, int, str]


def now_ms() -> int:
    return int(time.time() * 1000)


def parse(text: object) -> HlcKey | None:
    """The clock's sort key, or None when ``text`` is not a well-formed clock."""
    if not isinstance(text, str):
        return None
    match = HLC_PATTERN.match(text)
    if match is None:
        return None
    return int(match[1]), int(match[2]), match[3]


def key(text: str) -> HlcKey:
    """The sort key of a clock the server has stored (always well-formed)."""
    parsed = parse(text)
    if parsed is None:
        raise ValueError("malformed clock")
    return parsed


def later(a: str, b: str) -> str:
    return a if key(a) >= key(b) else b


def after(clocks: list[str], device: str, wall_ms: int) -> str:
    """A clock later than every one of ``clocks`` (the server's own, for a resolution)."""
    top = max((key(c) for c in clocks), default=(0, 0, ""))
    if wall_ms > top[0]:
        return f"{wall_ms:013d}:{0:04d}:{device}"
    return f"{top[0]:013d}:{top[1] + 1:04d}:{device}"
