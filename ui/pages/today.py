"""Today: what is overdue, what is due, and what needs attention, for the worker's own caseload; above
it, the records a supervisor returned for correction, with the comment.

Each line opens the person's file with the right form ready (a test task opens the test form; a
returned record opens its correction). Supervisors see the whole office.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.rules.tasks import TaskKind
from app.services.today import DueItem, ReturnedItem, due_items, returned_items
from app.store.store import Changes
from ui.pages.base import Page
from ui.pages.person_file import correct_action
from ui.sync_scheduler import local_time

# The form a task asks for, by the person's file's action names.
ACTION_FOR = {
    TaskKind.TEST: "test",
    TaskKind.HAIR_TEST: "test",
    TaskKind.VISIT: "visit",
    TaskKind.LEAVE: "leave",
    TaskKind.REPORT_IN: "status",
    TaskKind.COMPLETION: "status",
    TaskKind.RECORD_VIOLATION: "violation",
    TaskKind.POLICE_REPORT: "police_report",
}
COLOUR = {"red": "#c62828", "yellow": "#f9a825", "blue": "#1565c0", "green": "#2e7d32"}
RETURNED_ROWS = 4  # the returned list shows this many rows before it scrolls; the tasks keep the rest
Index = QModelIndex | QPersistentModelIndex


class DueModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self.items: list[DueItem] = []
        self.headers = [self.tr("Due"), self.tr("Person"), self.tr("What"), self.tr("Details")]

    def set_items(self, items: list[DueItem]) -> None:
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if not index.isValid() or index.row() >= len(self.items):
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                if item.kind is None:
                    return self.tr("Since %1").replace("%1", item.opens.isoformat())
                return item.due.isoformat() if item.due else ""
            if column == 1:
                return f"{item.name}  {item.record_no}"
            if column == 2:
                if item.kind is None:
                    return item.severity.label.render() if item.severity else ""
                return item.kind.label.render()
            return item.message
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and item.overdue:
            return QBrush(QColor("#b3261e"))
        if role == Qt.ItemDataRole.FontRole and item.overdue and column == 0:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return QColor(COLOUR.get(item.colour.value, "#777"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{item.message}\n{item.rule_name}" if column == 3 else item.rule_name
        if role == Qt.ItemDataRole.AccessibleTextRole:
            overdue = self.tr("overdue") if item.overdue else ""
            return f"{overdue} {item.name} {item.message}"
        return None


class ReturnedTable(QTableWidget):
    """Records returned for correction: when, whose, which record, what the supervisor said, and who."""

    def __init__(self) -> None:
        super().__init__(0, 6)
        self.records: list[ReturnedItem] = []  # (not `items`: QTableWidget has a method of that name)
        self.setHorizontalHeaderLabels(
            [
                self.tr("Returned"),
                self.tr("Person"),
                self.tr("Record"),
                self.tr("Comment"),
                self.tr("Returned by"),
                self.tr("Recorded by"),
            ]
        )
        self.setAccessibleName(self.tr("Records returned for correction"))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)  # one line each, so the tasks below keep the room; the tooltip has it all
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        for column in (0, 1, 2, 4, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)

    def set_items(self, items: list[ReturnedItem]) -> None:
        self.records = items
        self.clearContents()
        self.setRowCount(len(items))
        for row, item in enumerate(items):
            record = f"{item.occurred_on.isoformat()}  {item.kind.label.render()}"
            if item.version > 1:
                record += " " + self.tr("v%1").replace("%1", str(item.version))
            cells = (
                local_time(item.returned_at),
                f"{item.name}  {item.record_no}",
                record,
                item.comment,
                item.returned_by or self.tr("a supervisor"),
                item.recorded_by,
            )
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column == 3:
                    cell.setToolTip(text)
                    cell.setForeground(QBrush(QColor("#b3261e")))
                self.setItem(row, column, cell)
        shown = sum(self.rowHeight(r) for r in range(min(len(items), RETURNED_ROWS)))
        self.setFixedHeight(self.horizontalHeader().height() + shown + 2 * self.frameWidth() + 2)


class TodayPage(Page):
    key = "today"

    def __init__(self, ctx, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, nav)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.summary = QLabel()
        self.summary.setAccessibleName(self.tr("Summary of what is due"))
        self.whole_office = QCheckBox(self.tr("Whole office"))
        self.whole_office.setAccessibleName(self.tr("Show the whole office"))
        self.whole_office.setChecked(ctx.is_supervisor)
        self.whole_office.toggled.connect(self.refresh)
        self.model = DueModel()
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setAccessibleName(self.tr("Tasks and warnings"))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # One line a row, all rows one height: a county's Today holds thousands of rows, and measuring
        # each (word wrap, rows or columns sized to their contents) kept the GUI thread busy for seconds.
        # A long detail is elided; its tooltip has it whole.
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setResizeContentsPrecision(200)  # column widths from the first rows, not every row
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.view.activated.connect(self._open)
        self.view.doubleClicked.connect(self._open)
        self.returned_heading = QLabel()
        self.returned_heading.setStyleSheet("QLabel { color: #b3261e; font-weight: bold; }")
        self.returned = ReturnedTable()
        self.returned.activated.connect(self._open_returned)
        self.returned.doubleClicked.connect(self._open_returned)
        self.returned_heading.setBuddy(self.returned)
        self.returned_heading.hide()
        self.returned.hide()

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.whole_office)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.returned_heading)
        layout.addWidget(self.returned)
        layout.addWidget(self.summary)
        layout.addWidget(self.view, 1)

    def title(self) -> str:
        return self.tr("Today")

    def affected_by(self, changes: Changes) -> bool:
        return bool(changes.persons)

    def refresh(self) -> None:
        today = self.ctx.today()
        self.heading.setText(f"<h2>{self.title()} · {today.isoformat()}</h2>")
        worker = None if self.whole_office.isChecked() else self.ctx.actor.user_id
        self.ctx.runner.run(
            lambda store: (due_items(store, today, worker), returned_items(store, worker)),
            on_done=lambda found: self._show(*found),
            parent=self,
            label=self.tr("Working out what is due…"),
        )

    def _show(self, items: list[DueItem], returned: list[ReturnedItem]) -> None:
        office = self.whole_office.isChecked()
        self.returned.setColumnHidden(5, not office)  # one's own list needs no "recorded by"
        self.returned.set_items(returned)
        heading = (
            self.tr("Returned for correction, waiting for the worker's corrected version (%1)")
            if office
            else self.tr("Returned to you for correction (%1): open one to correct it")
        )
        self.returned_heading.setText(heading.replace("%1", str(len(returned))))
        self.returned_heading.setVisible(bool(returned))
        self.returned.setVisible(bool(returned))
        self.model.set_items(items)
        overdue = sum(1 for i in items if i.overdue)
        due = sum(1 for i in items if i.kind is not None and not i.overdue)
        warnings = sum(1 for i in items if i.kind is None)
        self.summary.setText(
            self.tr("%1 overdue · %2 due · %3 warnings")
            .replace("%1", str(overdue))
            .replace("%2", str(due))
            .replace("%3", str(warnings))
        )

    def _open(self, index: QModelIndex) -> None:
        item = self.model.items[index.row()]
        self.nav.open_person(item.person_id, ACTION_FOR.get(item.kind) if item.kind else None)

    def _open_returned(self, index: QModelIndex) -> None:
        """The person's file, with the returned record's correction form open and prefilled."""
        item = self.returned.records[index.row()]
        self.nav.open_person(item.person_id, correct_action(item.fact_id))
