"""Reports for supervisors: the monthly report (月报) as plain data, HTML and XLSX; PDF through ui/.

from app.reports import export_report
export_report(store, "2026-10", Path("月报.xlsx"))                      # audited: report.export
export_report(store, "2026-10", Path("月报.pdf"), pdf=ui_writer)       # ui.reports_pdf.report_pdf
"""

from app.reports.content import Cell, Chart, Column, Fmt, Report, Table
from app.reports.export import FORMATS, export_report, report_format
from app.reports.html import report_html
from app.reports.monthly import build_report, report_for_store
from app.reports.names import masked
from app.reports.xlsx import report_xlsx

__all__ = [
    "FORMATS",
    "Cell",
    "Chart",
    "Column",
    "Fmt",
    "Report",
    "Table",
    "build_report",
    "export_report",
    "masked",
    "report_for_store",
    "report_format",
    "report_html",
    "report_xlsx",
]
