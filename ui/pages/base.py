"""What every page has: the context, a way to go elsewhere, and a refresh when it is shown or told."""

from __future__ import annotations

from typing import Protocol
from uuid import UUID

from PySide6.QtWidgets import QWidget

from app.store.store import Changes
from ui.context import UiContext


class Navigator(Protocol):
    def open_person(self, person_id: UUID, action: str | None = None) -> None:
        """Show a person's file; ``action`` names a form to open at once ("visit", "test", ...)."""

    def show_page(self, key: str) -> None: ...


class Page(QWidget):
    key = ""

    def __init__(self, ctx: UiContext, nav: Navigator) -> None:
        super().__init__()
        self.ctx = ctx
        self.nav = nav
        self._stale = True
        ctx.runner.changed.connect(self._on_changed)

    def title(self) -> str:
        raise NotImplementedError

    def activate(self) -> None:
        """Called when the page is shown: refresh if something changed since it last looked."""
        if self._stale:
            self._stale = False
            self.refresh()

    def refresh(self) -> None:
        """Load what the page shows (through the op runner)."""

    def affected_by(self, changes: Changes) -> bool:
        return bool(changes)

    def _on_changed(self, changes: Changes) -> None:
        if not self.affected_by(changes):
            return
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True
