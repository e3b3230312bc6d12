"""The review queue: filters by worker, kind of record and date; bulk sign-off asks first."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QItemSelectionModel
from PySide6.QtWidgets import QMessageBox

from app.demo.office import SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD, WORKER_LOGINS
from app.services import reviews, users
from app.store.unlock import open_store
from models.enums import FactKind
from tests.ui.conftest import DEMO_TODAY
from ui.pages.review import ReviewPage

WAIT = 30_000


class Nav:
    def open_person(self, person_id, action=None):  # type: ignore[no-untyped-def]
        pass

    def show_page(self, key):  # type: ignore[no-untyped-def]
        pass


@pytest.fixture
def supervisor_store(demo_dir):  # type: ignore[no-untyped-def]
    """The queue as the service sees it, read apart from the page (on this thread, its own store)."""
    opened = open_store(demo_dir, SUPERVISOR_LOGIN, SUPERVISOR_PASSWORD, today=lambda: DEMO_TODAY)
    yield opened
    opened.close()


@pytest.fixture
def page(qtbot, supervisor_ctx):  # type: ignore[no-untyped-def]
    shown = ReviewPage(supervisor_ctx, Nav())
    qtbot.addWidget(shown)
    shown.resize(1280, 720)
    shown.show()
    shown.activate()
    qtbot.waitUntil(lambda: shown.table.rowCount() > 0, timeout=WAIT)
    return shown


def column(page: ReviewPage, n: int) -> list[str]:
    return [page.table.item(row, n).text() for row in range(page.table.rowCount())]


def settle(qtbot, page: ReviewPage, rows: int) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: page.table.rowCount() == rows and page.ctx.runner.idle, timeout=WAIT)


def test_the_filters_narrow_the_queue_to_what_the_service_finds(qtbot, page, supervisor_store):
    everything = reviews.pending(supervisor_store)
    assert page.table.rowCount() == len(everything)
    assert page.count.text().startswith(str(len(everything)))
    wangli = users.find(supervisor_store, WORKER_LOGINS[0])

    # By worker: the combo offers the office's workers by name.
    page.worker.setCurrentIndex(page.worker.findData(str(wangli.id)))
    mine = reviews.pending(supervisor_store, recorded_by=wangli.id)
    assert 0 < len(mine) < len(everything)
    settle(qtbot, page, len(mine))
    assert set(column(page, 3)) == {wangli.display_name}
    assert "match the filters" in page.count.text()

    # And by kind of record.
    page.kind.setCurrentIndex(page.kind.findData(FactKind.DRUG_TEST.value))
    tests = reviews.pending(supervisor_store, (FactKind.DRUG_TEST,), recorded_by=wangli.id)
    settle(qtbot, page, len(tests))
    assert set(column(page, 1)) <= {
        FactKind.DRUG_TEST.label.render(),
        FactKind.DRUG_TEST.label.render() + " v2",
    }

    # And by date, both ends included.
    since, until = date(2026, 3, 1), date(2026, 4, 30)
    assert not page.since.isEnabled()  # no bound until its box is ticked
    page.since.setDate(QDate(since))
    page.until.setDate(QDate(until))
    page.since_on.setChecked(True)
    page.until_on.setChecked(True)
    assert page.since.isEnabled() and page.until.isEnabled()
    spring = reviews.pending(
        supervisor_store, (FactKind.DRUG_TEST,), recorded_by=wangli.id, since=since, until=until
    )
    assert spring
    settle(qtbot, page, len(spring))
    assert all(since.isoformat() <= d <= until.isoformat() for d in column(page, 0))

    # Dates the wrong way round: a sentence where the count was, no rows, no dialog.
    page.since.setDate(QDate(2026, 5, 1))
    settle(qtbot, page, 0)
    assert "开始日期不能晚于结束日期" in page.count.text()

    page.clear_filters.click()
    settle(qtbot, page, len(everything))
    assert page.filters().active is False
    assert not page.since_on.isChecked() and not page.since.isEnabled()


def test_bulk_sign_off_asks_first_and_signs_all_the_selected(qtbot, page, supervisor_store, monkeypatch):
    before = page.table.rowCount()
    chosen = page.records[:3]
    selection = page.table.selectionModel()
    for row in range(3):
        index = page.table.model().index(row, 0)
        selection.select(
            index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        )
    asked: list[str] = []

    def answer(button):  # type: ignore[no-untyped-def]
        def question(parent, title, text, *args, **kwargs):  # type: ignore[no-untyped-def]
            asked.append(text)
            return button

        return question

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.No))
    page.sign.click()
    assert "3" in asked[-1]
    qtbot.wait(200)
    assert page.table.rowCount() == before  # said no: nothing signed

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Yes))
    page.sign.click()
    settle(qtbot, page, before - 3)
    still = {r.fact_id for r in reviews.pending(supervisor_store)}
    assert not {r.fact_id for r in chosen} & still
    assert {r.fact_id for r in page.records} == still
