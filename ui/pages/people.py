"""The People page: find anyone as you type, narrow by filters, open their file, register someone.

The table's model holds ids only (ui.people_model), so 10,000 persons scroll as smoothly as thirty;
a search waits for a short pause in typing, then asks for ids (never for decrypted rows).
"""

from __future__ import annotations

import dataclasses
from itertools import pairwise
from uuid import UUID

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
)

from app.services import people_query
from app.services.people_query import PeopleQuery, WorkerChoice
from app.store.store import Changes
from models.enums import MeasureKind, PersonStatus, RiskColour
from ui.context import UiContext
from ui.forms.person_form import ChoiceCombo, PersonForm
from ui.pages.base import Navigator, Page
from ui.people_model import Column, PeopleModel, alive, risk_dot

SEARCH_PAUSE_MS = 150
COLUMN_WIDTHS = {
    Column.RECORD_NO: 170,
    Column.NAME: 90,
    Column.SEX: 50,
    Column.AGE: 50,
    Column.ID_NUMBER: 170,
    Column.MEASURE: 140,
    Column.STATUS: 130,
    Column.RISK: 150,
}


class PeoplePage(Page):
    key = "people"

    def __init__(self, ctx: UiContext, nav: Navigator) -> None:
        super().__init__(ctx, nav)
        self.model = PeopleModel(ctx.runner, ctx.today, self)
        self.form: PersonForm | None = None
        self._select_when_loaded: UUID | None = None
        self._open_single_when_loaded = False

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Name, pinyin, initials or ID number"))
        self.search.setAccessibleName(self.tr("Search people"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(320)
        self.register_button = QPushButton(self.tr("Register a person…"))
        self.register_button.setAccessibleName(self.tr("Register a person"))

        self.measure_filter = self._combo(self.tr("Filter by measure"), self.tr("All measures"))
        for kind in MeasureKind:
            self.measure_filter.add(kind.label.render(), kind)
        self.status_filter = self._combo(self.tr("Filter by status"), self.tr("All statuses"))
        for status in PersonStatus:
            self.status_filter.add(status.label.render(), status)
        self.risk_filter = self._combo(self.tr("Filter by risk colour"), self.tr("All risk colours"))
        for colour in RiskColour:
            self.risk_filter.add(colour.label.render(), colour, risk_dot(colour))
        self.worker_filter = self._combo(self.tr("Filter by worker"), self.tr("All workers"))
        self.overdue_filter = QCheckBox(self.tr("Overdue only"))
        self.overdue_filter.setAccessibleName(self.tr("Only people with overdue tasks"))
        self.overdue_filter.toggled.connect(self.apply_query)
        self.count_label = QLabel()
        self.count_label.setAccessibleName(self.tr("Number of persons found"))

        self.table = QTableView()
        self.table.setAccessibleName(self.tr("People"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, as everywhere else on the page
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measures 10,000 rows
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorClearable(True)  # a third click goes back to the search's own order
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        for column, width in COLUMN_WIDTHS.items():
            header.resizeSection(column, width)
        self.table.setSortingEnabled(True)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.register_button)
        filters = QHBoxLayout()
        for combo in self._filters():
            filters.addWidget(combo)
        filters.addWidget(self.overdue_filter)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self.apply_query)
        self.search.textChanged.connect(lambda _text: self._search_timer.start())
        self.search.returnPressed.connect(self._search_entered)
        self.search.installEventFilter(self)
        self.table.installEventFilter(self)
        self.table.doubleClicked.connect(lambda index: self.open_row(index.row()))
        for combo in self._filters():
            combo.currentIndexChanged.connect(self.apply_query)
        self.register_button.clicked.connect(self.register_person)
        self.model.loaded.connect(self._loaded)
        self.model.modelAboutToBeReset.connect(self._remember_current)
        find = QShortcut(QKeySequence(QKeySequence.StandardKey.Find), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)
        new = QShortcut(QKeySequence(QKeySequence.StandardKey.New), self)
        new.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        new.activated.connect(self.register_person)
        self.register_button.setToolTip(self.tr("Register a person (Ctrl+N)"))
        chain = [self.search, self.register_button, *self._filters(), self.table]
        for first, second in pairwise(chain):
            self.setTabOrder(first, second)

    def title(self) -> str:
        return self.tr("People")

    def _filters(self) -> list[ChoiceCombo]:
        return [self.measure_filter, self.status_filter, self.risk_filter, self.worker_filter]

    def _combo(self, accessible: str, everything: str) -> ChoiceCombo:
        combo = ChoiceCombo()
        combo.setAccessibleName(accessible)
        combo.setToolTip(accessible)
        combo.add(everything, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        return combo

    # ---- loading -------------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.ctx.runner.run(people_query.workers, on_done=self._fill_workers)
        self.apply_query()

    def affected_by(self, changes: Changes) -> bool:
        return False  # the model follows changes itself, row by row

    def _fill_workers(self, choices: list[WorkerChoice]) -> None:
        if not alive(self):
            return
        wanted = self.worker_filter.value()
        self.worker_filter.blockSignals(True)
        self.worker_filter.remove_from(1)
        for choice in choices:
            self.worker_filter.add(choice.shown, choice.id)
        kept = self.worker_filter.select(wanted)
        self.worker_filter.blockSignals(False)
        if not kept:  # that worker is gone: show everyone's
            self.worker_filter.setCurrentIndex(0)
            self.apply_query()
        self.model.set_worker_names({c.login: c.shown for c in choices})

    def current_query(self) -> PeopleQuery:
        return dataclasses.replace(
            self.model.query,
            search=self.search.text().strip(),
            measure=self.measure_filter.value(),
            status=self.status_filter.value(),
            risk=self.risk_filter.value(),
            worker_id=self.worker_filter.value(),
            overdue_only=self.overdue_filter.isChecked(),
        )

    def apply_query(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.current_query())

    def _remember_current(self) -> None:
        """Keep the selected person selected when the list is read again (not the row number)."""
        if self._select_when_loaded is None:
            self._select_when_loaded = self.model.person_id(self.table.currentIndex().row())

    def _loaded(self, count: int) -> None:
        self.count_label.setText(self.tr("%n person(s)", "", count))
        if self._select_when_loaded is not None:
            row = self.model.row_of(self._select_when_loaded)
            self._select_when_loaded = None
            if row is not None:
                self.select_row(row)
        if self._open_single_when_loaded:
            self._open_single_when_loaded = False
            self._open_single()

    # ---- moving about --------------------------------------------------------------------------------------
    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)

    def _search_entered(self) -> None:
        """Enter in the search: one match opens at once; several go to the table."""
        self.apply_query()
        if self.model.loading:
            self._open_single_when_loaded = True
        else:
            self._open_single()

    def _open_single(self) -> None:
        if self.model.rowCount() == 1:
            self.open_row(0)
        else:
            self._enter_table()

    def _enter_table(self) -> None:
        if self.model.rowCount() == 0:
            return
        if not self.table.currentIndex().isValid():
            self.select_row(0)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def open_row(self, row: int) -> None:
        person_id = self.model.person_id(row)
        if person_id is not None:
            self.nav.open_person(person_id)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if watched is self.search and event.key() == Qt.Key.Key_Down:
                self._enter_table()
                return True
            if watched is self.table and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                index = self.table.currentIndex()
                if index.isValid():
                    self.open_row(index.row())
                    return True
        return super().eventFilter(watched, event)

    # ---- registering ---------------------------------------------------------------------------------------
    def register_person(self) -> PersonForm:
        # A window-modal dialog (open(), never exec()): locking hides it with the window, as it was.
        form = PersonForm(self.ctx, self.window())
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.saved.connect(self._registered)
        form.finished.connect(self._form_closed)
        self.form = form
        form.open()
        return form

    def _registered(self, changes: Changes) -> None:
        if changes.created:
            self._select_when_loaded = changes.created[0]

    def _form_closed(self) -> None:
        self.form = None
