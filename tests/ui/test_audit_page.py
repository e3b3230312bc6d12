"""The Audit page over the demo office: filters, pages, the chain check, the export; and who sees it."""

from __future__ import annotations

import csv
import sqlite3
from uuid import uuid4

from PySide6.QtWidgets import QLabel

from app.demo.office import WORKER_LOGINS
from app.services import audit_log
from tests.ui.test_accessibility import unnamed
from ui.context import UiContext
from ui.main_window import MainWindow
from ui.pages.audit import AuditPage

WAIT = 60_000


class _Nav:
    def open_person(self, person_id, action=None) -> None: ...

    def show_page(self, key: str) -> None: ...


def opened(qtbot, ctx: UiContext) -> AuditPage:
    page = AuditPage(ctx, _Nav())
    qtbot.addWidget(page)
    page.resize(1130, 680)
    page.show()
    page.activate()
    settle(qtbot, ctx)
    return page


def settle(qtbot, ctx: UiContext) -> None:
    qtbot.waitUntil(lambda: ctx.runner.idle, timeout=WAIT)


def column(page: AuditPage, index: int) -> list[str]:
    return [page.table.item(row, index).text() for row in range(page.table.rowCount())]


def test_a_supervisor_pages_through_the_log_and_filters_it(qtbot, supervisor_ctx):
    page = opened(qtbot, supervisor_ctx)
    assert unnamed(page) == []  # screen readers name every input
    total = page.page.total
    assert total > audit_log.PAGE_SIZE and page.table.rowCount() == audit_log.PAGE_SIZE
    assert page.count.text() == f"Entries 1–200 of {total:,}"
    seqs = [int(s) for s in column(page, 0)]
    assert seqs == sorted(seqs, reverse=True)
    assert not page.previous.isEnabled() and page.next.isEnabled()
    page.next.click()
    settle(qtbot, supervisor_ctx)
    assert page.count.text().startswith("Entries 201–") and int(column(page, 0)[0]) == seqs[-1] - 1

    worker = WORKER_LOGINS[0]
    page.user.setCurrentIndex(page.user.findData(worker))
    settle(qtbot, supervisor_ctx)
    assert set(column(page, 2)) == {worker} and page.page.offset == 0  # a new filter starts at page one
    page.action.setCurrentIndex(page.action.findData("person.register"))
    settle(qtbot, supervisor_ctx)
    assert set(column(page, 3)) == {"登记人员"} and page.page.total >= 1
    record_no = column(page, 4)[0]
    page.user.setCurrentIndex(0)
    page.action.setCurrentIndex(0)
    page.person.setText(record_no)
    qtbot.waitUntil(lambda: set(column(page, 4)) == {record_no}, timeout=WAIT)

    page.use_start.setChecked(True)
    page.start.setDate(page.start.date().addYears(50))  # after every entry
    settle(qtbot, supervisor_ctx)
    assert page.table.rowCount() == 0 and page.count.text() == "No entry matches the filter."
    assert not page.export_button.isEnabled()
    page.clear_filters()
    settle(qtbot, supervisor_ctx)
    assert page.page.total == total and page.person.text() == ""


def test_impossible_dates_are_said_beside_the_filter(qtbot, supervisor_ctx):
    page = opened(qtbot, supervisor_ctx)
    page.use_start.setChecked(True)
    page.use_end.setChecked(True)
    page.end.setDate(page.start.date().addDays(-1))
    settle(qtbot, supervisor_ctx)
    assert page.problem.isVisible() and "晚于结束日期" in page.problem.text()
    assert page.table.rowCount() == 0


def test_verify_says_intact_then_names_the_broken_entry(qtbot, supervisor_ctx, demo_dir):
    page = opened(qtbot, supervisor_ctx)
    page.verify_button.click()
    settle(qtbot, supervisor_ctx)
    assert page.chain.text().startswith("审计链完整") and f"{page.page.total} 条" in page.chain.text()
    connection = sqlite3.connect(demo_dir / "rehabdesk.db")
    with connection:
        connection.execute("UPDATE audit_entry SET action = 'person.update' WHERE seq = 42")
    connection.close()
    page.verify_button.click()
    settle(qtbot, supervisor_ctx)
    assert "第 42 条" in page.chain.text() and "断裂" in page.chain.text()


def test_export_writes_what_the_filter_found_and_is_audited(qtbot, supervisor_ctx, tmp_path):
    page = opened(qtbot, supervisor_ctx)
    page.action.setCurrentIndex(page.action.findData("person.register"))
    settle(qtbot, supervisor_ctx)
    found = page.page.total
    out = tmp_path / "审计.csv"
    page.ask_export_path = lambda: out  # type: ignore[method-assign]  # the save dialog, answered
    page.export_button.click()
    settle(qtbot, supervisor_ctx)
    assert page.result.text().startswith(f"已导出 {found} 条审计记录")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert len(rows) == found + 1 and {r[4] for r in rows[1:]} == {"person.register"}
    page.clear_filters()
    settle(qtbot, supervisor_ctx)
    assert column(page, 3)[0] == "导出审计日志" and column(page, 2)[0] == supervisor_ctx.actor.login


def test_a_worker_is_refused_by_the_service_even_with_the_page(qtbot, ui_ctx):
    page = opened(qtbot, ui_ctx)
    assert page.problem.isVisible()
    assert page.problem.text() == "审计日志只有审核人员和管理员可以查看或导出。"
    assert page.table.rowCount() == 0
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    assert "audit" not in window.pages and "conflicts" not in window.pages


def test_the_administrator_reads_the_audit_but_no_file(qtbot, admin_ctx):
    window = MainWindow(admin_ctx)
    qtbot.addWidget(window)
    window.show()
    keys = [window.nav.item(i).data(0x0100) for i in range(window.nav.count())]
    assert keys == ["sync", "audit", "settings"]  # no Today, People, Review or Indicators
    assert "person" not in window.pages and "people" not in window.pages
    notes = [label.text() for label in window.pages["settings"].findChildren(QLabel)]
    assert any("does not open people's files" in text for text in notes)  # and the window says why
    window.show_page("audit")
    page = window.pages["audit"]
    assert isinstance(page, AuditPage)
    settle(qtbot, admin_ctx)
    assert page.page is not None and page.page.total > 0 and page.person.placeholderText() == "Record number"
    page.person.setText("王")  # a name: not for the administrator
    qtbot.waitUntil(lambda: page.problem.isVisible(), timeout=WAIT)
    assert "档案号" in page.problem.text()
    window.open_person(uuid4())
    assert window.stack.currentWidget() is page  # nothing to open
