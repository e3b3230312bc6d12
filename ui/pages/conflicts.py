"""Conflicts (supervisors): a person's field changed on two computers while they were apart. Every value
is shown side by side with who made it and when; the supervisor adopts one or types another.

The decision goes to the server (``resolve_flow``: a role check here, then one request on the network
pool); the server records it and hands it to every computer with the next pull, this one included,
so the page asks the sync scheduler for a sync at once. If the server cannot be reached, the page says
so and the conflict stays open.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.errors import UserError
from app.services import conflicts
from app.services.conflicts import ConflictChoice, ConflictItem
from app.store.store import Changes
from sync.client.errors import SyncError
from sync.client.flow import OnDb, resolve_flow
from sync.client.transport import Transport
from ui.errors import message_for, show_error
from ui.pages.base import Page
from ui.sync_scheduler import SyncScheduler, local_time

IN_FORCE_STYLE = (
    "QGroupBox { border: 2px solid #1565c0; border-radius: 4px; margin-top: 1.2em; padding: 6px; }"
)
CARD_STYLE = "QGroupBox { border: 1px solid #9e9e9e; border-radius: 4px; margin-top: 1.2em; padding: 6px; }"
TITLE_STYLE = "QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; }"


class ConflictsPage(Page):
    key = "conflicts"

    def __init__(self, ctx, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, nav)
        self.open_items: list[ConflictItem] = []  # as the store has them
        self.items: list[ConflictItem] = []  # as the list shows them (decisions on their way left out)
        self.current: ConflictItem | None = None
        self.scheduler: SyncScheduler | None = None
        self.transport_factory: Callable[..., Transport] = Transport
        self._sent: set[str] = set()  # decided here and accepted by the server, not pulled back yet
        self._sending = False

        self.heading = QLabel(f"<h2>{self.title()}</h2>")
        intro = QLabel(
            self.tr(
                "Two computers changed the same item of a person's file while they could not reach each other. "
                "Check which value is right and adopt it, or type the right one: the decision goes to the "
                "server and from there to every computer."
            )
        )
        intro.setWordWrap(True)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Record"), self.tr("Person"), self.tr("Item"), self.tr("Received")]
        )
        self.table.setAccessibleName(self.tr("Open conflicts"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selected)

        self.detail = QWidget()
        detail = QVBoxLayout(self.detail)
        detail.setContentsMargins(12, 0, 0, 0)
        self.subject = QLabel()
        self.subject.setWordWrap(True)
        self.subject.setAccessibleName(self.tr("Conflict"))
        self.cards = QHBoxLayout()
        self.cards.setSpacing(12)
        self.typed_box = QGroupBox(self.tr("Or type the right value"))
        self.typed_box.setStyleSheet(CARD_STYLE + TITLE_STYLE)
        typed = QHBoxLayout(self.typed_box)
        self.typed = QLineEdit()
        self.typed.setAccessibleName(self.tr("Another value"))
        self.typed.returnPressed.connect(self.adopt_typed)
        self.typed_button = QPushButton(self.tr("Adopt the typed value"))
        self.typed_button.clicked.connect(self.adopt_typed)
        typed.addWidget(self.typed, 1)
        typed.addWidget(self.typed_button)
        self.typed_note = QLabel()
        self.typed_note.setWordWrap(True)
        detail.addWidget(self.subject)
        detail.addLayout(self.cards)
        detail.addWidget(self.typed_box)
        detail.addWidget(self.typed_note)
        detail.addStretch(1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setChildrenCollapsible(False)

        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Decision result"))
        self.empty = QLabel(self.tr("No conflict waits for a decision."))
        self.empty.setAccessibleName(self.tr("No conflicts"))

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(intro)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        self._show_detail(None)

    def title(self) -> str:
        return self.tr("Conflicts")

    def attach_scheduler(self, scheduler: SyncScheduler) -> None:
        """The window's sync scheduler: after a decision, a sync brings it back to this computer."""
        self.scheduler = scheduler

    # ---- loading --------------------------------------------------------------------------------------------
    def affected_by(self, changes: Changes) -> bool:
        # A pull that brings a conflict (or a decision, which changes the person) concerns this page.
        return "sync_conflict" in changes.entities or bool(changes.persons)

    def refresh(self) -> None:
        self.ctx.runner.run(conflicts.queue, on_done=self._show, parent=self)

    def _show(self, items: list[ConflictItem]) -> None:
        self._sent &= {item.id for item in items}  # a decision pulled back closed its conflict here
        self.open_items = items
        self._render()

    def _render(self) -> None:
        self.items = [item for item in self.open_items if item.id not in self._sent]
        chosen = self.current.id if self.current else None
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            for column, text in enumerate(
                (
                    item.record_no or "",
                    item.name,
                    item.field_label.render(),
                    local_time(item.received_at),
                )
            ):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.blockSignals(False)
        self.empty.setVisible(not self.items)
        rows = [i for i, item in enumerate(self.items) if item.id == chosen]
        self.table.blockSignals(True)
        if self.items:
            self.table.selectRow(rows[0] if rows else 0)
        self.table.blockSignals(False)
        self._selected()

    def _selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self._show_detail(self.items[rows[0].row()] if rows else None)

    def _show_detail(self, item: ConflictItem | None) -> None:
        self.current = item
        while self.cards.count():
            widget = self.cards.takeAt(0).widget()
            if widget is not None:
                widget.setParent(None)  # gone at once, not only at the next turn of the event loop
                widget.deleteLater()
        self.detail.setVisible(item is not None)
        if item is None:
            return
        self.subject.setText(
            "<b>"
            + self.tr("%1 (record %2): %3")
            .replace("%1", item.name or "—")
            .replace("%2", item.record_no or "—")
            .replace("%3", item.field_label.render())
            + "</b>"
        )
        for number, choice in enumerate(item.choices, start=1):
            self.cards.addWidget(self._card(item, number, choice))
        self.cards.addStretch(1)
        self.typed_box.setVisible(item.typable)
        self.typed.clear()
        self.typed_note.setText(
            ""
            if item.typable
            else self.tr(
                "This item can only take one of the values above; correct it afterwards in the file."
            )
        )
        self._enable(not self._sending)

    def _card(self, item: ConflictItem, number: int, choice: ConflictChoice) -> QGroupBox:
        card = QGroupBox(self.tr("Value %1").replace("%1", str(number)))
        card.setStyleSheet((IN_FORCE_STYLE if choice.in_force else CARD_STYLE) + TITLE_STYLE)
        card.setMinimumWidth(220)
        layout = QVBoxLayout(card)
        value = QLabel(choice.shown)
        value.setWordWrap(True)
        value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        value.setStyleSheet("font-size: 16px; font-weight: bold;")
        value.setAccessibleName(self.tr("Value %1").replace("%1", str(number)))
        layout.addWidget(value)
        layout.addWidget(QLabel(self.tr("Changed on: %1").replace("%1", self._where(choice))))
        when = local_time(choice.at) if choice.at else "—"
        layout.addWidget(QLabel(self.tr("Changed at: %1").replace("%1", when)))
        shown = QLabel(self.tr("The file shows this value for now.") if choice.in_force else "")
        shown.setStyleSheet("color: #1565c0;")
        layout.addWidget(shown)
        adopt = QPushButton(self.tr("Adopt this value"))
        adopt.setObjectName(f"adopt-{number}")
        adopt.clicked.connect(lambda: self.adopt(item, choice.value, choice.shown))
        layout.addWidget(adopt)
        return card

    def _where(self, choice: ConflictChoice) -> str:
        if choice.here and choice.user:
            return self.tr("this computer, by %1").replace("%1", choice.user)
        if choice.here:
            return self.tr("this computer")
        return self.tr("another computer (%1)").replace("%1", choice.device[:8] or "?")

    # ---- deciding -------------------------------------------------------------------------------------------
    def adopt_typed(self) -> None:
        item = self.current
        if item is None or self._sending:
            return
        try:
            value = conflicts.typed_value(item.field, self.typed.text())
        except UserError as error:
            self.typed_note.setText(message_for(error))
            return
        self.adopt(item, value, value or conflicts.EMPTY.render())

    def adopt(self, item: ConflictItem, value: Any, shown: str) -> None:
        """Send the decision; the conflict stays until the server has it."""
        if self._sending:
            return
        self._sending = True
        self._enable(False)
        self.status.setText(self.tr("Sending the decision to the server…"))
        flow = resolve_flow(item.id, item.field, value, self.transport_factory)
        self._run(flow, lambda _result: self._sent_ok(item, shown), lambda error: self._not_sent(error))

    def _run(
        self,
        flow: Generator[Any, Any, Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        """Each step where it belongs: store work on the database thread, the request on the network pool."""

        def advance(value: Any, error: BaseException | None) -> None:
            try:
                step = flow.send(value) if error is None else flow.throw(error)
            except StopIteration as stop:
                on_done(stop.value)
                return
            except Exception as exc:
                on_error(exc)
                return
            if isinstance(step, OnDb):
                self.ctx.runner.run(
                    step.work, on_done=lambda v: advance(v, None), on_error=lambda e: advance(None, e)
                )
            else:
                self.ctx.runner.run_network(
                    step.work, on_done=lambda v: advance(v, None), on_error=lambda e: advance(None, e)
                )

        advance(None, None)

    def _sent_ok(self, item: ConflictItem, shown: str) -> None:
        self._sending = False
        self._sent.add(item.id)
        self.status.setText(
            self.tr(
                "The server recorded “%1” for %2 (%3). Every computer adopts it when it syncs; this one now."
            )
            .replace("%1", shown)
            .replace("%2", item.field_label.render())
            .replace("%3", item.record_no or item.name)
        )
        self._render()
        if self.scheduler is not None:
            self.scheduler.sync_now()  # the pull applies the decision here and closes the conflict
        else:
            self.refresh()

    def _not_sent(self, error: Exception) -> None:
        self._sending = False
        self._enable(True)
        if isinstance(error, SyncError) and error.kind == "network":
            detail = error.message.params.get("detail", "")
            error = UserError(conflicts.NOT_SENT(detail=detail))
        self.status.setText(message_for(error))
        show_error(self, error)

    def _enable(self, enabled: bool) -> None:
        for button in self.detail.findChildren(QPushButton):
            button.setEnabled(enabled)
        self.typed.setEnabled(enabled)
