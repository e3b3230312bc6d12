"""The monthly report as XLSX: the figures are the indicator functions', formatted; names are masked."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.crypto.kdf import FAST
from app.demo.load import create_demo_office
from app.demo.office import SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD
from app.errors import UserError
from app.indicators import FigureKind, for_store
from app.reports import export_report, masked, report_for_store
from app.reports.content import Cell, Column, Fmt, Report, Table
from app.reports.xlsx import report_xlsx
from app.store.unlock import open_store
from models import AuditEntry
from tests.reports import reference_xlsx
from tests.reports.conftest import FULL_NAMES


def sheet_rows(sheet, header_text: str):
    """The rows under the header row whose first cell is `header_text`, as lists of cells."""
    rows = list(sheet.iter_rows())
    start = next(i for i, row in enumerate(rows) if row[0].value == header_text)
    return rows[start], rows[start + 1 :]


def audit_entries(store, action: str):
    with store.read() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == action)).all()
    return [(e, store.open_json("audit_entry", "details", str(e.seq), e.details)) for e in entries]


def test_the_indicator_sheet_holds_every_figure_of_the_indicator_functions(store, office, tmp_path):
    out = tmp_path / "月报.xlsx"
    export_report(store, "2026-05", out)
    expected = for_store(store, "2026-05").figures
    sheet = load_workbook(out)["指标"]
    header, rows = sheet_rows(sheet, "指标")
    assert [c.value for c in header] == ["指标", "分子", "分母", "数值", "单位", "定义"]
    assert all(c.font.bold for c in header)
    assert sheet.freeze_panes == f"A{header[0].row + 1}"  # the header row stays in view
    assert sheet.column_dimensions["F"].width >= 60  # the definitions get room
    assert len(rows) == len(expected)
    for row, f in zip(rows, expected, strict=True):
        name, numerator, denominator, value, unit, definition = (c.value for c in row)
        assert (name, numerator, unit, definition) == (f.name.zh, f.numerator, f.unit.zh, f.definition.zh)
        assert denominator == f.denominator or (denominator is None and f.denominator is None)
        if f.kind is FigureKind.COUNT:
            assert value == f.numerator and row[3].number_format == "0"
        elif f.value is None:
            assert value == "—"
        else:
            assert value == pytest.approx(f.value) and row[3].number_format == "0.00%"
    compliance = next(r for r in rows if r[0].value == "检测率")
    assert [c.value for c in compliance[1:3]] == [1, 3]
    assert compliance[3].value == pytest.approx(1 / 3)


def test_the_case_lists_name_people_by_surname_and_record_number(store, office, tmp_path):
    out = tmp_path / "report.xlsx"
    export_report(store, "2026-05", out)
    book = load_workbook(out)
    everything = " ".join(str(c.value) for ws in book for row in ws.iter_rows() for c in row if c.value)
    for name in FULL_NAMES:
        assert name not in everything
    _, overdue = sheet_rows(book["逾期任务"], "人员")
    assert {r[0].value for r in overdue} == {"李**"}
    assert {r[3].value for r in overdue} == {"检测", "走访谈话"}
    assert all(r[2].value.date() == date(2026, 5, 14) and r[4].value == 17 for r in overdue)
    _, lost = sheet_rows(book["脱管失联"], "人员")
    assert [(r[0].value, r[2].value, r[3].value.date(), r[4].value) for r in lost] == [
        ("李**", "失联预警：超过 30 天无走访、检测或其他联系", date(2026, 2, 15), "社区戒毒中"),
        ("王**", "登记为脱管", date(2026, 5, 20), "脱管"),
    ]
    assert all(r[1].value.startswith("640104001-2026-") for r in lost)
    _, violations = sheet_rows(book["违反协议"], "人员")
    assert [(r[0].value, r[2].value.date(), r[3].value) for r in violations] == [
        ("张**", date(2026, 5, 12), "未经批准离开辖区")
    ]
    assert violations[0][2].number_format == "yyyy-mm-dd"


def test_the_series_sheets_match_the_series(store, office, tmp_path):
    out = tmp_path / "report.xlsx"
    export_report(store, "2026-05", out)
    book = load_workbook(out)
    series = for_store(store, "2026-05").series
    _, rows = sheet_rows(book["各月检测"], "月份")
    assert [r[0].value for r in rows] == list(series.months)
    assert [(r[1].value, r[2].value, r[3].value) for r in rows] == [
        (m.taken, m.positive, m.refused) for m in series.tests
    ]
    _, workers = sheet_rows(book["专干检测率"], "专干")
    assert [(r[0].value, r[1].value, r[2].value) for r in workers] == [("测试专干", 1, 3)]
    assert workers[0][3].number_format == "0.00%"


def test_every_export_is_audited_without_the_names(store, office, tmp_path):
    export_report(store, "2026-05", tmp_path / "report.xlsx")
    ((entry, details),) = audit_entries(store, "report.export")
    assert details == {
        "period": "2026-05",
        "scope": "640104001",
        "format": "xlsx",
        "full_names": False,
        "people": 3,
    }
    assert entry.user_id == store.actor.user_id
    assert audit_entries(store, "report.full_names") == []


def test_an_english_report_and_a_county_scope(store, office, tmp_path):
    out = tmp_path / "report.xlsx"
    export_report(store, "2026-05", out, scope="640104", lang="en")
    book = load_workbook(out)
    sheet = book["Indicators"]
    assert "Offices under 640104" in sheet["A1"].value and "2026-05" in sheet["A1"].value
    _, rows = sheet_rows(sheet, "Indicator")
    assert rows[1][0].value == "test compliance"


def test_a_bad_format_or_an_unwritable_file_is_refused_and_not_audited(store, office, tmp_path):
    with pytest.raises(UserError):
        export_report(store, "2026-05", tmp_path / "report.docx")
    with pytest.raises(UserError) as error:
        export_report(store, "2026-05", tmp_path / "x.pdf")  # no PDF writer given: the core has no Qt
    assert "xlsx" in error.value.render("zh_CN")
    (tmp_path / "taken").mkdir()
    with pytest.raises(UserError) as error:
        export_report(store, "2026-05", tmp_path / "taken", fmt="xlsx")  # a folder, not a file
    assert "无法写入" in error.value.render("zh_CN")
    assert audit_entries(store, "report.export") == []


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧***"),
        ("Zhang San", "Z.S."),
        ("阿依古丽·买买提", "阿*******"),
        ("", ""),
    ],
)
def test_names_are_masked_to_the_surname(name, shown):
    assert masked(name) == shown


# ---- the workbook's XML written directly equals the one openpyxl writes ---------------------------------
def workbook_facts(data: bytes) -> dict[str, object]:
    """Everything a reader sees of a workbook: each sheet's cells with their values and styles, the
    frozen row, the printed title row, the column widths and the page header."""
    book = load_workbook(io.BytesIO(data))
    sheets = {}
    for sheet in book:
        cells = [
            (
                c.coordinate,
                c.value,
                c.data_type,
                c.number_format,
                bool(c.font.b),
                c.font.sz if c.font.sz != 11 else None,  # the default font's size: 11 both ways
                c.font.color.rgb if c.font.color is not None and c.font.color.type == "rgb" else None,
                c.fill.fill_type,
                c.fill.fgColor.rgb if c.fill.fill_type else None,
                bool(c.alignment.wrap_text),
                c.alignment.vertical,
            )
            for row in sheet.iter_rows()
            for c in row
            if c.value is not None
        ]
        sheets[sheet.title] = {
            "cells": cells,
            "freeze": sheet.freeze_panes,
            "print titles": sheet.print_title_rows,
            # openpyxl's writer kept its default width (13) as the least: the columns' own are narrower
            "widths": {k: max(d.width, 13) for k, d in sheet.column_dimensions.items() if d.customWidth},
            "header": sheet.oddHeader.center.text.replace("&&", "&"),  # openpyxl wrote & as it came
        }
    return {"title": book.properties.title, "order": book.sheetnames, "sheets": sheets}


def awkward_report(report: Report) -> Report:
    """The report with a list holding every kind of value and string a writer can trip over."""
    rows = (
        (Cell(" 张* "), Cell("A&B <c> \"d\" 'e'"), Cell(date(2026, 2, 28), Fmt.DATE), Cell(None, Fmt.DATE)),
        (Cell("-"), Cell("+1"), Cell(Decimal("1234.50"), Fmt.MONEY), Cell(None, Fmt.PERCENT)),
        (Cell("长" * 41), Cell(2 / 3, Fmt.PERCENT), Cell(0, Fmt.INT), Cell("line\nbreak\ttab")),
        (Cell("x" * 40), Cell(12345678901, Fmt.INT), Cell(0.1, Fmt.PERCENT), Cell("")),
    )
    columns = tuple(Column(f"列{i}", 10 + i) for i in range(4))
    tables = (*report.tables, Table("awkward", "奇怪的值 & <表>", columns, rows, "无。"))
    return dataclasses.replace(report, title=f"{report.title} & <测试>", tables=tables)


def test_the_workbook_equals_the_one_openpyxl_writes_for_a_demo_office(tmp_path):
    today = date(2026, 6, 30)
    create_demo_office(tmp_path / "office", persons=40, seed=3, today=today, kdf=FAST)
    store = open_store(tmp_path / "office", SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD, today=lambda: today)
    try:
        reports = [report_for_store(store, "2026-06"), report_for_store(store, "2025", lang="en")]
    finally:
        store.close()
    assert all(t.rows for t in reports[0].tables)  # every list names someone
    for report in (*reports, awkward_report(reports[0])):
        assert workbook_facts(report_xlsx(report)) == workbook_facts(reference_xlsx.report_xlsx(report))


def test_strings_are_written_as_text_and_control_characters_left_out():
    report = awkward_report(
        Report("zh_CN", "标题\x07", (), "", None, (), (), (), False)  # type: ignore[arg-type]
    )
    table = dataclasses.replace(
        report.tables[0],
        rows=((Cell("=1+1"), Cell("a\x00b\x1fc"), Cell(" lead"), Cell(True)),),  # type: ignore[arg-type]
    )
    book = load_workbook(io.BytesIO(report_xlsx(dataclasses.replace(report, tables=(table,)))))
    assert book.properties.title == "标题 & <测试>"
    _, (row,) = sheet_rows(book.active, "列0")
    assert [c.value for c in row] == ["=1+1", "abc", " lead", True]
    assert row[0].data_type == "s"  # text, not a formula
