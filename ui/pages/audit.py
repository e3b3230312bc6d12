"""Audit (supervisors and administrators): who did what to which record and when, filtered by user,
person, action and dates, a page at a time; verify the hash chain; export what the filter found.

The service (app.services.audit_log) checks the role, reads one page per query and audits the export;
this page only asks, through the op runner, and shows.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.audit import ChainCheck
from app.services import audit_log
from app.services.audit_log import AuditFilter
from app.store.store import Changes, Store
from models.enums import Role
from ui.errors import message_for, show_error
from ui.pages.base import Page

FILTER_DELAY_MS = 300  # typing in the person box waits for a pause before asking
OK_STYLE = "color: #1b5e20;"
BROKEN_STYLE = "color: #b71c1c; font-weight: bold;"


def _choices(store: Store) -> tuple[list[str], list[str]]:
    return audit_log.users(store), audit_log.actions(store)


class AuditPage(Page):
    key = "audit"

    def __init__(self, ctx, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, nav)
        self.offset = 0
        self.page: audit_log.AuditPage | None = None
        self._choices_loaded = False
        self.heading = QLabel(f"<h2>{self.title()}</h2>")
        self.chain = QLabel()
        self.chain.setWordWrap(True)
        self.chain.setAccessibleName(self.tr("Audit chain check"))
        self.verify_button = QPushButton(self.tr("Verify the chain"))
        self.verify_button.setToolTip(
            self.tr("Check that no entry was altered, removed or inserted since it was written")
        )
        self.verify_button.clicked.connect(self.verify)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.chain, 1)
        top.addWidget(self.verify_button)

        self.user = QComboBox()
        self.user.setAccessibleName(self.tr("User"))
        self.user.addItem(self.tr("All users"), None)
        self.person = QLineEdit()
        self.person.setAccessibleName(self.tr("Person"))
        self.person.setPlaceholderText(
            self.tr("Record number") if ctx.actor.role is Role.ADMIN else self.tr("Record number or name")
        )
        self.person.setClearButtonEnabled(True)
        self.person.setMinimumWidth(190)  # a whole record number: 640104001-2026-00012
        self.action = QComboBox()
        self.action.setAccessibleName(self.tr("Action"))
        self.action.addItem(self.tr("All actions"), None)
        self.action.setMinimumContentsLength(14)
        today = QDate(ctx.today())
        self.use_start, self.start = self._date_filter(self.tr("From"), today.addDays(-30))
        self.use_end, self.end = self._date_filter(self.tr("To"), today)
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.clear_button.clicked.connect(self.clear_filters)
        filters = QHBoxLayout()
        for label, widget in ((self.tr("User"), self.user), (self.tr("Person"), self.person)):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(QLabel(self.tr("Action")))
        filters.addWidget(self.action, 1)
        for box, edit in ((self.use_start, self.start), (self.use_end, self.end)):
            filters.addWidget(box)
            filters.addWidget(edit)
        filters.addWidget(self.clear_button)

        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(BROKEN_STYLE)
        self.problem.setAccessibleName(self.tr("Filter problem"))
        self.problem.hide()

        self.table = QTableWidget(0, 6)
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("Entry"),
                self.tr("Time"),
                self.tr("User"),
                self.tr("Action"),
                self.tr("Record"),
                self.tr("Details"),
            ]
        )
        self.table.setAccessibleName(self.tr("Audit entries"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        for column in range(5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)

        self.count = QLabel()
        self.count.setAccessibleName(self.tr("Entries shown"))
        self.previous = QPushButton(self.tr("‹ Newer"))
        self.previous.clicked.connect(lambda: self._turn(-1))
        self.next = QPushButton(self.tr("Older ›"))
        self.next.clicked.connect(lambda: self._turn(1))
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Save the entries the filter finds as CSV or Excel (audited)"))
        self.export_button.clicked.connect(self.export)
        self.result = QLabel()
        self.result.setWordWrap(True)
        self.result.setAccessibleName(self.tr("Export result"))
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addWidget(self.previous)
        bottom.addWidget(self.next)
        bottom.addWidget(self.result, 1)
        bottom.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.problem)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DELAY_MS)
        self._debounce.timeout.connect(self._filter_changed)
        self.person.textChanged.connect(lambda _t: self._debounce.start())
        for combo in (self.user, self.action):
            combo.currentIndexChanged.connect(lambda _i: self._filter_changed())
        for widget in (self.use_start, self.use_end):
            widget.toggled.connect(lambda _on: self._filter_changed())
        for edit in (self.start, self.end):
            edit.dateChanged.connect(lambda _d: self._filter_changed())

    def _date_filter(self, text: str, initial: QDate) -> tuple[QCheckBox, QDateEdit]:
        box = QCheckBox(text)
        edit = QDateEdit(initial)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setAccessibleName(text)
        edit.setEnabled(False)
        box.toggled.connect(edit.setEnabled)
        return box, edit

    def title(self) -> str:
        return self.tr("Audit")

    # ---- the filter -----------------------------------------------------------------------------------------
    def wanted(self) -> AuditFilter:
        return AuditFilter(
            user=self.user.currentData(),
            person=self.person.text().strip(),
            action=self.action.currentData(),
            start=_day(self.start.date()) if self.use_start.isChecked() else None,
            end=_day(self.end.date()) if self.use_end.isChecked() else None,
        )

    def clear_filters(self) -> None:
        for widget in (self.user, self.action, self.person, self.use_start, self.use_end):
            widget.blockSignals(True)
        self.user.setCurrentIndex(0)
        self.action.setCurrentIndex(0)
        self.person.clear()
        self.use_start.setChecked(False)
        self.use_end.setChecked(False)
        self.start.setEnabled(False)
        self.end.setEnabled(False)
        for widget in (self.user, self.action, self.person, self.use_start, self.use_end):
            widget.blockSignals(False)
        self._filter_changed()

    def _filter_changed(self) -> None:
        self._debounce.stop()
        self.offset = 0
        self.refresh()

    def _turn(self, pages: int) -> None:
        size = audit_log.PAGE_SIZE
        total = self.page.total if self.page else 0
        self.offset = min(max(0, self.offset + pages * size), max(0, total - 1) // size * size)
        self.refresh()

    # ---- loading --------------------------------------------------------------------------------------------
    def affected_by(self, changes: Changes) -> bool:
        return bool(changes)  # every write leaves an entry

    def refresh(self) -> None:
        if not self._choices_loaded:
            self.ctx.runner.run(_choices, on_done=self._show_choices, on_error=self._failed)
        wanted, offset = self.wanted(), self.offset
        self.ctx.runner.run(
            lambda store: audit_log.query(store, wanted, offset, audit_log.PAGE_SIZE),
            on_done=self._show,
            on_error=self._failed,
            parent=self,
        )

    def _show_choices(self, choices: tuple[list[str], list[str]]) -> None:
        logins, actions = choices
        self._choices_loaded = True
        for combo in (self.user, self.action):
            combo.blockSignals(True)
        for login in logins:
            self.user.addItem(login, login)
        for code in actions:
            self.action.addItem(f"{audit_log.describe_action(code).render()} ({code})", code)
        for combo in (self.user, self.action):
            combo.blockSignals(False)

    def _show(self, page: audit_log.AuditPage) -> None:
        self.page = page
        self.problem.hide()
        self.table.setRowCount(len(page.rows))
        for row, entry in enumerate(page.rows):
            cells = (
                str(entry.seq),
                audit_log.local_time(entry.at),
                entry.user or self.tr("(system)"),
                entry.action_label.render(),
                entry.record_no or "",
                entry.details_text(),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setToolTip(entry.action)
                self.table.setItem(row, column, item)
        if page.total:
            first, last = page.offset + 1, page.offset + len(page.rows)
            self.count.setText(
                self.tr("Entries %1–%2 of %3").replace("%1", str(first)).replace("%2", str(last))
                .replace("%3", f"{page.total:,}")
            )  # fmt: skip
        else:
            self.count.setText(self.tr("No entry matches the filter."))
        self.previous.setEnabled(page.offset > 0)
        self.next.setEnabled(page.offset + len(page.rows) < page.total)
        self.export_button.setEnabled(page.total > 0)

    def _failed(self, error: BaseException) -> None:
        # A filter that cannot work (an unknown user, dates the wrong way round, a name for the
        # administrator) is said beside the filter; the last good result is cleared so nothing misleads.
        self.problem.setText(message_for(error))
        self.problem.show()
        self.page = None
        self.table.setRowCount(0)
        self.count.setText("")
        self.previous.setEnabled(False)
        self.next.setEnabled(False)
        self.export_button.setEnabled(False)

    # ---- the chain ------------------------------------------------------------------------------------------
    def verify(self) -> None:
        self.verify_button.setEnabled(False)
        self.chain.setText(self.tr("Verifying the audit chain…"))
        self.chain.setStyleSheet("")
        self.ctx.runner.run(
            audit_log.verify,
            on_done=self._verified,
            on_error=self._verify_failed,
            parent=self,
            label=self.tr("Verifying the audit chain…"),
        )

    def _verified(self, check: ChainCheck) -> None:
        self.verify_button.setEnabled(True)
        self.chain.setText(audit_log.chain_message(check).render())
        self.chain.setStyleSheet(OK_STYLE if check.ok else BROKEN_STYLE)

    def _verify_failed(self, error: BaseException) -> None:
        self.verify_button.setEnabled(True)
        self.chain.setText("")
        show_error(self, error)

    # ---- exporting ------------------------------------------------------------------------------------------
    def ask_export_path(self) -> Path | None:
        name = self.tr("audit-log") + f"-{self.ctx.today():%Y%m%d}.xlsx"
        suggested = Path.home() / name
        chosen, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the audit entries"), str(suggested), self.tr("Excel (*.xlsx);;CSV (*.csv)")
        )
        return Path(chosen) if chosen else None

    def export(self) -> None:
        out = self.ask_export_path()
        if out is None:
            return
        wanted = self.wanted()
        self.export_button.setEnabled(False)
        self.result.setText("")
        self.ctx.runner.run(
            lambda store: audit_log.export(store, wanted, out),
            on_done=lambda rows: self._exported(rows, out),
            on_error=self._export_failed,
            parent=self,
            label=self.tr("Exporting the audit entries…"),
        )

    def _exported(self, rows: int, out: Path) -> None:
        self.export_button.setEnabled(True)
        self.result.setText(audit_log.EXPORTED.render(rows=rows, path=str(out)))

    def _export_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        show_error(self, error)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())
