"""The Today page."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from ui.pages.base import Page


class TodayPage(Page):
    key = "today"

    def __init__(self, ctx, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, nav)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.title()))

    def title(self) -> str:
        return self.tr("Today")
