"""The Person page."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout

from ui.pages.base import Page


class PersonFilePage(Page):
    key = "person"

    def __init__(self, ctx, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, nav)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.title()))

    def title(self) -> str:
        return self.tr("Person")

    def open(self, person_id, action=None) -> None:  # type: ignore[no-untyped-def]
        self.person_id = person_id
