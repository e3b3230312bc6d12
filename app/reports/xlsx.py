"""A report as an XLSX workbook: one sheet per table, bold frozen header rows, widths, number formats.

The first sheet holds the title, the scope and period lines, the confidentiality notice and the indicator
table; rates are stored as fractions formatted as percentages, so a supervisor can sum and chart them.

The workbook's XML is written here directly, as openpyxl writes it (the same parts, styles and inline
strings, so it opens wherever the openpyxl-made one did): a county's report lists tens of thousands of
cells, and openpyxl's cell objects and element tree took 2-3 s of the export to write what is a few
string joins. Every string is written as text, never as a formula, whatever it starts with.
tests/reports/test_xlsx.py checks it cell by cell against the same report written through openpyxl.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from datetime import date, datetime
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from app.reports.content import Cell, Fmt, Report, Table
from models.text import Text

SHEET_NAMES = {
    "indicators": Text("指标", "Indicators"),
    "overdue": Text("逾期任务", "Overdue tasks"),
    "lost": Text("脱管失联", "Lost or out of contact"),
    "violations": Text("违反协议", "Violations"),
    "tests_by_month": Text("各月检测", "Tests by month"),
    "status_by_month": Text("状态构成", "Status by month"),
    "consolidation_by_month": Text("巩固率", "Consolidation rate"),
    "compliance_by_worker": Text("专干检测率", "Compliance by worker"),
    "assistance_by_kind": Text("帮扶分类", "Assistance by kind"),
}
NUMBER_FORMATS = {
    Fmt.INT: "0",
    Fmt.PERCENT: "0.00%",
    Fmt.DATE: "yyyy-mm-dd",
    Fmt.MONEY: "#,##0.00",
}
HEADER_FILL = "E8EEF7"  # the header row's background
NOTICE_COLOUR = "8A1C1C"  # the confidentiality notice's text

# Cell styles: positions in styles.xml's cellXfs below.
TITLE, LABEL, NOTICE, HEADER, WRAPPED = 1, 2, 3, 4, 7
NUMBER_STYLE = {Fmt.INT: 5, Fmt.PERCENT: 6, Fmt.DATE: 8, Fmt.MONEY: 9}
STYLES = f"""<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="{NUMBER_FORMATS[Fmt.DATE]}"/></numFmts>\
<fonts count="4"><font><name val="Calibri"/><family val="2"/><sz val="11"/></font>\
<font><b val="1"/><sz val="14"/></font><font><b val="1"/></font>\
<font><color rgb="00{NOTICE_COLOUR}"/></font></fonts>\
<fills count="3"><fill><patternFill/></fill><fill><patternFill patternType="gray125"/></fill>\
<fill><patternFill patternType="solid"><fgColor rgb="00{HEADER_FILL}"/></patternFill></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="10">\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="2" fillId="2" borderId="0" applyAlignment="1" xfId="0">\
<alignment vertical="center" wrapText="1"/></xf>\
<xf numFmtId="1" fontId="0" fillId="0" borderId="0" applyNumberFormat="1" xfId="0"/>\
<xf numFmtId="10" fontId="0" fillId="0" borderId="0" applyNumberFormat="1" xfId="0"/>\
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" applyAlignment="1" xfId="0">\
<alignment vertical="top" wrapText="1"/></xf>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" applyNumberFormat="1" xfId="0"/>\
<xf numFmtId="4" fontId="0" fillId="0" borderId="0" applyNumberFormat="1" xfId="0"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
# XML 1.0 allows no control characters but tab and line breaks (openpyxl refused such a string).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's 1900 date system, for every date after February 1900


def _value(cell: Cell) -> object:
    if cell.value is None:
        return "—"
    if isinstance(cell.value, Decimal):
        return float(cell.value)
    return cell.value


def _sheet_name(table: Table, lang: str) -> str:
    name = SHEET_NAMES[table.key].render(lang) if table.key in SHEET_NAMES else table.title
    return name[:31]


def _text(value: str) -> str:
    """A string's <is> content: escaped, control characters dropped, outer spaces kept."""
    text = escape(_ILLEGAL.sub("", value))
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<is><t{space}>{text}</t></is>"


def _cell(ref: str, value: object, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    if value == "":
        return f'<c r="{ref}"{s}/>'  # an empty string is an empty cell, as openpyxl writes it
    if isinstance(value, str):
        return f'<c r="{ref}"{s} t="inlineStr">{_text(value)}</c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, datetime):
        delta = value - datetime(1899, 12, 30, tzinfo=value.tzinfo)
        return f'<c r="{ref}"{s} t="n"><v>{delta.days + delta.seconds / 86400}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}"{s} t="n"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, int):
        return f'<c r="{ref}"{s} t="n"><v>{value}</v></c>'
    if isinstance(value, float):
        if not math.isfinite(value):
            return f'<c r="{ref}"{s} t="n"/>'
        return f'<c r="{ref}"{s} t="n"><v>{value:.16g}</v></c>'  # openpyxl's precision
    return f'<c r="{ref}"{s} t="inlineStr">{_text(str(value))}</c>'


def _letters(count: int) -> list[str]:
    out = []
    for n in range(1, count + 1):
        name = ""
        while n:
            n, rest = divmod(n - 1, 26)
            name = chr(65 + rest) + name
        out.append(name)
    return out


def _sheet(report: Report, table: Table, first: bool) -> tuple[str, int]:
    """The worksheet's XML and its header row's number."""
    width = max(len(table.columns), 2)
    letters = _letters(width)
    rows: list[str] = []

    def row(cells: list[str]) -> None:
        rows.append(f'<row r="{len(rows) + 1}">{"".join(cells)}</row>')

    if first:
        row([_cell("A1", report.title, TITLE)])
        for label, value in report.meta:
            n = len(rows) + 1
            row([_cell(f"A{n}", label, LABEL), _cell(f"B{n}", value)])
        row([_cell(f"A{len(rows) + 1}", report.notice, NOTICE)])
    header = len(rows) + 2 if first else 1  # a blank line between the notice and the table
    rows.append(
        f'<row r="{header}">'
        + "".join(_cell(f"{letters[i]}{header}", c.header, HEADER) for i, c in enumerate(table.columns))
        + "</row>"
    )
    for r, values in enumerate(table.rows, start=header + 1):
        cells = []
        for i, value in enumerate(values):
            if value.value is not None and value.fmt in NUMBER_STYLE:
                style = NUMBER_STYLE[value.fmt]
            elif value.fmt is Fmt.TEXT and len(value.text()) > 40:
                style = WRAPPED
            else:
                style = 0
            cells.append(_cell(f"{letters[i]}{r}", _value(value), style))
        rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    if not table.rows and table.empty:
        rows.append(f'<row r="{header + 1}">{_cell(f"A{header + 1}", table.empty)}</row>')
    cols = "".join(
        f'<col width="{c.width}" customWidth="1" min="{i}" max="{i}"/>'
        for i, c in enumerate(table.columns, start=1)
    )
    top = header + 1
    return (
        f'<worksheet xmlns="{MAIN}"><sheetPr><outlinePr summaryBelow="1" summaryRight="1"/><pageSetUpPr/>'
        f'</sheetPr><sheetViews><sheetView workbookViewId="0"><pane ySplit="{header}" topLeftCell="A{top}"'
        ' activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="A1" sqref="A1"/>'
        '</sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
        f"{f'<cols>{cols}</cols>' if cols else ''}<sheetData>{''.join(rows)}</sheetData>"
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/>'
        # &C: centred; a literal & in a header is written twice
        f"<headerFooter><oddHeader>{escape('&C' + _ILLEGAL.sub('', report.title).replace('&', '&&'))}"
        "</oddHeader></headerFooter></worksheet>",
        header,
    )


def _quoted_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def report_xlsx(report: Report) -> bytes:
    tables = [*report.tables, *report.data_tables]
    names = [_ILLEGAL.sub("", _sheet_name(t, report.lang)) for t in tables]
    sheets = [_sheet(report, t, i == 0) for i, t in enumerate(tables)]
    n = len(tables)
    content_types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/styles.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml"'
        ' ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>'
            for i in range(1, n + 1)
        )
        + '<Override PartName="/xl/workbook.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>'
    )
    package_rels = (
        f'<Relationships xmlns="{PACKAGE_REL}">'
        f'<Relationship Type="{REL}/officeDocument" Target="xl/workbook.xml" Id="rId1"/>'
        f'<Relationship Type="{PACKAGE_REL}/metadata/core-properties" Target="docProps/core.xml" Id="rId2"/>'
        f'<Relationship Type="{REL}/extended-properties" Target="docProps/app.xml" Id="rId3"/>'
        "</Relationships>"
    )
    core = (
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>RehabDesk</dc:creator>'
        f"<dc:title>{escape(_ILLEGAL.sub('', report.title))}</dc:title></cp:coreProperties>"
    )
    app = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        "<Application>RehabDesk</Application></Properties>"
    )
    workbook = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr/><bookViews><workbookView activeTab="0"/>'
        "</bookViews><sheets>"
        + "".join(
            f'<sheet name={quoteattr(name)} sheetId="{i}" state="visible" r:id="rId{i}"/>'
            for i, name in enumerate(names, start=1)
        )
        + "</sheets><definedNames>"
        + "".join(
            f'<definedName name="_xlnm.Print_Titles" localSheetId="{i}">'
            f"{escape(_quoted_sheet(name))}!${header}:${header}</definedName>"
            for i, (name, (_, header)) in enumerate(zip(names, sheets, strict=True))
        )
        + '</definedNames><calcPr calcId="124519" fullCalcOnLoad="1"/></workbook>'
    )
    workbook_rels = (
        f'<Relationships xmlns="{PACKAGE_REL}">'
        + "".join(
            f'<Relationship Type="{REL}/worksheet" Target="/xl/worksheets/sheet{i}.xml" Id="rId{i}"/>'
            for i in range(1, n + 1)
        )
        + f'<Relationship Type="{REL}/styles" Target="styles.xml" Id="rId{n + 1}"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", content_types)
        book.writestr("_rels/.rels", package_rels)
        book.writestr("docProps/app.xml", app)
        book.writestr("docProps/core.xml", core)
        book.writestr("xl/workbook.xml", workbook)
        book.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        book.writestr("xl/styles.xml", STYLES)
        for i, (xml, _) in enumerate(sheets, start=1):
            book.writestr(f"xl/worksheets/sheet{i}.xml", xml)
    return buffer.getvalue()
