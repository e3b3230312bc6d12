"""Logging without personal data.

Log lines name actions, counts, ids and exception types — never values a person typed or a sealed
value. Exception messages can quote input (a bad ID number, a name), so unexpected errors are logged
by type and stack position only.
"""

from __future__ import annotations

import logging
import logging.handlers
import traceback
from pathlib import Path

LOG_NAME = "rehabdesk"
log = logging.getLogger(LOG_NAME)


def setup_file_logging(folder: Path, level: int = logging.INFO) -> None:
    """Rotating files in the data directory's logs/ (five files of 1 MB)."""
    if any(isinstance(h, logging.handlers.RotatingFileHandler) for h in log.handlers):
        return
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        folder / "rehabdesk.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(level)


def describe_unexpected(exc: BaseException) -> str:
    """Type and stack of an exception, without its message (which may quote personal data)."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = " <- ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(frames[-8:]))
    return f"{type(exc).__module__}.{type(exc).__qualname__} at {where}"
