"""A report as PDF, without a window: QTextDocument lays out the head of the report (title, scope, the
indicator table with its definitions), QPainter draws the case lists after it and the charts.

The case lists are drawn directly because they are long: a county's report lists thousands of overdue
tasks, and QTextDocument took about a millisecond a row to parse, lay out and draw them (3 s of a
report's 5 s budget at 10,000 persons). Drawn here, each distinct text is laid out once (QStaticText:
task kinds, rules, dates and names repeat), and the header row is repeated on every page a list runs on.

Used by ``rehabdesk report --format pdf`` (which finds this module at run time, the core having no Qt)
and by the GUI. Qt embeds (a subset of) every font it draws with, so the PDF carries its Chinese glyphs;
the font asked for is a CJK family present on the machine: Noto Sans CJK SC (fonts-noto-cjk) on Linux,
Microsoft YaHei or SimSun on Windows, PingFang SC on macOS.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QLineF, QMarginsF, QPointF, QRectF, QSizeF, Qt
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
    QStaticText,
    QTextDocument,
    QTextOption,
    QTransform,
)
from PySide6.QtWidgets import QApplication

from app.reports.content import Cell, Chart, Fmt, Report, Table
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
    """The report as PDF bytes: the head (QTextDocument), the case lists, then a page of charts."""
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

    head, lists = report.tables[:1], report.tables[1:]
    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    doc.setDefaultFont(cjk_font(9))
    doc.setHtml(report_html(report, tables=head))
    width, height = float(writer.width()), float(writer.height())
    footer_font = cjk_font(7)
    footer = QFontMetricsF(footer_font, writer).height() * 2
    page_height = height - footer
    doc.setPageSize(QSizeF(width, page_height))
    text_pages = doc.pageCount()
    # Where the head's text ends on its last page: the lists go on from there.
    end = doc.documentLayout().blockBoundingRect(doc.lastBlock()).bottom() - (text_pages - 1) * page_height
    list_pages = _ListLayout(width, page_height).place(lists, end)
    pages = text_pages + len(list_pages) - 1 + (1 if report.charts else 0)

    painter = QPainter(writer)
    try:
        for page in range(text_pages):
            if page:
                writer.newPage()
            painter.save()
            painter.translate(0, -page * page_height)
            doc.drawContents(painter, QRectF(0, page * page_height, width, page_height))
            painter.restore()
            if page == text_pages - 1:
                list_pages[0].draw(painter)
            _footer(painter, report, page + 1, pages, width, height, footer_font)
        for number, list_page in enumerate(list_pages[1:], start=text_pages + 1):
            writer.newPage()
            list_page.draw(painter)
            _footer(painter, report, number, pages, width, height, footer_font)
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


# ---- the case lists ---------------------------------------------------------------------------------------
def _pixels(points: float) -> int:
    return round(points * DPI / 72)


def _list_font(points: float, bold: bool = False) -> QFont:
    """A CJK font sized in the PDF's pixels, so a text laid out once (QStaticText) measures as drawn."""
    font = cjk_font(points, bold)
    font.setPixelSize(_pixels(points))
    return font


_NUMERIC = (Fmt.INT, Fmt.PERCENT, Fmt.MONEY)
_PAD = _pixels(2.5)  # inside each cell
_TITLE_GAP = _pixels(10)  # above a list's title
_GRID = QColor("#999999")
_HEADER_FILL = QColor("#e8eef7")


@dataclass
class _ListPage:
    """What one page of the lists holds: texts at their places, header fills, and the grid lines."""

    texts: list[tuple[QPointF, QStaticText, QFont]] = field(default_factory=list)
    fills: list[QRectF] = field(default_factory=list)
    lines: list[QLineF] = field(default_factory=list)

    def draw(self, painter: QPainter) -> None:
        painter.save()
        for rect in self.fills:
            painter.fillRect(rect, _HEADER_FILL)
        painter.setPen(QPen(_GRID, 1))
        if self.lines:
            painter.drawLines(self.lines)
        painter.setPen(QColor("#000000"))
        font = None
        for point, text, text_font in self.texts:
            if text_font is not font:
                font = text_font
                painter.setFont(font)
            painter.drawStaticText(point, text)
        painter.restore()


class _ListLayout:
    """The case lists cut into pages: each list's title, its header row (again on each new page), its rows;
    a row is never split. Every distinct text is laid out once, however often it is drawn."""

    def __init__(self, width: float, page_height: float) -> None:
        self.width = width
        self.page_height = page_height
        self.body = _list_font(9)
        self.bold = _list_font(9, bold=True)
        self.title = _list_font(12, bold=True)
        self._texts: dict[tuple[str, int, int, Qt.AlignmentFlag], QStaticText] = {}
        self.pages: list[_ListPage] = []
        self.y = 0.0

    def text(
        self, value: str, width: float, font: QFont, align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft
    ) -> QStaticText:
        key = (value, round(width), id(font), align)
        found = self._texts.get(key)
        if found is None:
            found = QStaticText(value)
            found.setTextFormat(Qt.TextFormat.PlainText)
            found.setTextOption(QTextOption(align))
            found.setTextWidth(width)
            found.prepare(QTransform(), font)
            self._texts[key] = found
        return found

    def new_page(self) -> None:
        self.pages.append(_ListPage())
        self.y = 0.0

    def place(self, tables: tuple[Table, ...], start: float) -> list[_ListPage]:
        """Pages of the lists: the first goes on the page where the head ends, below `start`."""
        self.pages = [_ListPage()]
        self.y = start
        for table in tables:
            self.place_table(table)
        return self.pages

    def place_table(self, table: Table) -> None:
        total = sum(c.width for c in table.columns) or 1
        widths = [self.width * c.width / total for c in table.columns]
        title = self.text(table.title, self.width, self.title)
        centred = [Qt.AlignmentFlag.AlignHCenter] * len(widths)
        header = self.row([c.header for c in table.columns], widths, centred, self.bold)
        first = self.row(*self.cells(table.rows[0], widths), self.body)[1] if table.rows else 0
        needed = _TITLE_GAP + title.size().height() + header[1] + first
        if self.y + needed > self.page_height and self.y > 0:
            self.new_page()
        self.y += _TITLE_GAP if self.y > 0 else 0
        self.pages[-1].texts.append((QPointF(0, self.y), title, self.title))
        self.y += title.size().height() + _PAD
        if not table.rows:
            empty = self.text(table.empty, self.width, self.body)
            self.pages[-1].texts.append((QPointF(0, self.y), empty, self.body))
            self.y += empty.size().height()
            return
        self.put(header, widths, fill=True)
        for row in table.rows:
            placed = self.row(*self.cells(row, widths), self.body)
            if self.y + placed[1] > self.page_height:
                self.new_page()
                self.put(header, widths, fill=True)
            self.put(placed, widths)

    @staticmethod
    def cells(
        row: tuple[Cell, ...], widths: list[float]
    ) -> tuple[list[str], list[float], list[Qt.AlignmentFlag]]:
        """A row's texts as printed, numbers to the right."""
        left, right = Qt.AlignmentFlag.AlignLeft, Qt.AlignmentFlag.AlignRight
        return [c.text() for c in row], widths, [right if c.fmt in _NUMERIC else left for c in row]

    def row(
        self, values: list[str], widths: list[float], aligns: list[Qt.AlignmentFlag], font: QFont
    ) -> tuple[list[tuple[float, QStaticText, QFont]], float]:
        """A row's texts with their x offsets, and its height."""
        placed = []
        height = 0.0
        x = 0.0
        for value, width, align in zip(values, widths, aligns, strict=True):
            text = self.text(value, width - 2 * _PAD, font, align)
            placed.append((x + _PAD, text, font))
            height = max(height, text.size().height())
            x += width
        return placed, height + 2 * _PAD

    def put(
        self,
        row: tuple[list[tuple[float, QStaticText, QFont]], float],
        widths: list[float],
        fill: bool = False,
    ) -> None:
        texts, height = row
        page, top = self.pages[-1], self.y
        if fill:
            page.fills.append(QRectF(0, top, self.width, height))
            page.lines.append(QLineF(0, top, self.width, top))
        for x, text, font in texts:
            page.texts.append((QPointF(x, top + _PAD), text, font))
        page.lines.append(QLineF(0, top + height, self.width, top + height))
        x = 0.0
        for width in (0.0, *widths):
            x += width
            page.lines.append(QLineF(x, top, x, top + height))
        self.y += height


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
