"""Review (supervisors): records awaiting sign-off; sign off (frozen) or return with a comment."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.services import persons, reviews
from app.store.store import Changes, Store
from ui.errors import show_error
from ui.pages.base import Page


def _queue(store: Store) -> list[tuple[reviews.PendingRecord, str]]:
    records = reviews.pending(store)
    names = {
        p.id: f"{p.name} {p.record_no}"
        for p in persons.summaries(store, list({r.person_id for r in records}))
    }
    return [(r, names.get(r.person_id, "")) for r in records]


class ReviewPage(Page):
    key = "review"

    def __init__(self, ctx, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, nav)
        self.records: list[reviews.PendingRecord] = []
        self.heading = QLabel(f"<h2>{self.title()}</h2>")
        self.count = QLabel()
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Date"), self.tr("Record"), self.tr("Person"), self.tr("Recorded by"), self.tr("State")]
        )
        self.table.setAccessibleName(self.tr("Records awaiting review"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(
            lambda index: self.nav.open_person(self.records[index.row()].person_id)
        )
        self.sign = QPushButton(self.tr("Sign off selected"))
        self.sign.clicked.connect(self.sign_off_selected)
        self.back = QPushButton(self.tr("Return with a comment…"))
        self.back.clicked.connect(self.return_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.back)
        buttons.addWidget(self.sign)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def title(self) -> str:
        return self.tr("Review")

    def affected_by(self, changes: Changes) -> bool:
        return bool(changes.persons)

    def refresh(self) -> None:
        self.ctx.runner.run(_queue, on_done=self._show, parent=self)

    def _show(self, queue: list[tuple[reviews.PendingRecord, str]]) -> None:
        self.records = [r for r, _ in queue]
        self.table.setRowCount(len(queue))
        for row, (record, person) in enumerate(queue):
            state = record.state.label.render()
            version = " " + self.tr("v%1").replace("%1", str(record.version)) if record.version > 1 else ""
            for column, text in enumerate(
                (
                    record.occurred_on.isoformat(),
                    record.kind.label.render() + version,
                    person,
                    record.recorded_by or "",
                    state,
                )
            ):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.count.setText(self.tr("%1 record(s) awaiting review").replace("%1", str(len(queue))))

    def _selected(self) -> list[reviews.PendingRecord]:
        return [self.records[i.row()] for i in self.table.selectionModel().selectedRows()]

    def sign_off_selected(self) -> None:
        chosen = self._selected()
        if not chosen:
            return
        if len(chosen) > 1:
            answer = QMessageBox.question(
                self,
                self.tr("Sign off"),
                self.tr("Sign off %1 records? Signed-off records can no longer be corrected.").replace(
                    "%1", str(len(chosen))
                ),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return

        def work(store: Store) -> None:
            for record in chosen:
                reviews.sign_off(store, record.kind, record.version_id)

        self.ctx.runner.run(
            work, on_error=lambda e: show_error(self, e), parent=self, label=self.tr("Signing off…")
        )

    def return_selected(self) -> None:
        chosen = self._selected()
        if len(chosen) != 1:
            return
        comment, ok = QInputDialog.getText(
            self, self.tr("Return for correction"), self.tr("What should be corrected?")
        )
        if not ok:
            return
        record = chosen[0]
        self.ctx.runner.run(
            lambda store: reviews.return_for_correction(store, record.kind, record.version_id, comment),
            on_error=lambda e: show_error(self, e),
            parent=self,
        )
