"""A demo office for benchmarks, made once per size and reused within the run."""

from __future__ import annotations

import time
from datetime import date
from functools import cache
from pathlib import Path

from app.crypto.kdf import FAST
from app.demo.load import create_demo_office

TODAY = date(2026, 6, 30)


@cache
def demo_office(root: Path, persons: int) -> tuple[Path, float, int]:
    """(data dir, seconds to make it, facts) — made through the services like real data."""
    target = root / f"office-{persons}"
    start = time.perf_counter()
    summary = create_demo_office(target, persons=persons, seed=1, today=TODAY, kdf=FAST)
    return target, time.perf_counter() - start, summary.facts
