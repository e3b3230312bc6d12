"""One timeline of everything recorded about a person: each fact one row, newest first.

A corrected fact says which version it is and why it changed, and opens to show the versions it
replaced; a voided fact is struck through with its reason. The model holds the opened facts of one
person (plain data from the op that loaded the file), so ``data()`` is a lookup and never raises.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from PySide6.QtCore import QAbstractItemModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTreeView, QWidget

from app.services.facts import FactHistory, FactVersionView
from app.services.inputs import (
    AgreementInput,
    AssistanceInput,
    DrugTestInput,
    LeaveInput,
    ViolationInput,
    VisitInput,
)
from models.enums import FactKind, LabelledEnum, ReviewState, TestResult, VersionKind

DATE, KIND, SUMMARY, VERSION, REVIEW, BY = range(6)
HistoryRole = Qt.ItemDataRole.UserRole + 1  # a top row's FactHistory
VersionRole = Qt.ItemDataRole.UserRole + 2  # the row's FactVersionView
GREY = QColor("#6b6b6b")
# The roles the timeline answers; a view asks for a dozen a cell at every repaint, and the rest get None
# before any work is done.
ANSWERED_ROLES = frozenset(
    {
        HistoryRole,
        VersionRole,
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.AccessibleTextRole,
    }
)
TEXT_FIELDS = ("reason", "notes", "description", "station")

Index = QModelIndex | QPersistentModelIndex
translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls
ROOT = QModelIndex()  # the invisible root: the parent of top rows


def _fill(template: str, *values: object) -> str:
    """Put ``values`` in for %1, %2 … in one pass (a value containing "%2" stays as typed)."""

    def value(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return str(values[number - 1]) if 0 < number <= len(values) else match.group(0)

    return re.sub(r"%(\d)", value, template)


def summarize(data: Any) -> str:
    """A record in one line, in the user's language, e.g. "入户走访：情况稳定" or "尿液 现场检测：阴性"."""
    head, tail = "", ""
    if isinstance(data, VisitInput):
        head = data.kind.label.render()
        details = (data.summary, data.mental_state, data.health, data.employment, data.family, data.needs)
        tail = next((text for text in details if text), "")
    elif isinstance(data, DrugTestInput):
        head = _fill(translate("Timeline", "%1 %2"), data.sample.label.render(), data.method.label.render())
        tail = data.result.label.render()
        positive = [
            drug.label.render() for drug, r in data.substance_results.items() if r is TestResult.POSITIVE
        ]
        if positive:
            tail = _fill(translate("Timeline", "%1 (%2)"), tail, "、".join(positive))
    elif isinstance(data, AssistanceInput):
        head = data.kind.label.render()
        tail = data.outcome.label.render()
        if data.amount is not None:
            tail = _fill(translate("Timeline", "%1, %2 yuan"), tail, f"{data.amount:,.2f}")
        if data.provider:
            tail = _fill(translate("Timeline", "%1, %2"), data.provider, tail)
    elif isinstance(data, LeaveInput):
        head = _fill(translate("Timeline", "%1 to %2"), data.starts_on.isoformat(), data.ends_on.isoformat())
        parts = [data.destination] if data.destination else []
        if data.returned_on is not None:
            parts.append(_fill(translate("Timeline", "back on %1"), data.returned_on.isoformat()))
        tail = translate("Timeline", ", ").join(parts)
    elif isinstance(data, ViolationInput):
        head = data.kind.label.render()
        tail = data.description
        if data.reported_to_police_on is not None:
            reported = _fill(
                translate("Timeline", "reported to the police on %1"), data.reported_to_police_on.isoformat()
            )
            tail = _fill(translate("Timeline", "%1, %2"), tail, reported) if tail else reported
    elif isinstance(data, AgreementInput):
        head = FactKind.AGREEMENT.label.render()
        if data.valid_until is not None:
            tail = _fill(translate("Timeline", "valid until %1"), data.valid_until.isoformat())
    else:  # other kinds (police reports, risk notes): what they are, and what was written
        head = next(
            (
                v.label.render()
                for v in (getattr(data, n, None) for n in ("kind", "colour"))
                if isinstance(v, LabelledEnum)
            ),
            "",
        )
        tail = next((v for v in (getattr(data, n, "") for n in TEXT_FIELDS) if isinstance(v, str) and v), "")
        head, tail = (head, tail) if head else (tail, "")
    text = _fill(translate("Timeline", "%1: %2"), head, tail) if tail else head
    return " ".join(text.split())  # one line, whatever was typed


def version_text(view: FactVersionView, *, earlier: bool = False) -> str:
    """What the Version column says of one version (an untouched original says nothing on its own row)."""
    reason = " ".join((view.change_reason or "").split())
    if view.version_kind is VersionKind.VOID:
        return _fill(translate("Timeline", "Voided: %1"), reason)
    if view.version_kind is VersionKind.CORRECTION:
        return _fill(translate("Timeline", "v%1 (corrected: %2)"), view.version, reason)
    return _fill(translate("Timeline", "v%1 original"), view.version) if earlier else ""


class TimelineModel(QAbstractItemModel):
    """Top rows are facts (their current version); a corrected or voided fact's children are the
    versions it replaced, newest first. ``internalId`` is 0 for a top row and parent row + 1 for a child."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[FactHistory] = []
        self._rows: list[FactHistory] = []
        self._kind: FactKind | None = None
        self._names: dict[str, str] = {}

    # ---- what it shows -----------------------------------------------------------------------------------
    def set_histories(self, histories: Sequence[FactHistory], names: dict[str, str] | None = None) -> None:
        """Show these facts; ``names`` gives the display name of a login (who recorded each)."""
        self.beginResetModel()
        if names is not None:
            self._names = dict(names)
        self._all = list(histories)
        self._rows = [h for h in self._all if self._kind is None or h.current.kind is self._kind]
        self.endResetModel()

    def set_kind_filter(self, kind: FactKind | None) -> None:
        self._kind = kind
        self.set_histories(self._all)

    def history(self, index: Index) -> FactHistory | None:
        """The fact a row belongs to (a child row: the fact it is an earlier version of)."""
        if not index.isValid():
            return None
        top = index.row() if index.internalId() == 0 else index.internalId() - 1
        return self._rows[top] if 0 <= top < len(self._rows) else None

    def version(self, index: Index) -> FactVersionView | None:
        history = self.history(index)
        if history is None:
            return None
        if index.internalId() == 0:
            return history.current
        earlier = history.earlier
        return earlier[index.row()] if 0 <= index.row() < len(earlier) else None

    def row_of(self, fact_id: UUID) -> QModelIndex:
        for row, history in enumerate(self._rows):
            if history.current.fact_id == fact_id:
                return self.index(row, 0)
        return QModelIndex()

    def histories(self) -> list[FactHistory]:
        return list(self._rows)

    # ---- the tree ----------------------------------------------------------------------------------------
    def index(self, row: int, column: int, parent: Index = ROOT) -> QModelIndex:
        if column < 0 or column > BY or row < 0:
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, id=0) if row < len(self._rows) else QModelIndex()
        if parent.internalId() != 0 or parent.row() >= len(self._rows):
            return QModelIndex()
        if row >= len(self._rows[parent.row()].earlier):
            return QModelIndex()
        return self.createIndex(row, column, id=parent.row() + 1)

    def parent(self, index: Index = ROOT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, id=0)

    def rowCount(self, parent: Index = ROOT) -> int:
        if not parent.isValid():
            return len(self._rows)
        if parent.internalId() != 0 or parent.column() != 0 or parent.row() >= len(self._rows):
            return 0
        return len(self._rows[parent.row()].earlier)

    def columnCount(self, parent: Index = ROOT) -> int:
        return BY + 1

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        titles = (
            self.tr("Date"),
            self.tr("Record"),
            self.tr("Summary"),
            self.tr("Version"),
            self.tr("Review"),
            self.tr("Recorded by"),
        )
        return titles[section] if 0 <= section < len(titles) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in ANSWERED_ROLES:
            return None
        try:
            return self._data(index, role)
        except Exception:  # a view must never crash on a row; an empty cell is the worst case
            return None

    def _data(self, index: Index, role: int) -> Any:
        view = self.version(index)
        if view is None:
            return None
        top = index.internalId() == 0
        history = self.history(index)
        voided = top and history is not None and history.voided
        column = index.column()
        if role == HistoryRole:
            return history if top else None
        if role == VersionRole:
            return view
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(view, column, earlier=not top)
            if role == Qt.ItemDataRole.ToolTipRole and column in (SUMMARY, VERSION):
                return text or None
            return text if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.FontRole and voided and column in (DATE, KIND, SUMMARY):
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and (voided or not top):
            return GREY
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return self._text(view, column, earlier=not top)
        return None

    def _text(self, view: FactVersionView, column: int, *, earlier: bool) -> str:
        if column == DATE:
            return view.occurred_on.isoformat()
        if column == KIND:
            return view.kind.label.render()
        if column == SUMMARY:
            return summarize(view.data)
        if column == VERSION:
            return version_text(view, earlier=earlier)
        if column == REVIEW:
            return "" if view.review is ReviewState.PENDING else view.review.label.render()
        if column == BY:
            return self._names.get(view.recorded_by or "") or view.recorded_by or ""
        return ""


class TimelineView(QTreeView):
    """The timeline as a tree: a fact's earlier versions open under it."""

    def __init__(self, model: TimelineModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(SUMMARY, QHeaderView.ResizeMode.Stretch)
        for column, width in ((DATE, 120), (KIND, 90), (VERSION, 150), (REVIEW, 70), (BY, 80)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        self.setAccessibleName(self.tr("Timeline"))

    def timeline(self) -> TimelineModel:
        model = self.model()
        assert isinstance(model, TimelineModel)
        return model

    def current_history(self) -> FactHistory | None:
        return self.timeline().history(self.currentIndex())
