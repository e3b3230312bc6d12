"""What every page needs to know, handed down explicitly (no global main window to reach for)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.store.store import Actor
from models.enums import Role
from ui.ops import OpRunner


@dataclass
class UiContext:
    runner: OpRunner
    data_dir: Path
    actor: Actor
    office_name: str
    today: Callable[[], date] = date.today

    @property
    def is_supervisor(self) -> bool:
        return self.actor.role in (Role.SUPERVISOR, Role.ADMIN)
