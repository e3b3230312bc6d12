"""Where RehabDesk keeps its files.

One data directory holds the key file, the database, backups and logs. It is the platform's standard
per-user data place unless ``--data-dir`` or REHABDESK_DATA_DIR says otherwise (IT uses these for
shared or portable installs).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

APP_DIR_NAME = "RehabDesk"
DATA_DIR_ENV = "REHABDESK_DATA_DIR"


def default_data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / APP_DIR_NAME


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def keyring(self) -> Path:
        return self.root / "keyring.json"

    @property
    def database(self) -> Path:
        return self.root / "rehabdesk.db"

    @property
    def lockout(self) -> Path:
        return self.root / "unlock-attempts.json"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    def exists(self) -> bool:
        return self.keyring.exists() or self.database.exists()


def resource_path(*parts: str) -> Path:
    """A file shipped in resources/, from a source checkout or a frozen (PyInstaller) build."""
    base = Path(getattr(sys, "_MEIPASS", Path(__file__).resolve().parent.parent))
    return base.joinpath("resources", *parts)
