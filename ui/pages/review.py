"""Review (supervisors): records awaiting sign-off, filtered by worker, kind of record and date; sign off
(frozen) one or many at once, or return one with a comment the worker sees on Today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
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

from app.errors import UserError
from app.services import persons, reviews, users
from app.store.store import Changes, Store
from models.enums import FactKind, ReviewState, Role
from ui.errors import message_for, show_error
from ui.pages.base import Page


@dataclass(frozen=True)
class Filters:
    recorded_by: UUID | None = None  # None: every worker
    kind: FactKind | None = None  # None: every kind of record
    since: date | None = None
    until: date | None = None

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.recorded_by, self.kind, self.since, self.until))


@dataclass(frozen=True)
class Queue:
    records: list[reviews.PendingRecord]
    people: dict[UUID, str]  # person id → "name  record number"
    workers: list[users.UserView]


def load_queue(store: Store, filters: Filters) -> Queue:
    records = reviews.pending(
        store,
        (filters.kind,) if filters.kind is not None else reviews.REVIEWABLE,
        recorded_by=filters.recorded_by,
        since=filters.since,
        until=filters.until,
    )
    people = {
        pid: f"{named.name}  {named.record_no}"
        for pid, named in persons.names(store, {r.person_id for r in records}).items()
    }
    return Queue(records, people, users.list_users(store))


def _date_edit(name: str, day: date) -> QDateEdit:
    """A bound of the date range; off (disabled) until its box is ticked, so "any date" needs no
    made-up sentinel date and the calendar opens near today."""
    edit = QDateEdit(QDate(day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setAccessibleName(name)
    edit.setEnabled(False)
    return edit


class ReviewPage(Page):
    key = "review"

    def __init__(self, ctx, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, nav)
        self.records: list[reviews.PendingRecord] = []
        self._names: dict[str, str] = {}  # login → display name
        self._load_seq = 0
        self.heading = QLabel(f"<h2>{self.title()}</h2>")
        self.count = QLabel()
        self.count.setAccessibleName(self.tr("Records in the queue"))

        self.worker = QComboBox()
        self.worker.setAccessibleName(self.tr("Recorded by"))
        self.worker.addItem(self.tr("All workers"), None)
        self.kind = QComboBox()
        self.kind.setAccessibleName(self.tr("Kind of record"))
        self.kind.addItem(self.tr("All records"), None)
        for kind in reviews.REVIEWABLE:  # combo data are plain strings: Qt compares them by value
            self.kind.addItem(kind.label.render(), kind.value)
        today = ctx.today()
        self.since_on = QCheckBox(self.tr("From:"))
        self.since = _date_edit(self.tr("From"), today.replace(day=1))
        self.until_on = QCheckBox(self.tr("To:"))
        self.until = _date_edit(self.tr("To"), today)
        self.clear_filters = QPushButton(self.tr("Clear filters"))
        self.clear_filters.clicked.connect(self.reset_filters)
        self.worker.currentIndexChanged.connect(self.refresh)
        self.kind.currentIndexChanged.connect(self.refresh)
        for box, edit in ((self.since_on, self.since), (self.until_on, self.until)):
            box.toggled.connect(edit.setEnabled)
            box.toggled.connect(self.refresh)
            edit.dateChanged.connect(self.refresh)

        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Date"), self.tr("Record"), self.tr("Person"), self.tr("Recorded by"), self.tr("State")]
        )
        self.table.setAccessibleName(self.tr("Records awaiting review"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(
            lambda index: self.nav.open_person(self.records[index.row()].person_id)
        )
        self.sign = QPushButton(self.tr("Sign off selected"))
        self.sign.clicked.connect(self.sign_off_selected)
        self.back = QPushButton(self.tr("Return with a comment…"))
        self.back.clicked.connect(self.return_selected)

        filters = QHBoxLayout()
        for label, widget in ((self.tr("Worker:"), self.worker), (self.tr("Record:"), self.kind)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            filters.addWidget(caption)
            filters.addWidget(widget)
        for box, edit in ((self.since_on, self.since), (self.until_on, self.until)):
            filters.addWidget(box)
            filters.addWidget(edit)
        filters.addWidget(self.clear_filters)
        filters.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.count, 1)
        buttons.addWidget(self.back)
        buttons.addWidget(self.sign)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def title(self) -> str:
        return self.tr("Review")

    def affected_by(self, changes: Changes) -> bool:
        return bool(changes.persons)

    # ---- filters -----------------------------------------------------------------------------------------
    def filters(self) -> Filters:
        def day(box: QCheckBox, edit: QDateEdit) -> date | None:
            return edit.date().toPython() if box.isChecked() else None

        worker, kind = self.worker.currentData(), self.kind.currentData()
        return Filters(
            UUID(worker) if worker else None,
            FactKind(kind) if kind else None,
            day(self.since_on, self.since),
            day(self.until_on, self.until),
        )

    def reset_filters(self) -> None:
        widgets = (self.worker, self.kind, self.since_on, self.until_on)
        for widget in widgets:
            widget.blockSignals(True)
        self.worker.setCurrentIndex(0)
        self.kind.setCurrentIndex(0)
        for box, edit in ((self.since_on, self.since), (self.until_on, self.until)):
            box.setChecked(False)
            edit.setEnabled(False)
        for widget in widgets:
            widget.blockSignals(False)
        self.refresh()

    # ---- loading -----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        filters = self.filters()
        self._load_seq += 1
        seq = self._load_seq
        self.ctx.runner.run(
            lambda store: load_queue(store, filters),
            on_done=lambda queue: self._show(seq, filters, queue),
            on_error=lambda error: self._failed(seq, error),
            parent=self,
        )

    def _failed(self, seq: int, error: BaseException) -> None:
        if seq != self._load_seq:
            return
        if not isinstance(error, UserError):
            show_error(self, error)
            return
        # A filter that cannot be met (the dates the wrong way round) is said here, not in a dialog.
        self.records = []
        self.table.setRowCount(0)
        self.count.setText(f'<span style="color:#b3261e">{message_for(error)}</span>')

    def _show(self, seq: int, filters: Filters, queue: Queue) -> None:
        if seq != self._load_seq:
            return  # the filters changed meanwhile; a newer load is on its way
        self._names = {u.login: u.display_name or u.login for u in queue.workers}
        self._fill_workers(queue.workers)
        self.records = queue.records
        self.table.setUpdatesEnabled(False)
        self.table.clearContents()
        self.table.setRowCount(len(queue.records))
        for row, record in enumerate(queue.records):
            version = " " + self.tr("v%1").replace("%1", str(record.version)) if record.version > 1 else ""
            who = self._names.get(record.recorded_by or "", record.recorded_by or "")
            cells = (
                record.occurred_on.isoformat(),
                record.kind.label.render() + version,
                queue.people.get(record.person_id, ""),
                who,
                self._state_text(record),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
            if record.state is ReviewState.RETURNED:
                self.table.item(row, 4).setToolTip(
                    self.tr("Returned by %1 on %2: %3")
                    .replace("%1", record.returned_by or "")
                    .replace("%2", record.returned_at.date().isoformat() if record.returned_at else "")
                    .replace("%3", record.comment or "")
                )
        self.table.setUpdatesEnabled(True)
        text = (
            self.tr("%1 record(s) awaiting review match the filters")
            if filters.active
            else self.tr("%1 record(s) awaiting review")
        )
        self.count.setText(text.replace("%1", str(len(queue.records))))

    def _state_text(self, record: reviews.PendingRecord) -> str:
        """A returned record says what was asked, so the supervisor sees what the worker is fixing."""
        label = record.state.label.render()
        if record.state is not ReviewState.RETURNED or not record.comment:
            return label
        return self.tr("%1: %2").replace("%1", label).replace("%2", record.comment)

    def _fill_workers(self, known: list[users.UserView]) -> None:
        """The people who record: every user but the administrators, keeping the one chosen."""
        chosen = self.worker.currentData()
        wanted = [(None, self.tr("All workers"))] + [
            (str(u.id), u.display_name or u.login) for u in known if u.role is not Role.ADMIN
        ]
        present = [(self.worker.itemData(i), self.worker.itemText(i)) for i in range(self.worker.count())]
        if present == wanted:
            return
        self.worker.blockSignals(True)
        self.worker.clear()
        for user_id, text in wanted:
            self.worker.addItem(text, user_id)
        self.worker.setCurrentIndex(max(0, self.worker.findData(chosen)))
        self.worker.blockSignals(False)

    # ---- deciding ----------------------------------------------------------------------------------------
    def _selected(self) -> list[reviews.PendingRecord]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.records[row] for row in rows]

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
        records = [(record.kind, record.version_id) for record in chosen]
        self.ctx.runner.run(
            lambda store: reviews.sign_off_all(store, records),
            on_error=lambda e: show_error(self, e),
            parent=self,
            label=self.tr("Signing off…"),
        )

    def return_selected(self) -> None:
        chosen = self._selected()
        if len(chosen) != 1:
            if chosen:
                QMessageBox.information(
                    self,
                    self.tr("Return for correction"),
                    self.tr("Return one record at a time: each needs its own comment."),
                )
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
