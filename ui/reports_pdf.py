"""A report as PDF, without a window: QTextDocument lays out the report's HTML, QPainter draws the charts.

Used by ``rehabdesk report --format pdf`` (which finds this module at run time, the core having no Qt)
and by the GUI. Qt embeds (a subset of) every font it draws with, so the PDF carries its Chinese glyphs;
the font asked for is a CJK family present on the machine: Noto Sans CJK SC (fonts-noto-cjk) on Linux,
Microsoft YaHei or SimSun on Windows, PingFang SC on macOS.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGuiApplication,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication

from app.reports.content import Chart, Report
from app.reports.html import report_html

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "微软雅黑",
    "SimSun",
    "宋体",
    "PingFang SC",
    "Hiragino Sans GB",
    "WenQuanYi Micro Hei",
    "Noto Sans SC",
)
DPI = 150
COLOURS = ("#3b6fb6", "#d9534f", "#5cb85c", "#f0ad4e")
_app: QApplication | None = None  # kept alive for the process when this module had to start Qt


def ensure_gui() -> None:
    """Qt's fonts need an application object; start one offscreen where there is no display (a server,
    CI). A QApplication, not a bare QGuiApplication, so windows can still open later in the same process
    (the GUI, the test suite): Qt allows one application object per process."""
    global _app
    if QGuiApplication.instance() is not None:
        return
    headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    _app = QApplication(sys.argv[:1])


def cjk_families() -> list[str]:
    """The CJK families installed here, in order of preference; the whole list when none is found (Qt
    then falls back on whatever font has the glyphs)."""
    installed = set(QFontDatabase.families())
    found = [f for f in CJK_FAMILIES if f in installed]
    return found or list(CJK_FAMILIES)


def cjk_font(points: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setFamilies(cjk_families())
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _bar_chart(painter: QPainter, area: QRectF, chart: Chart) -> None:
    """Bars side by side per category (or one horizontal bar per category), each labelled with its value."""
    painter.save()
    title_font, label_font = cjk_font(10, bold=True), cjk_font(7)
    painter.setFont(title_font)
    painter.setPen(QColor("#222222"))
    title_h = QFontMetricsF(title_font, painter.device()).height() * 1.6
    painter.drawText(
        QRectF(area.left(), area.top(), area.width(), title_h), Qt.AlignmentFlag.AlignLeft, chart.title
    )
    painter.setFont(label_font)
    metrics = QFontMetricsF(label_font, painter.device())
    line = metrics.height()
    # The legend, right-aligned on the title line.
    x = area.right()
    for i, (name, _) in reversed(list(enumerate(chart.series))):
        width = metrics.horizontalAdvance(name)
        x -= width
        painter.setPen(QColor("#222222"))
        painter.drawText(QPointF(x, area.top() + line), name)
        x -= line * 1.2
        painter.fillRect(QRectF(x, area.top() + line * 0.2, line * 0.8, line * 0.8), QColor(COLOURS[i % 4]))
        x -= line
    top = area.top() + title_h
    values = [v for _, series in chart.series for v in series]
    peak = max(values, default=0.0) or 1.0
    if chart.percent:
        peak = max(peak, 1.0)

    def label(v: float) -> str:
        return f"{v * 100:.1f}%" if chart.percent else f"{v:g}"

    if not chart.categories:
        painter.restore()
        return
    if chart.horizontal:
        left = area.left() + max(metrics.horizontalAdvance(c) for c in chart.categories) + line
        plot = QRectF(left, top, area.right() - left - line * 4, area.bottom() - top)
        band = plot.height() / len(chart.categories)
        for i, category in enumerate(chart.categories):
            y = plot.top() + i * band
            painter.setPen(QColor("#222222"))
            painter.drawText(
                QRectF(area.left(), y, left - area.left() - line * 0.5, band),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                category,
            )
            for s, (_, series) in enumerate(chart.series):
                h = band * 0.7 / len(chart.series)
                w = plot.width() * series[i] / peak
                bar = QRectF(plot.left(), y + band * 0.15 + s * h, w, h)
                painter.fillRect(bar, QColor(COLOURS[s % 4]))
                painter.drawText(
                    QPointF(bar.right() + line * 0.3, bar.center().y() + line * 0.35), label(series[i])
                )
        painter.setPen(QPen(QColor("#888888")))
        painter.drawLine(QPointF(plot.left(), plot.top()), QPointF(plot.left(), plot.bottom()))
    else:
        plot = QRectF(
            area.left() + line, top + line, area.width() - line * 2, area.bottom() - top - line * 2.5
        )
        band = plot.width() / max(len(chart.categories), 6)  # a few categories do not make wide bars
        plot.setLeft(plot.left() + (plot.width() - band * len(chart.categories)) / 2)
        plot.setWidth(band * len(chart.categories))
        width = band * 0.8 / len(chart.series)
        painter.setPen(QPen(QColor("#888888")))
        painter.drawLine(QPointF(plot.left(), plot.bottom()), QPointF(plot.right(), plot.bottom()))
        for i, category in enumerate(chart.categories):
            x0 = plot.left() + i * band + band * 0.1
            for s, (_, series) in enumerate(chart.series):
                h = plot.height() * series[i] / peak
                bar = QRectF(x0 + s * width, plot.bottom() - h, width, h)
                painter.fillRect(bar, QColor(COLOURS[s % 4]))
                painter.setPen(QColor("#222222"))
                painter.drawText(
                    QRectF(bar.left() - width, bar.top() - line * 1.1, width * 3, line),
                    Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
                    label(series[i]),
                )
            painter.setPen(QColor("#222222"))
            painter.drawText(
                QRectF(plot.left() + i * band, plot.bottom() + line * 0.2, band, line * 1.2),
                Qt.AlignmentFlag.AlignHCenter,
                category,
            )
    painter.restore()


def report_pdf(report: Report) -> bytes:
    """The report as PDF bytes: the text pages (HTML), then a page of charts."""
    ensure_gui()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setResolution(DPI)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Portrait,
            QMarginsF(15, 15, 15, 15),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(report.title)
    writer.setCreator("RehabDesk")

    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    doc.setDefaultFont(cjk_font(9))
    doc.setHtml(report_html(report))
    width, height = float(writer.width()), float(writer.height())
    footer_font = cjk_font(7)
    footer = QFontMetricsF(footer_font, writer).height() * 2
    doc.setPageSize(QSizeF(width, height - footer))
    text_pages = doc.pageCount()
    pages = text_pages + (1 if report.charts else 0)

    painter = QPainter(writer)
    try:
        for page in range(text_pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * (height - footer))
            doc.drawContents(painter, QRectF(0, page * (height - footer), width, height - footer))
            painter.restore()
            _footer(painter, report, page + 1, pages, width, height, footer_font)
        if report.charts:
            writer.newPage()
            heading = cjk_font(12, bold=True)
            painter.setFont(heading)
            painter.setPen(QColor("#222222"))
            head_h = QFontMetricsF(heading, writer).height() * 2
            painter.drawText(QRectF(0, 0, width, head_h), Qt.AlignmentFlag.AlignLeft, report.charts_title)
            each = (height - footer - head_h) / len(report.charts)
            for i, chart in enumerate(report.charts):
                area = QRectF(0, head_h + i * each, width, each * 0.9)
                _bar_chart(painter, area, chart)
            _footer(painter, report, pages, pages, width, height, footer_font)
    finally:
        painter.end()
    buffer.close()
    return bytes(data.data())


def _footer(
    painter: QPainter, report: Report, page: int, pages: int, width: float, height: float, font: QFont
) -> None:
    painter.save()
    painter.setFont(font)
    painter.setPen(QColor("#666666"))
    text = report.page_label.format(page=page, pages=pages)
    metrics = QFontMetricsF(font, painter.device())
    painter.drawText(
        QRectF(0, height - metrics.height() * 1.5, width, metrics.height() * 1.5),
        Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom,
        text,
    )
    painter.restore()
