"""Indicators: the figures supervisors report upward, for a month, with their definitions and the people
behind each figure; the charts of the twelve months to it; the monthly report (月报) exported to XLSX or
PDF. One op computes the figures and the chart series together; the charts are drawn from its result."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.indicators.compute import Figure
from app.indicators.summary import Indicators, for_store, percent
from app.services import persons
from app.store.store import Changes, Store
from ui.charts import IndicatorCharts
from ui.errors import show_error
from ui.pages.base import Page


def _months(today: date, count: int = 12) -> list[str]:
    year, month = today.year, today.month
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months


class IndicatorsPage(Page):
    key = "indicators"

    def __init__(self, ctx, nav) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx, nav)
        self.data: Indicators | None = None
        self.heading = QLabel()
        self.period = QComboBox()
        self.period.setAccessibleName(self.tr("Period"))
        for month in _months(ctx.today()):
            self.period.addItem(month, month)
        self.period.currentIndexChanged.connect(self.refresh)
        self.export_xlsx = QPushButton(self.tr("Monthly report (XLSX)…"))
        self.export_pdf = QPushButton(self.tr("Monthly report (PDF)…"))
        self.export_xlsx.clicked.connect(lambda: self.export("xlsx"))
        self.export_pdf.clicked.connect(lambda: self.export("pdf"))

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("Indicator"), self.tr("Value"), self.tr("Count"), self.tr("Definition")]
        )
        self.table.setAccessibleName(self.tr("Indicators"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.itemSelectionChanged.connect(self._drill_down)

        self.people_heading = QLabel(self.tr("Select a figure to see the people behind it."))
        self.people = QListWidget()
        self.people.setAccessibleName(self.tr("People behind the figure"))
        self.people.itemActivated.connect(
            lambda item: self.nav.open_person(item.data(Qt.ItemDataRole.UserRole))
        )

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.period)
        top.addWidget(self.export_xlsx)
        top.addWidget(self.export_pdf)
        side = QVBoxLayout()
        side.addWidget(self.people_heading)
        side.addWidget(self.people, 1)
        holder = QWidget()
        holder.setLayout(side)
        holder.setMinimumWidth(220)
        split = QSplitter()
        split.addWidget(self.table)
        split.addWidget(holder)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([900, 300])
        self.charts = IndicatorCharts()
        self.tabs = QTabWidget()
        self.tabs.addTab(split, self.tr("&Figures"))
        self.tabs.addTab(self.charts, self.tr("&Charts"))
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def title(self) -> str:
        return self.tr("Indicators")

    def affected_by(self, changes: Changes) -> bool:
        return bool(changes.persons)

    def refresh(self) -> None:
        period = self.period.currentData()
        self.heading.setText(f"<h2>{self.title()} · {period}</h2>")
        self.ctx.runner.run(
            lambda store: for_store(store, period),
            on_done=self._show,
            on_error=lambda error: show_error(self, error),
            parent=self,
            label=self.tr("Working out the indicators…"),
        )

    def _show(self, data: Indicators) -> None:
        self.data = data
        self.table.setRowCount(len(data.figures))
        for row, figure in enumerate(data.figures):
            count = (
                str(figure.numerator)
                if figure.denominator is None
                else f"{figure.numerator} / {figure.denominator}"
            )
            cells = (
                figure.name.render(),
                percent(figure.value, figure.kind),
                count,
                figure.definition.render(),
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeRowsToContents()
        self.people.clear()
        self.charts.show_series(data.series)

    def _drill_down(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or self.data is None:
            return
        figure: Figure = self.data.figures[rows[0].row()]
        ids = list(figure.numerator_ids)
        self.people_heading.setText(figure.name.render())
        self.ctx.runner.run(lambda store: persons.summaries(store, ids), on_done=self._show_people)

    def _show_people(self, people: list[persons.PersonSummary]) -> None:
        self.people.clear()
        for person in people:
            item = QListWidgetItem(f"{person.name}  {person.record_no}  {person.status.label.render()}")
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            self.people.addItem(item)

    def export(self, kind: str) -> None:
        period = self.period.currentData()
        suffix = "xlsx" if kind == "xlsx" else "pdf"
        target, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the monthly report"),
            self.tr("monthly-report-%1").replace("%1", period) + f".{suffix}",
            f"*.{suffix}",
        )
        if not target:
            return
        from app.reports.export import export_report

        writer = None
        if kind == "pdf":
            from ui.reports_pdf import report_pdf

            writer = report_pdf

        def work(store: Store) -> object:
            return export_report(store, period, Path(target), fmt=kind, pdf=writer)

        self.ctx.runner.run(
            work,
            on_error=lambda error: show_error(self, error),
            parent=self,
            label=self.tr("Writing the report…"),
        )
