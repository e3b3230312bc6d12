"""The window check of ``rehabdesk selftest``: Qt starts, draws a page and a chart offscreen, and has its fonts.

The chart matters for the frozen build: QtCharts comes from another wheel (PySide6-Addons) and its
libraries must have been collected, or the Indicators page would fail on the office PC.
"""

from __future__ import annotations

from PySide6.QtCharts import QBarSeries, QBarSet, QChart, QChartView
from PySide6.QtWidgets import QLabel

from ui.app import make_application


def selftest_window() -> str:
    app = make_application()
    label = QLabel("社区戒毒康复工作台")
    label.show()
    image = label.grab()
    label.close()
    assert not image.isNull() and image.width() > 50

    bars = QBarSet("尿检")
    bars.append([3, 5, 4])
    series = QBarSeries()
    series.append(bars)
    chart = QChart()
    chart.addSeries(series)
    view = QChartView(chart)
    view.resize(320, 200)
    view.show()
    drawn = view.grab()
    view.close()
    assert not drawn.isNull() and drawn.width() >= 320
    return f"Qt {app.applicationVersion() or ''} {app.platformName()}".replace("  ", " ")
