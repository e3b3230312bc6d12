"""The report written through openpyxl, as app/reports/xlsx.py wrote it before it wrote the XML itself:
the reference its workbooks are checked against (tests/reports/test_xlsx.py), cell by cell and style by
style. The sheet names and formats are the production module's.
"""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from app.reports.content import Cell, Fmt, Report, Table
from app.reports.xlsx import NUMBER_FORMATS, SHEET_NAMES

HEADER_FILL = PatternFill("solid", fgColor="E8EEF7")
BOLD = Font(bold=True)


def _value(cell: Cell) -> object:
    if cell.value is None:
        return "—"
    if isinstance(cell.value, Decimal):
        return float(cell.value)
    return cell.value


def _write_table(sheet: Worksheet, table: Table, first_row: int) -> int:
    """The table's header at `first_row`, its rows below; returns the header's row number."""
    for col, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=first_row, column=col, value=column.header)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width or 0, column.width)
    for r, row in enumerate(table.rows, start=first_row + 1):
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=col, value=_value(value))
            if value.fmt in NUMBER_FORMATS and value.value is not None:
                cell.number_format = NUMBER_FORMATS[value.fmt]
            if value.fmt is Fmt.TEXT and len(value.text()) > 40:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    if not table.rows and table.empty:
        sheet.cell(row=first_row + 1, column=1, value=table.empty)
    sheet.freeze_panes = sheet.cell(row=first_row + 1, column=1).coordinate
    return first_row


def _sheet_name(table: Table, lang: str) -> str:
    name = SHEET_NAMES[table.key].render(lang) if table.key in SHEET_NAMES else table.title
    return name[:31]


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook()
    first = workbook.active
    tables = [*report.tables, *report.data_tables]
    for i, table in enumerate(tables):
        sheet = first if i == 0 else workbook.create_sheet()
        sheet.title = _sheet_name(table, report.lang)
        row = 1
        if i == 0:
            sheet.cell(row=1, column=1, value=report.title).font = Font(bold=True, size=14)
            for n, (label, value) in enumerate(report.meta, start=2):
                sheet.cell(row=n, column=1, value=label).font = BOLD
                sheet.cell(row=n, column=2, value=value)
            notice_row = len(report.meta) + 2
            sheet.cell(row=notice_row, column=1, value=report.notice).font = Font(color="8A1C1C")
            row = notice_row + 2
        _write_table(sheet, table, row)
        sheet.print_title_rows = f"{row}:{row}"
        sheet.oddHeader.center.text = report.title
    workbook.properties.title = report.title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
