"""Sync: what this computer holds that no server has confirmed yet, said honestly."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout

from app.services.outbox import pending_by_entity
from app.store.store import Changes
from models.enums import FactKind
from ui.pages.base import Page


class SyncPage(Page):
    key = "sync"

    def __init__(self, ctx, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, nav)
        layout = QVBoxLayout(self)
        self.heading = QLabel(f"<h2>{self.title()}</h2>")
        self.state = QLabel()
        self.state.setWordWrap(True)
        self.state.setAccessibleName(self.tr("Sync state"))
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([self.tr("Kind of record"), self.tr("Changes waiting")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setAccessibleName(self.tr("Changes waiting by kind"))
        layout.addWidget(self.heading)
        layout.addWidget(self.state)
        layout.addWidget(self.table, 1)

    def title(self) -> str:
        return self.tr("Sync")

    def affected_by(self, changes: Changes) -> bool:
        return bool(changes.entities)

    def refresh(self) -> None:
        self.ctx.runner.run(pending_by_entity, on_done=self._show)

    def _show(self, counts: dict[str, int]) -> None:
        total = sum(counts.values())
        self.state.setText(
            self.tr(
                "This computer is not enrolled with a sync server yet. Every change is saved safely here; "
                "%n change(s) will be sent once IT staff enrol it.",
                "",
                total,
            )
        )
        names = {
            "person": self.tr("People"),
            "work_group_member": self.tr("Work group members"),
            "measure": self.tr("Measures"),
            "status_event": self.tr("Status changes"),
            "review": self.tr("Reviews"),
            **{kind.value: kind.label.render() for kind in FactKind},  # the facts' own bilingual labels
        }
        self.table.setRowCount(len(counts))
        for row, (entity, count) in enumerate(sorted(counts.items())):
            self.table.setItem(row, 0, QTableWidgetItem(names.get(entity, entity)))
            self.table.setItem(row, 1, QTableWidgetItem(str(count)))
