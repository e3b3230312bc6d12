"""The Indicators page's charts (QtCharts), drawn from the series the indicators op already computed.

The op runs on the database thread and returns plain ``Series`` data (app/indicators/series.py); this
module only turns those numbers into charts on the GUI thread, so nothing here reads the store. Each
chart is a card: the chart, or a sentence when the period has nothing to draw.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QLocale, QMargins, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QScrollArea,
    QStackedLayout,
    QToolTip,
    QWidget,
)

from app.indicators.series import UNASSIGNED, Series
from models.enums import AssistanceKind, PersonStatus
from models.text import current_language

TAKEN, POSITIVE = QColor("#3b6fb6"), QColor("#d9534f")  # the PDF report's colours
RATE = QColor("#2e7d32")
# Statuses keep one colour wherever they appear: the people under measure in blues, the ones who left
# supervision in warm colours, the ones who finished in greens and greys.
STATUS_COLOURS = {
    PersonStatus.NOT_REPORTED: "#90a4ae",
    PersonStatus.IN_TREATMENT: "#1565c0",
    PersonStatus.IN_REHAB: "#42a5f5",
    PersonStatus.ON_LEAVE: "#80deea",
    PersonStatus.COMPLETED: "#9e9e9e",
    PersonStatus.SUSPENDED: "#ffb74d",
    PersonStatus.TERMINATED: "#8d6e63",
    PersonStatus.IN_COMPULSORY: "#6d4c41",
    PersonStatus.LOST: "#c62828",
    PersonStatus.CLEAN_THREE_YEARS: "#2e7d32",
    PersonStatus.TRANSFERRED_OUT: "#ce93d8",
    PersonStatus.DECEASED: "#424242",
}
CHART_HEIGHT = 290  # two rows of charts fit a 1280×720 window; more scroll
STATUS_HEIGHT = 400  # its legend lists every status present, one a line


def month_label(code: str) -> str:
    """2026-10 → 10月 (Oct in English): twelve of them fit under the bars; the axis title gives the years."""
    locale = QLocale("en" if current_language() == "en" else "zh_CN")
    return locale.standaloneMonthName(int(code[5:7]), QLocale.FormatType.ShortFormat)


def _count_axis(peak: float) -> QValueAxis:
    axis = QValueAxis()
    axis.setLabelFormat("%d")
    top = max(4, math.ceil(peak * 1.15))  # room for the value labels above the highest bar
    axis.setRange(0, top)
    axis.applyNiceNumbers()
    axis.setMinorTickCount(0)
    return axis


def _percent_axis(low: float = 0.0) -> QValueAxis:
    axis = QValueAxis()
    axis.setRange(low, 100)
    step = 10 if low >= 50 else 20
    axis.setTickCount(int((100 - low) // step) + 1)
    axis.setLabelFormat("%d%%")
    return axis


def _category_axis(categories: Sequence[str], title: str = "") -> QBarCategoryAxis:
    axis = QBarCategoryAxis()
    axis.append(list(categories))
    axis.setTitleText(title)
    return axis


def _month_axis(months: Sequence[str], title: str) -> QBarCategoryAxis:
    axis = _category_axis([month_label(m) for m in months], title)
    font = QFont(axis.labelsFont())
    font.setPointSizeF(8.5)  # "10月" and "12月" stay whole under twelve bars in a half-width chart
    axis.setLabelsFont(font)
    return axis


class ChartCard(QWidget):
    """One chart with its title, or a sentence in its place when there is nothing to draw."""

    def __init__(self, title: str, empty_text: str) -> None:
        super().__init__()
        self.chart = QChart()
        self.chart.setTitle(title)
        font = QFont(self.chart.titleFont())
        font.setBold(True)
        font.setPointSizeF(max(font.pointSizeF(), 10.5))
        self.chart.setTitleFont(font)
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.setBackgroundRoundness(0)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.view = QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setAccessibleName(title)
        self.empty = QLabel(f"<b>{title}</b><br><br>{empty_text}")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setStyleSheet("QLabel { background: white; color: #555; border: 1px solid #ddd; }")
        self.stack = QStackedLayout(self)
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)
        self.setMinimumHeight(CHART_HEIGHT)

    @property
    def has_data(self) -> bool:
        return self.stack.currentWidget() is self.view

    def clear(self) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
            axis.deleteLater()  # removing gives it back to us; nothing else holds it

    def show_empty(self) -> None:
        self.clear()
        self.stack.setCurrentWidget(self.empty)

    def show_chart(self) -> None:
        self.stack.setCurrentWidget(self.view)

    def bar_series(self) -> QAbstractBarSeries | None:
        found = [s for s in self.chart.series() if isinstance(s, QAbstractBarSeries)]
        return found[0] if found else None

    def line_series(self) -> QLineSeries | None:
        found = [s for s in self.chart.series() if isinstance(s, QLineSeries)]
        return found[0] if found else None

    def categories(self) -> list[str]:
        for axis in self.chart.axes():
            if isinstance(axis, QBarCategoryAxis):
                return list(axis.categories())
        return []

    def add_bars(
        self,
        series: QAbstractBarSeries,
        categories: QBarCategoryAxis | Sequence[str],
        value_axis: QValueAxis,
        *,
        horizontal: bool = False,
        unit: str = "",
        tips: Sequence[str] = (),
    ) -> None:
        """Bars over ``categories`` (labels, or a ready axis); ``tips`` names each category in full for
        the tooltip."""
        self.clear()
        self.chart.addSeries(series)
        category_axis = categories if isinstance(categories, QBarCategoryAxis) else _category_axis(categories)
        category_side, value_side = (
            (Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignBottom)
            if horizontal
            else (Qt.AlignmentFlag.AlignBottom, Qt.AlignmentFlag.AlignLeft)
        )
        self.chart.addAxis(category_axis, category_side)
        self.chart.addAxis(value_axis, value_side)
        series.attachAxis(category_axis)
        series.attachAxis(value_axis)
        shown = list(tips) or list(category_axis.categories())

        def tip(status: bool, index: int, bar_set: QBarSet) -> None:
            # The exact figure under the pointer: the bars' own labels are too small to hold every one.
            if status and 0 <= index < len(shown):
                QToolTip.showText(
                    QCursor.pos(), f"{shown[index]} · {bar_set.label()}: {bar_set.at(index):g}{unit}"
                )

        series.hovered.connect(tip)
        self.show_chart()


class IndicatorCharts(QScrollArea):
    """The five charts of the Indicators page, two to a row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        none = self.tr("Nothing to draw for this period.")
        self.tests = ChartCard(self.tr("Drug tests per month, with positives"), none)
        self.compliance = ChartCard(self.tr("Test compliance by worker (this period)"), none)
        self.status = ChartCard(self.tr("Status composition at each month's end"), none)
        self.assistance = ChartCard(self.tr("People helped by kind of assistance (this period)"), none)
        self.consolidation = ChartCard(self.tr("Consolidation rate at each month's end"), none)
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        grid.addWidget(self.tests, 0, 0)
        grid.addWidget(self.consolidation, 0, 1)
        grid.addWidget(self.compliance, 1, 0)
        grid.addWidget(self.assistance, 1, 1)
        grid.addWidget(self.status, 2, 0, 1, 2)  # the widest: up to a dozen statuses in its legend
        self.status.setMinimumHeight(STATUS_HEIGHT)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.setWidget(body)
        self.setAccessibleName(self.tr("Charts"))

    def cards(self) -> list[ChartCard]:
        return [self.tests, self.consolidation, self.compliance, self.assistance, self.status]

    def show_series(self, series: Series) -> None:
        self._tests(series)
        self._compliance(series)
        self._status(series)
        self._assistance(series)
        self._consolidation(series)

    def _span(self, months: Sequence[str]) -> str:
        return self.tr("%1 to %2").replace("%1", months[0]).replace("%2", months[-1]) if months else ""

    # ---- one chart each ----------------------------------------------------------------------------------
    def _tests(self, s: Series) -> None:
        card = self.tests
        if not any(m.taken for m in s.tests):
            card.show_empty()
            return
        taken = QBarSet(self.tr("Tests taken"))
        taken.append([float(m.taken) for m in s.tests])
        taken.setColor(TAKEN)
        positive = QBarSet(self.tr("Positive"))
        positive.append([float(m.positive) for m in s.tests])
        positive.setColor(POSITIVE)
        bars = QBarSeries()
        bars.append(taken)
        bars.append(positive)
        bars.setLabelsVisible(True)
        bars.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        for bar_set in (taken, positive):
            bar_set.setLabelColor(QColor("#222222"))
        axis = _count_axis(max(m.taken for m in s.tests))
        axis.setTitleText(self.tr("Tests"))
        card.add_bars(bars, _month_axis(s.months, self._span(s.months)), axis, tips=s.months)

    def _compliance(self, s: Series) -> None:
        card = self.compliance
        rows = [w for w in s.compliance_by_worker if w.value is not None]
        if not rows:
            card.show_empty()
            return
        rows.reverse()  # Qt draws the first category at the bottom; the list reads top-down
        rates = QBarSet(self.tr("Test compliance"))
        rates.append([round(w.value * 100, 1) for w in rows if w.value is not None])
        rates.setColor(RATE)
        rates.setLabelColor(QColor("white"))  # the labels sit inside the dark green bars
        bars = QHorizontalBarSeries()
        bars.append(rates)
        bars.setLabelsVisible(True)
        bars.setLabelsFormat("@value%")
        bars.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsInsideEnd)
        bars.setBarWidth(0.6)
        card.chart.legend().hide()
        card.setMinimumHeight(max(CHART_HEIGHT, 90 + 30 * len(rows)))  # a county has many workers
        names = [
            self.tr("%1 (%2/%3 windows)")
            .replace("%1", w.worker or UNASSIGNED.render())
            .replace("%2", str(w.met))
            .replace("%3", str(w.due))
            for w in rows
        ]
        axis = _percent_axis()
        axis.setTitleText(self.tr("Test windows met (%)"))
        card.add_bars(bars, names, axis, horizontal=True, unit="%")

    def _status(self, s: Series) -> None:
        card = self.status
        present = [st for st in PersonStatus if any(m.counts.get(st) for m in s.status)]
        if not present:
            card.show_empty()
            return
        bars = QStackedBarSeries()
        for status in present:
            bar_set = QBarSet(status.label.render())
            bar_set.append([float(m.counts.get(status, 0)) for m in s.status])
            bar_set.setColor(QColor(STATUS_COLOURS.get(status, "#777777")))
            bars.append(bar_set)
        card.chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)
        axis = _count_axis(max(sum(m.counts.values()) for m in s.status))
        axis.setTitleText(self.tr("People"))
        card.add_bars(bars, _month_axis(s.months, self._span(s.months)), axis, tips=s.months)

    def _assistance(self, s: Series) -> None:
        card = self.assistance
        rows = [r for r in s.assistance_by_kind if r.people or r.records]
        if not rows:
            card.show_empty()
            return
        order = {kind: i for i, kind in enumerate(AssistanceKind)}
        rows.sort(key=lambda r: order[r.kind], reverse=True)  # first kind on top
        people = QBarSet(self.tr("People helped"))
        people.append([float(r.people) for r in rows])
        people.setColor(TAKEN)
        people.setLabelColor(QColor("#222222"))
        bars = QHorizontalBarSeries()
        bars.append(people)
        bars.setLabelsVisible(True)
        bars.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        bars.setBarWidth(0.6)
        card.chart.legend().hide()
        axis = _count_axis(max(r.people for r in rows))
        axis.setTitleText(self.tr("People"))
        card.add_bars(bars, [r.kind.label.render() for r in rows], axis, horizontal=True)

    def _consolidation(self, s: Series) -> None:
        card = self.consolidation
        points = [(i, c.figure.value) for i, c in enumerate(s.consolidation) if c.figure.value is not None]
        if not points:
            card.show_empty()
            return
        card.clear()
        line = QLineSeries()
        line.setName(self.tr("Consolidation rate"))
        for i, value in points:
            line.append(float(i), round(value * 100, 1))  # the labels: a tenth of a percent is enough
        line.setPen(QPen(RATE, 2.5))
        line.setPointsVisible(True)
        line.setPointLabelsVisible(True)
        line.setPointLabelsFormat("@yPoint%")
        line.setPointLabelsClipping(False)
        card.chart.addSeries(line)
        card.chart.legend().hide()
        months = _month_axis(s.months, self._span(s.months))
        # The rate moves by tenths of a percent: start the axis a little below the lowest month, at a
        # round ten, so a change shows; the axis labels say where it starts.
        lowest = min(v for _, v in points) * 100
        axis = _percent_axis(max(0.0, math.floor((lowest - 5) / 10) * 10))
        axis.setTitleText(self.tr("Consolidation rate (%)"))
        card.chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        card.chart.addAxis(axis, Qt.AlignmentFlag.AlignLeft)
        line.attachAxis(months)
        line.attachAxis(axis)
        card.show_chart()
