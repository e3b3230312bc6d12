"""Password → key with Argon2id, calibrated to the machine.

The parameters are stored with each wrapped key, so a store made on a slow PC still opens on a fast one
(and the other way round) and costs can be raised later by re-wrapping.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

TARGET_SECONDS = (0.25, 0.5)
MEMORY_KIB = 64 * 1024
# Tests and throwaway demo stores may ask for a cheap profile; it is stored like any other, so such a
# store stays cheap to attack — never use it for real data.
FAST_PROFILE_ENV = "REHABDESK_KDF_PROFILE"


@dataclass(frozen=True)
class KdfParams:
    iterations: int
    memory_kib: int
    lanes: int = 1

    def to_json(self) -> dict[str, int]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, int]) -> KdfParams:
        return cls(int(data["iterations"]), int(data["memory_kib"]), int(data.get("lanes", 1)))


FAST = KdfParams(iterations=1, memory_kib=8 * 1024)


def derive_key(password: str, salt: bytes, params: KdfParams, length: int = 32) -> bytes:
    return Argon2id(
        salt=salt,
        length=length,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    ).derive(password.encode())


def calibrate(clock: Callable[[], float] = time.perf_counter) -> KdfParams:
    """Raise the iterations until one derivation takes at least the lower target on this machine.

    Measured once per process: the machine does not change between two users being added.
    """
    if os.environ.get(FAST_PROFILE_ENV) == "fast":
        return FAST
    if clock is time.perf_counter:
        return _calibrated()
    return _measure(clock)


@cache
def _calibrated() -> KdfParams:
    return _measure(time.perf_counter)


def _measure(clock: Callable[[], float]) -> KdfParams:
    salt = os.urandom(16)
    iterations = 1
    while True:
        params = KdfParams(iterations=iterations, memory_kib=MEMORY_KIB)
        start = clock()
        derive_key("calibration", salt, params)
        took = clock() - start
        if took >= TARGET_SECONDS[0] or iterations >= 64:
            return params
        # Scale towards the middle of the target band in one step rather than creeping up.
        wanted = sum(TARGET_SECONDS) / 2
        iterations = max(iterations + 1, int(iterations * wanted / max(took, 1e-3)))
