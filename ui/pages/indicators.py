"""Indicators: the caseload at a glance for the current month."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QGridLayout, QGroupBox, QLabel, QVBoxLayout

from app.services.overview import Overview, overview
from app.store.store import Changes
from models.enums import PersonStatus, RiskColour
from ui.pages.base import Page


class IndicatorsPage(Page):
    key = "indicators"

    def __init__(self, ctx, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, nav)
        self.heading = QLabel()
        self.month = QGroupBox(self.tr("This month"))
        self.month_form = QFormLayout(self.month)
        self.status = QGroupBox(self.tr("People by status"))
        self.status_grid = QGridLayout(self.status)
        self.colours = QGroupBox(self.tr("People under a measure by risk colour"))
        self.colour_form = QFormLayout(self.colours)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.month)
        layout.addWidget(self.status)
        layout.addWidget(self.colours)
        layout.addStretch(1)

    def title(self) -> str:
        return self.tr("Indicators")

    def affected_by(self, changes: Changes) -> bool:
        return bool(changes.persons)

    def refresh(self) -> None:
        today = self.ctx.today()
        self.ctx.runner.run(lambda store: overview(store, today), on_done=self._show, parent=self)

    def _show(self, data: Overview) -> None:
        self.heading.setText(f"<h2>{self.title()} · {data.month}</h2>")
        _clear(self.month_form)
        for label, value in (
            (self.tr("Drug tests"), data.tests_this_month),
            (self.tr("Positive tests"), data.positives_this_month),
            (self.tr("Visits and talks"), data.visits_this_month),
            (self.tr("Overdue tasks today"), data.overdue_tasks),
        ):
            figure = QLabel(f"<b>{value}</b>")
            figure.setAccessibleName(label)
            self.month_form.addRow(label, figure)
        _clear(self.status_grid)
        for n, status in enumerate(PersonStatus):
            row, column = divmod(n, 3)
            value = f"<b>{data.by_status.get(status, 0)}</b>"
            cell = QLabel(self.tr("%1: %2").replace("%1", status.label.render()).replace("%2", value))
            self.status_grid.addWidget(cell, row, column)
        _clear(self.colour_form)
        for colour in RiskColour:
            self.colour_form.addRow(colour.label.render(), QLabel(f"<b>{data.by_colour.get(colour, 0)}</b>"))


def _clear(layout) -> None:  # type: ignore[no-untyped-def]
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
