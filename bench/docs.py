"""docs/benchmarks.md: the machine, the date and the table of a full run (``python -m bench``)."""

from __future__ import annotations

import os
import platform
import sqlite3
from datetime import datetime
from pathlib import Path

from bench import office, sqlcipher
from bench.report import Row, markdown_table

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"

HOW_TO_READ = """\
How to read it:

- **target** is the issue's target for the figure; where it is a ratio (`<= 1.3x`) it is about the ratio
  to the first reference.
- **The encrypted store** (the first three rows) is measured three ways through the same services: the
  product (every personal value sealed with AES-256-GCM), **plain SQLite** (sealing replaced by a
  pass-through: the cost of the encryption) and **SQLCipher, unsealed** (the same pass-through on a
  SQLCipher database, whole-file encryption with its default settings and a raw key, bench/sqlcipher.py:
  the alternative design). Plain SQLite and the product run on Python's SQLite; SQLCipher brings its own.
- **Offices** are demo offices made through the services (app/demo). Above 1,000 persons they are denser
  (about 100 facts a person against about 43), as a county-size store is. The worker's and the supervisor's
  keys are re-wrapped with the calibrated key derivation, so unlock and start include it as for a user.
  There is one worker for every 250 persons (DOMAIN.md: tens to a few hundred each), so a worker's Today
  covers their own caseload; the supervisor's covers the whole office. The rules views are kept, as in an
  office after its first day; "nothing kept" is the first unlock after the upgrade that brought them.
- **growth** rows: the value is how many times longer the figure took at the larger office, the reference
  how many times larger the data it reads is (persons for unlock and search, facts for the rest); a ratio
  of at most 1.0x is no worse than linear.
- **Peak memory** is the app in a child process of its own (unlock, the main window as after login with
  the day's automatic backup, Today and People filled, a file open): the peak resident set size of that
  process as the kernel counts it (`VmHWM`; bench/memory.py says why not `ru_maxrss`).
"""


def machine() -> list[tuple[str, str]]:
    return [
        ("CPU", _cpu()),
        ("cores", str(os.cpu_count())),
        ("memory", _memory()),
        ("OS", platform.platform()),
        ("Python", platform.python_version()),
        ("SQLite (Python's)", sqlite3.sqlite_version),
        ("SQLCipher", sqlcipher.version()),
        ("Qt (PySide6)", _qt()),
    ]


def load_average() -> str:
    """The 1-minute load average: a busy machine slows every figure (and the ratios less so)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except (OSError, AttributeError):
        return "unknown"


def write(
    rows: list[Row], *, seconds: float, started: datetime, load_at_start: str, path: Path = DOC
) -> Path:
    lines = [
        "# Benchmarks",
        "",
        "Written by the full run, `python -m bench` (`--quick` prints a smaller run and writes nothing). "
        "Every figure and its references are measured in the same run on the machine below.",
        "",
        f"Run on {started:%Y-%m-%d %H:%M %Z}, taking {seconds / 60:.0f} minutes; load average "
        f"{load_at_start} at the start, {load_average()} at the end.",
        *(
            [
                "",
                'The demo offices were kept from an earlier run (`--offices`): their "make the demo office" '
                "rows are that run's times, and each benchmark here worked on a fresh copy.",
            ]
            if office.KEPT is not None
            else []
        ),
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine()),
        "",
        markdown_table(rows),
        HOW_TO_READ,
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory() -> str:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "unknown"
    return f"{total / 1024**3:.1f} GiB"


def _qt() -> str:
    import PySide6

    return PySide6.__version__
