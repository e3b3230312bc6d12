"""A report as HTML, in the subset Qt's rich text (QTextDocument) lays out: tables, headings, bold.

The PDF writer (ui/reports_pdf.py) sets the font (a CJK family) and draws the charts itself; this page
carries the text: title, the figures with their definitions, and the case lists.
"""

from __future__ import annotations

from html import escape

from app.reports.content import Cell, Column, Fmt, Report, Table

_NUMERIC = (Fmt.INT, Fmt.PERCENT, Fmt.MONEY)


def _cell(cell: Cell, column: Column) -> str:
    align = ' align="right"' if cell.fmt in _NUMERIC else ""
    nowrap = ' style="white-space:nowrap"' if column.nowrap or cell.fmt in (*_NUMERIC, Fmt.DATE) else ""
    return f"<td{align}{nowrap}>{escape(cell.text())}</td>"


def table_html(table: Table) -> str:
    parts = [f"<h3>{escape(table.title)}</h3>"]
    if not table.rows:
        parts.append(f"<p>{escape(table.empty)}</p>")
        return "".join(parts)
    total = sum(c.width for c in table.columns) or 1
    parts.append('<table border="1" cellspacing="0" cellpadding="3" width="100%">')
    parts.append(
        '<thead><tr bgcolor="#e8eef7">'
        + "".join(
            f'<th width="{round(100 * c.width / total)}%">{escape(c.header)}</th>' for c in table.columns
        )
        + "</tr></thead>"
    )
    for row in table.rows:
        parts.append(
            "<tr>" + "".join(_cell(c, col) for c, col in zip(row, table.columns, strict=True)) + "</tr>"
        )
    parts.append("</table>")
    return "".join(parts)


def report_html(report: Report, tables: tuple[Table, ...] | None = None) -> str:
    """The report's text: `tables` (default: all of report.tables) after the title and the notice."""
    meta = "".join(
        f"<tr><td><b>{escape(label)}</b></td><td>{escape(value)}</td></tr>" for label, value in report.meta
    )
    body = "".join(table_html(t) for t in (report.tables if tables is None else tables))
    lang = "zh-CN" if report.lang != "en" else "en"
    return (
        f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(report.title)}</title>'
        "<style>h1{font-size:16pt;} h3{font-size:12pt; margin-top:14px;} td,th{font-size:9pt;}"
        " p.notice{font-size:8pt; color:#8a1c1c;}</style></head><body>"
        f'<h1 align="center">{escape(report.title)}</h1>'
        f'<table cellspacing="0" cellpadding="2">{meta}</table>'
        f'<p class="notice">{escape(report.notice)}</p>'
        f"{body}</body></html>"
    )
