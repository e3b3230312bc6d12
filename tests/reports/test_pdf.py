"""The monthly report as PDF, made through Qt without a window: rendered pages have ink, the CJK font is
embedded, the text layer carries the figures in Chinese, and a full-names report is audited as such."""

from __future__ import annotations

import dataclasses
import importlib
import re

import pytest

from app.indicators import for_store
from app.reports import Cell, Fmt, export_report, report_for_store
from tests.reports.conftest import FULL_NAMES, ink, pdf_fonts, pdf_pages, pdf_text
from tests.reports.test_xlsx import audit_entries


@pytest.fixture
def report_pdf(qapp):
    """The PDF writer, with the suite's one QApplication (pytest-qt's), as the GUI tests share it."""
    return importlib.import_module("ui.reports_pdf").report_pdf


@pytest.fixture
def pdf(store, office, report_pdf, tmp_path):
    out = tmp_path / "月报.pdf"
    export_report(store, "2026-05", out, pdf=report_pdf)
    return out


def test_every_page_has_ink_and_the_last_one_holds_the_charts(pdf, tmp_path):
    pages = pdf_pages(pdf)
    assert pages >= 2
    for page in range(1, pages + 1):
        assert ink(pdf, page, tmp_path) > 0.005, f"page {page} is blank"
    charts = pdf_text(pdf, first=pages, last=pages)
    assert "五、图表" in charts and "各月检测人次及阳性人次" in charts and "期末人员状态构成" in charts


def test_a_cjk_font_is_embedded(pdf):
    fonts = pdf_fonts(pdf)
    cjk = [f for f in fonts if "CJK" in f[0] or "YaHei" in f[0] or "SimSun" in f[0]]
    assert cjk, fonts
    # pdffonts columns: name, type..., encoding, emb, sub, uni, object, id: "emb" is the 4th from the end.
    assert all(f[-5] == "yes" for f in cjk), fonts


def test_the_text_layer_holds_the_figures_in_chinese(store, pdf):
    text = pdf_text(pdf)
    assert "社区戒毒社区康复工作月报" in text and "2026年5月" in text
    ind = for_store(store, "2026-05")
    compliance = ind.figure("test_compliance")
    assert (compliance.numerator, compliance.denominator) == (1, 3)
    # The table rows: indicator | numerator | denominator | value | unit | definition.
    assert re.search(r"^\s*检测率\s+1\s+3\s+33\.33%\s", text, re.MULTILINE)
    assert re.search(r"^\s*脱管率\s+1\s+3\s+33\.33%\s", text, re.MULTILINE)  # 王五岳, of three
    assert re.search(r"^\s*执行率\s+0\s+0\s+—\s", text, re.MULTILINE)  # no order in May: no value
    for name in FULL_NAMES:
        assert name not in text
    assert "李**" in text and "王**" in text and "张**" in text


def test_a_workers_full_names_report_is_audited_as_such(store, office, report_pdf, tmp_path):
    out = tmp_path / "full.pdf"
    export_report(store, "2026-05", out, pdf=report_pdf, full_names=True)
    text = pdf_text(out)
    assert all(name in text for name in FULL_NAMES)
    assert "显示完整姓名" in text
    ((_, details),) = audit_entries(store, "report.export")
    assert details["full_names"] is True and details["format"] == "pdf"
    ((entry, named),) = audit_entries(store, "report.full_names")
    assert entry.user_id == store.actor.user_id and store.actor.login == "worker1"
    assert sorted(named["persons"]) == sorted(str(pid) for pid in office.values())
    assert named["period"] == "2026-05"


def test_a_long_list_runs_over_pages_with_its_header_on_each_and_every_row(
    store, office, report_pdf, tmp_path
):
    """A county's lists run to thousands of rows: each page of a list repeats its header row, and no row
    is lost or split between pages."""
    report = report_for_store(store, "2026-05")
    overdue = report.table("overdue")
    template = overdue.rows[0]
    rows = tuple(
        (template[0], Cell(f"640104001-2026-{n:05d}"), *template[2:4], Cell(n, Fmt.INT), template[5])
        for n in range(1, 151)
    )
    long = dataclasses.replace(
        report, tables=tuple(dataclasses.replace(t, rows=rows) if t is overdue else t for t in report.tables)
    )
    out = tmp_path / "long.pdf"
    out.write_bytes(report_pdf(long))
    pages = pdf_pages(out)
    text = pdf_text(out)
    assert all(f"640104001-2026-{n:05d}" in text for n in range(1, 151))
    list_pages = [
        pdf_text(out, first=page, last=page)
        for page in range(1, pages + 1)
        if re.search(r"640104001-2026-\d{5}", pdf_text(out, first=page, last=page))
    ]
    assert len(list_pages) >= 3
    assert all("档案号" in page and "逾期天数" in page for page in list_pages)
    for page in range(1, pages):  # each page numbered (页 comes out as a look-alike radical), the charts last
        assert re.search(rf"第 {page} .,共 {pages} .", pdf_text(out, first=page, last=page))
    assert "五、图表" in pdf_text(out, first=pages, last=pages)
