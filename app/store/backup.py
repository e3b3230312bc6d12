"""Copies of the database made with SQLite's online backup API: consistent even while the app writes.

The copy is as sealed as the store itself; it opens only with the office's key file.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path


def copy_database(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def backup_before_migration(database: Path, backups: Path, revision: str | None) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return copy_database(database, backups / f"before-upgrade-{revision or 'none'}-{stamp}.db")
