"""The people table's model: it holds ids and fetches the rows a view shows, a page at a time.

Like Anki's browser table, the model knows the whole list only as ids (one cheap query on plain
columns); a row is fetched through the op runner the first time a view asks for it, cached, and
dropped when a write reports that person changed. ``data()`` never blocks and never touches the
store: an unknown row shows "…" until its page arrives. Fetches are coalesced so that dragging the
scroll bar through 10,000 persons fetches the pages that end up visible, not every page passed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from enum import IntEnum
from typing import Any
from uuid import UUID

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from shiboken6 import isValid

from app.services.people_query import PeopleQuery
from app.services.persons import PersonSummary, summaries
from app.store.store import Changes, Store
from models.enums import RiskColour
from ui.errors import show_error
from ui.ops import OpRunner

PLACEHOLDER = "…"
PAGE_SIZE = 100
PAGES_PER_FETCH = 3  # what a screen shows, with a page either side; older wishes are dropped
PERSON_ID_ROLE = Qt.ItemDataRole.UserRole + 1
ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        PERSON_ID_ROLE,
    }
)

RISK_COLOURS = {
    RiskColour.RED: QColor("#d93025"),
    RiskColour.YELLOW: QColor("#e8a600"),
    RiskColour.BLUE: QColor("#1a73e8"),
    RiskColour.GREEN: QColor("#188038"),
}
_dots: dict[RiskColour, QIcon] = {}


def risk_dot(colour: RiskColour, size: int = 12) -> QIcon:
    """A filled circle in the risk colour (the colour is also written beside it, for who cannot see it)."""
    if colour not in _dots:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(RISK_COLOURS[colour])
        painter.drawEllipse(1, 1, size - 2, size - 2)
        painter.end()
        _dots[colour] = QIcon(pixmap)
    return _dots[colour]


def alive(obj: QObject) -> bool:
    """Whether a Qt object still exists: an op's answer may arrive after its window has closed."""
    return isValid(obj)


def mask_id_number(number: str) -> str:
    """The region and the last four characters; the birth date and sequence hidden (a privacy default)."""
    if len(number) < 10:
        return number
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


class Column(IntEnum):
    RECORD_NO = 0
    NAME = 1
    SEX = 2
    AGE = 3
    ID_NUMBER = 4
    MEASURE = 5
    STATUS = 6
    RISK = 7
    WORKER = 8


SORT_OF_COLUMN = {
    Column.RECORD_NO: "record_no",
    Column.NAME: "name",
    Column.SEX: "sex",
    Column.AGE: "age",
    Column.ID_NUMBER: "id_number",
    Column.MEASURE: "measure",
    Column.STATUS: "status",
    Column.RISK: "risk_colour",
    Column.WORKER: "worker",
}


class PeopleModel(QAbstractTableModel):
    loaded = Signal(int)  # the ids of a query arrived: how many persons it found

    def __init__(self, runner: OpRunner, today: Callable[[], date], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.today = today
        self._query = PeopleQuery()
        self._ids: list[UUID] = []
        self._row_of: dict[UUID, int] = {}
        self._rows: dict[UUID, PersonSummary] = {}
        self._in_flight: set[UUID] = set()
        self._failed: set[UUID] = set()  # not asked again until the next query or change
        self._wanted: dict[int, None] = {}  # pages a view asked for, most recent last
        self._fetching = False
        self._generation = 0  # the newest ids query; older answers are ignored
        self._loading = False
        self._started = False
        self._worker_names: dict[str, str] = {}
        self.show_full_ids = False
        self._fetch_timer = QTimer(self)
        self._fetch_timer.setSingleShot(True)
        self._fetch_timer.setInterval(0)
        self._fetch_timer.timeout.connect(self._fetch_wanted)
        runner.changed.connect(self._on_changed)

    # ---- the query ---------------------------------------------------------------------------------------
    @property
    def query(self) -> PeopleQuery:
        return self._query

    @property
    def loading(self) -> bool:
        return self._loading

    def set_query(self, query: PeopleQuery) -> None:
        """Search and filters; the order stays what the header says."""
        query = dataclasses.replace(query, sort=self._query.sort, descending=self._query.descending)
        if query != self._query or not self._started:
            self._query = query
            self.reload()

    def reload(self) -> None:
        """Ask for the ids again (the rows already fetched stay cached)."""
        self._started = True
        self._generation += 1
        self._loading = True
        generation, query = self._generation, self._query
        cached = frozenset(self._rows)

        def ids_and_first_page(store: Store) -> tuple[list[UUID], list[PersonSummary]]:
            # The rows a view shows first come with the ids, in the same op: one trip through the
            # database thread per keystroke instead of two.
            ids = query.run(store)
            first = [pid for pid in ids[:PAGE_SIZE] if pid not in cached]
            return ids, summaries(store, first) if first else []

        self.runner.run(
            ids_and_first_page,
            on_done=lambda found: self._ids_arrived(generation, *found),
            on_error=lambda error: self._ids_failed(generation, error),
        )

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        sort = SORT_OF_COLUMN.get(column, "relevance")  # -1: no column, the search's own order
        descending = order == Qt.SortOrder.DescendingOrder and sort != "relevance"
        if (sort, descending) == (self._query.sort, self._query.descending):
            return
        self._query = dataclasses.replace(self._query, sort=sort, descending=descending)
        if self._started:
            self.reload()

    def _ids_arrived(self, generation: int, ids: list[UUID], first: list[PersonSummary]) -> None:
        if not alive(self) or generation != self._generation:
            return
        self._loading = False
        self._failed.clear()
        for person in first:
            self._rows[person.id] = person
        if ids == self._ids:
            self._refresh_missing()
        else:
            self.beginResetModel()
            self._ids = ids
            self._row_of = {pid: row for row, pid in enumerate(ids)}
            self._wanted.clear()
            self.endResetModel()
        self.loaded.emit(len(ids))

    def _ids_failed(self, generation: int, error: BaseException) -> None:
        if alive(self) and generation == self._generation:
            self._loading = False
        show_error(None, error)

    # ---- reading -----------------------------------------------------------------------------------------
    def person_id(self, row: int) -> UUID | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, person_id: UUID) -> int | None:
        return self._row_of.get(person_id)

    def summary(self, row: int) -> PersonSummary | None:
        """The row if it has been fetched (None while it is on its way)."""
        pid = self.person_id(row)
        return None if pid is None else self._rows.get(pid)

    def ids(self) -> list[UUID]:
        return list(self._ids)

    def set_worker_names(self, names: dict[str, str]) -> None:
        """Show workers by their display names (login → name) rather than by their logins."""
        self._worker_names = names
        if self._ids:
            self._emit_rows(0, len(self._ids) - 1, Column.WORKER, Column.WORKER)

    def set_show_full_ids(self, full: bool) -> None:
        self.show_full_ids = full
        if self._ids:
            self._emit_rows(0, len(self._ids) - 1, Column.ID_NUMBER, Column.ID_NUMBER)

    # ---- Qt's model interface ------------------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._titles()[section]
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            return Qt.SortOrder.AscendingOrder.value
        return None

    def _titles(self) -> list[str]:
        return [
            self.tr("Record no."),
            self.tr("Name"),
            self.tr("Sex"),
            self.tr("Age"),
            self.tr("ID number"),
            self.tr("Measure"),
            self.tr("Status"),
            self.tr("Risk"),
            self.tr("Worker"),
        ]

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        # A view asks for a dozen roles a cell at every repaint; most are not ours, and answering them
        # first keeps a keystroke's repaint of the list cheap.
        if role not in ANSWERED_ROLES or not index.isValid():
            return None
        row = index.row()
        if row >= len(self._ids):
            return None
        pid = self._ids[row]
        if role == PERSON_ID_ROLE:
            return pid
        person = self._rows.get(pid)
        if person is None:
            if role == Qt.ItemDataRole.DisplayRole:
                self._want(row)
                return PLACEHOLDER
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(person, column)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.RISK:
            return risk_dot(person.risk_colour)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.AGE:
            return self.tr("Born %1").replace("%1", person.birth_date.isoformat())
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.SEX, Column.AGE):
            return Qt.AlignmentFlag.AlignCenter
        return None

    def _text(self, person: PersonSummary, column: int) -> str:
        if column == Column.RECORD_NO:
            return person.record_no
        if column == Column.NAME:
            return person.name
        if column == Column.SEX:
            return person.gender.label.render()
        if column == Column.AGE:
            return str(age_on(person.birth_date, self.today()))
        if column == Column.ID_NUMBER:
            return person.id_number if self.show_full_ids else mask_id_number(person.id_number)
        if column == Column.MEASURE:
            return person.measure.label.render() if person.measure else ""
        if column == Column.STATUS:
            return person.status.label.render()
        if column == Column.RISK:
            return person.risk_colour.label.render()
        if column == Column.WORKER:
            login = person.assigned_worker or ""
            return self._worker_names.get(login) or login
        return ""

    # ---- fetching rows -----------------------------------------------------------------------------------
    def _want(self, row: int) -> None:
        page = row // PAGE_SIZE
        self._wanted.pop(page, None)
        self._wanted[page] = None
        if not self._fetching and not self._fetch_timer.isActive():
            self._fetch_timer.start()

    def _fetch_wanted(self) -> None:
        if self._fetching or not self._wanted:
            return
        pages = list(self._wanted)
        recent, dropped = pages[-PAGES_PER_FETCH:], pages[:-PAGES_PER_FETCH]
        self._wanted.clear()
        wanted = [
            pid
            for page in recent
            for pid in self._ids[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
            if pid not in self._rows and pid not in self._in_flight and pid not in self._failed
        ]
        for page in dropped:  # repainting asks again for those still on screen, and only those
            self._emit_rows(page * PAGE_SIZE, min(len(self._ids), (page + 1) * PAGE_SIZE) - 1)
        if not wanted:
            return
        self._fetching = True
        self._in_flight.update(wanted)
        self.runner.run(
            lambda store: summaries(store, wanted),
            on_done=lambda rows: self._rows_arrived(wanted, rows),
            on_error=lambda error: self._rows_failed(wanted, error),
        )

    def _rows_arrived(self, asked: list[UUID], rows: list[PersonSummary]) -> None:
        # The database thread is serial and its answers arrive in order, so a row fetched before a
        # write is dropped again by that write's change notice, which arrives after it.
        if not alive(self):
            return
        self._fetching = False
        self._in_flight.difference_update(asked)
        for person in rows:
            self._rows[person.id] = person
        self._failed.update(set(asked) - {p.id for p in rows})  # removed meanwhile: no endless asking
        self._emit_ids(asked)
        if self._wanted:
            self._fetch_timer.start()

    def _rows_failed(self, asked: list[UUID], error: BaseException) -> None:
        if not alive(self):
            return
        self._fetching = False
        self._in_flight.difference_update(asked)
        self._failed.update(asked)
        show_error(None, error)
        if self._wanted:
            self._fetch_timer.start()

    def _emit_ids(self, ids: list[UUID]) -> None:
        rows = [r for r in (self._row_of.get(pid) for pid in ids) if r is not None]
        if rows:
            self._emit_rows(min(rows), max(rows))

    def _emit_rows(self, first: int, last: int, left: int = 0, right: int = len(Column) - 1) -> None:
        if first <= last:
            self.dataChanged.emit(self.index(first, left), self.index(last, right))

    def _refresh_missing(self) -> None:
        """Repaint rows that are not cached (changed or failed): the view asks for what it shows."""
        missing = [pid for pid in self._ids if pid not in self._rows]
        self._emit_ids(missing)

    # ---- changes -----------------------------------------------------------------------------------------
    def _on_changed(self, changes: Changes) -> None:
        touched = set(changes.persons) | set(changes.created)
        if not touched:
            return
        for pid in touched:
            self._rows.pop(pid, None)
            self._failed.discard(pid)
        if self._started:
            self.reload()  # the change may move people in or out of the filters, or in the order
