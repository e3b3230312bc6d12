"""A person's file over the demo office: the timeline, the quick actions, corrections and voids, locking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

from app.demo.office import WORKER_PASSWORD
from app.rules.lifecycle import allowed_next
from app.services import facts, persons
from app.services.inputs import DrugTestInput, VisitInput
from app.store.store import Store
from models import AuditEntry
from models.enums import (
    Drug,
    FactKind,
    PersonStatus,
    ReviewState,
    SampleType,
    TestMethod,
    TestResult,
    VisitKind,
)
from tests.ui.conftest import DEMO_TODAY
from ui.context import UiContext
from ui.forms.drug_test_form import URINE_PANEL, DrugTestForm
from ui.forms.status_form import StatusForm
from ui.forms.visit_form import VisitForm
from ui.main_window import MainWindow
from ui.pages.person_file import PersonFilePage
from ui.timeline import KIND, SUMMARY, VERSION, summarize

WAIT = 15_000


class Nowhere:
    """A navigator for a page shown on its own."""

    def open_person(self, person_id: UUID, action: str | None = None) -> None: ...

    def show_page(self, key: str) -> None: ...


def run_op(qtbot: Any, ctx: UiContext, work: Callable[[Store], Any]) -> Any:
    """Run ``work`` on the database thread (as the app does) and wait for its result."""
    box: list[tuple[bool, Any]] = []
    ctx.runner.run(work, on_done=lambda r: box.append((True, r)), on_error=lambda e: box.append((False, e)))
    qtbot.waitUntil(lambda: bool(box), timeout=WAIT)
    ok, value = box[0]
    if not ok:
        raise value
    return value


def pick_person(qtbot: Any, ctx: UiContext) -> UUID:
    """A demo person in community treatment with visits and tests on record."""

    def work(store: Store) -> UUID:
        for row in persons.summaries(store):
            if row.status is PersonStatus.IN_TREATMENT:
                kinds = {h.current.kind for h in facts.history(store, row.id)}
                if {FactKind.VISIT, FactKind.DRUG_TEST} <= kinds:
                    return row.id
        raise AssertionError("the demo office has nobody in treatment with visits and tests")

    return run_op(qtbot, ctx, work)


@pytest.fixture
def page(qtbot, ui_ctx) -> PersonFilePage:
    shown = PersonFilePage(ui_ctx, Nowhere())
    qtbot.addWidget(shown)
    shown.resize(1280, 720)
    shown.show()
    return shown


@pytest.fixture
def person(qtbot, ui_ctx) -> UUID:
    return pick_person(qtbot, ui_ctx)


def open_file(qtbot: Any, page: PersonFilePage, person_id: UUID, action: str | None = None) -> None:
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.open(person_id, action)


def top_rows(page: PersonFilePage) -> list[facts.FactHistory]:
    return page.timeline_model.histories()


def cell(page: PersonFilePage, fact_id: UUID, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
    index = page.timeline_model.row_of(fact_id).siblingAtColumn(column)
    return page.timeline_model.data(index, role)


def editable_visit(page: PersonFilePage) -> facts.FactHistory:
    return next(
        h
        for h in top_rows(page)
        if h.current.kind is FactKind.VISIT
        and not h.voided
        and h.current.review is not ReviewState.SIGNED_OFF
    )


def test_opening_a_file_shows_the_person_and_every_fact_newest_first(qtbot, ui_ctx, page, person):
    open_file(qtbot, page, person)
    file = page.file
    assert file is not None and file.id == person
    assert page.name_label.text() == file.profile.name
    assert file.record_no in page.record_label.text()
    assert page.status_label.text() == PersonStatus.IN_TREATMENT.label.render()
    assert page.risk_label.text() == file.profile.risk_colour.label.render()
    assert file.measures[-1].ends_on is not None
    assert file.measures[-1].ends_on.isoformat() in page.measure_label.text()
    assert page.worker_label.text()

    expected = run_op(qtbot, ui_ctx, lambda store: facts.history(store, person))
    rows = top_rows(page)
    assert [h.current.fact_id for h in rows] == [h.current.fact_id for h in expected]
    assert page.timeline_model.rowCount() == len(expected)
    dates = [h.current.occurred_on for h in rows]
    assert dates == sorted(dates, reverse=True)
    # Each row reads as one line in the user's language (the tests run in Chinese).
    visit = next(h for h in rows if h.current.kind is FactKind.VISIT)
    summary = cell(page, visit.current.fact_id, SUMMARY)
    assert summary.startswith(visit.current.data.kind.label.render() + ": ") and "\n" not in summary
    assert cell(page, visit.current.fact_id, KIND) == FactKind.VISIT.label.render()

    # The profile shows the ID number in full; the measures and the status history are there.
    profile_values = [
        page.profile_form.itemAt(r, page.profile_form.ItemRole.FieldRole).widget().text()
        for r in range(page.profile_form.rowCount())
    ]
    assert file.profile.id_number in profile_values
    assert page.measures_table.rowCount() == len(file.measures)
    assert page.status_table.rowCount() == len(file.status_history)


def profile_rows(page: PersonFilePage) -> list[tuple[str, str]]:
    form = page.profile_form
    return [
        (
            form.itemAt(r, form.ItemRole.LabelRole).widget().text(),
            form.itemAt(r, form.ItemRole.FieldRole).widget().text(),
        )
        for r in range(form.rowCount())
    ]


def test_the_next_file_shows_only_its_own_profile(qtbot, ui_ctx, page):
    """The profile's rows are reused from file to file: none of the last person's may stay behind."""

    def two_people(store: Store) -> tuple[persons.PersonFile, persons.PersonFile]:
        files = [persons.read_file(store, row.id) for row in persons.summaries(store)[:60]]
        larger = max(files, key=lambda f: len(f.profile.work_group))
        smaller = min(files, key=lambda f: len(f.profile.work_group))
        return larger, smaller

    larger, smaller = run_op(qtbot, ui_ctx, two_people)
    extra = len(larger.profile.work_group) - len(smaller.profile.work_group)
    assert extra > 0, "the demo office gives people work groups of different sizes"
    open_file(qtbot, page, larger.id)
    first = profile_rows(page)
    open_file(qtbot, page, smaller.id)
    second = profile_rows(page)

    assert len(first) == len(second) + extra
    values = [value for _, value in second]
    assert smaller.profile.name in values and smaller.profile.id_number in values
    assert larger.profile.name not in values and larger.profile.id_number not in values
    members = [m.name for m in larger.profile.work_group if m.name]
    assert any(name in value for name in members for _, value in first)
    assert not any(name in value for name in members for _, value in second)
    field = page.profile_form.itemAt(1, page.profile_form.ItemRole.FieldRole).widget()
    assert field.accessibleName() == second[1][0]


def test_a_row_reads_as_one_line_and_the_timeline_filters_by_kind(qtbot, ui_ctx, page, person):
    urine = DrugTestInput(person, DEMO_TODAY, SampleType.URINE, TestMethod.ON_SITE, TestResult.NEGATIVE)
    assert summarize(urine) == "尿液 现场检测: 阴性"  # "：" once the zh_CN translation is in
    positive = DrugTestInput(
        person, DEMO_TODAY, result=TestResult.POSITIVE, substance_results={Drug.KETAMINE: TestResult.POSITIVE}
    )
    assert "氯胺酮" in summarize(positive)
    visit = VisitInput(person, DEMO_TODAY, VisitKind.PHONE, summary="情况\n稳定")
    assert summarize(visit) == "电话联系: 情况 稳定"

    open_file(qtbot, page, person)
    total = page.timeline_model.rowCount()
    page.kind_filter.setCurrentIndex(page.kind_filter.findData(FactKind.DRUG_TEST.value))
    kinds = {h.current.kind for h in top_rows(page)}
    assert kinds == {FactKind.DRUG_TEST} and 0 < page.timeline_model.rowCount() < total
    page.kind_filter.setCurrentIndex(0)
    assert page.timeline_model.rowCount() == total


def test_opening_a_file_is_audited_once_and_refreshes_are_not(qtbot, ui_ctx, page, person):
    def opened(store: Store) -> int:
        with store.read() as session:
            actions = session.scalars(select(AuditEntry.action).where(AuditEntry.person_id == person)).all()
        return sum(1 for action in actions if action == "person.open")

    before = run_op(qtbot, ui_ctx, opened)
    open_file(qtbot, page, person)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        page.refresh()
    assert run_op(qtbot, ui_ctx, opened) == before + 1


def test_a_visit_and_a_test_recorded_through_the_forms_appear_at_the_top(qtbot, ui_ctx, page, person):
    open_file(qtbot, page, person, "visit")
    form = page.active_form
    assert isinstance(form, VisitForm) and form.isVisible()
    assert form.visited_on.value() == DEMO_TODAY and form.visit_kind.value() is VisitKind.HOME
    form.summary.setText("情况稳定")
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.keyClick(form.summary, Qt.Key.Key_Return)  # Enter saves
    assert page.active_form is None
    top = top_rows(page)[0]
    assert top.current.kind is FactKind.VISIT and top.current.occurred_on == DEMO_TODAY
    assert cell(page, top.current.fact_id, SUMMARY) == f"{VisitKind.HOME.label.render()}: 情况稳定"

    assert page.action_buttons["test"].shortcut() == QKeySequence("Ctrl+2")
    page.action_buttons["test"].click()
    form = page.active_form
    assert isinstance(form, DrugTestForm)
    form.substances.set_result(form.substances.results().popitem()[0], TestResult.POSITIVE)
    assert form.result.value() is TestResult.POSITIVE  # derived from the substances
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.keyClick(form.kit_lot, Qt.Key.Key_Enter)
    first, second = top_rows(page)[:2]
    assert first.current.kind is FactKind.DRUG_TEST and first.current.data.result is TestResult.POSITIVE
    assert second.current.fact_id == top.current.fact_id
    assert TestResult.POSITIVE.label.render() in cell(page, first.current.fact_id, SUMMARY)
    assert page.count_label.text().startswith(str(len(top_rows(page))))


def test_correcting_a_visit_keeps_the_earlier_version(qtbot, ui_ctx, page, person):
    open_file(qtbot, page, person)
    visit = editable_visit(page)
    page.timeline.setCurrentIndex(page.timeline_model.row_of(visit.current.fact_id))
    assert page.correct_button.isEnabled()
    page.correct_button.click()
    form = page.active_form
    assert isinstance(form, VisitForm) and form.correcting is not None
    assert form.summary.text() == visit.current.data.summary  # prefilled
    form.summary.setText("更正后的情况摘要")
    qtbot.keyClick(form.summary, Qt.Key.Key_Return)
    reason = form.reason_dialog
    assert reason is not None and reason.isVisible()  # the reason is asked on saving
    reason.reason_edit.setText("摘要记录有误")
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.keyClick(reason.reason_edit, Qt.Key.Key_Return)

    fact_id = visit.current.fact_id
    version = cell(page, fact_id, VERSION)
    assert "v2" in version and "摘要记录有误" in version
    assert "更正后的情况摘要" in cell(page, fact_id, SUMMARY)
    row = page.timeline_model.row_of(fact_id)
    assert page.timeline_model.rowCount(row) == 1  # the earlier version, shown when expanded
    earlier = page.timeline_model.index(0, SUMMARY, row)
    assert visit.current.data.summary in earlier.data()
    assert "v1" in earlier.siblingAtColumn(VERSION).data()
    page.timeline.setExpanded(row, True)
    assert page.timeline.isExpanded(row)


def test_voiding_a_record_strikes_it_through_with_its_reason(qtbot, ui_ctx, page, person):
    open_file(qtbot, page, person)
    visit = editable_visit(page)
    dialog = page.void(visit)
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)  # no reason: refused beside the field
    assert dialog.errors["reason"].isVisible() and dialog.isVisible()
    dialog.reason_edit.setText("重复录入")
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.keyClick(dialog.reason_edit, Qt.Key.Key_Return)
    fact_id = visit.current.fact_id
    assert cell(page, fact_id, SUMMARY, Qt.ItemDataRole.FontRole).strikeOut()
    assert "重复录入" in cell(page, fact_id, VERSION)
    page.timeline.setCurrentIndex(page.timeline_model.row_of(fact_id))
    assert not page.correct_button.isEnabled() and not page.void_button.isEnabled()


def test_a_future_date_shows_an_error_beside_it_and_saves_nothing(qtbot, ui_ctx, page, person):
    def visits(store: Store) -> int:
        return len(facts.history(store, person, (FactKind.VISIT,)))

    before = run_op(qtbot, ui_ctx, visits)
    open_file(qtbot, page, person, "visit")
    form = page.active_form
    assert isinstance(form, VisitForm)
    form.visited_on.set_value(DEMO_TODAY + timedelta(days=1))
    error = form.errors["visited_on"]
    assert error.isVisible() and (DEMO_TODAY + timedelta(days=1)).isoformat() in error.text()  # as typed
    qtbot.keyClick(form.summary, Qt.Key.Key_Return)
    assert form.isVisible() and form.buttons.isEnabled()  # nothing was sent to the store
    assert run_op(qtbot, ui_ctx, visits) == before
    form.visited_on.set_value(DEMO_TODAY)
    assert not error.isVisible()


def test_a_status_change_offers_only_allowed_changes_and_transfer_out_is_one(qtbot, ui_ctx, page, person):
    open_file(qtbot, page, person)
    form = page.start("status")
    assert isinstance(form, StatusForm)
    options = form.options()
    assert options and set(options) <= allowed_next(PersonStatus.IN_TREATMENT)
    assert PersonStatus.IN_TREATMENT not in options and PersonStatus.IN_REHAB not in options
    form.reject()

    form = page.start("transfer")
    assert isinstance(form, StatusForm)
    assert form.to_status.value() is PersonStatus.TRANSFERRED_OUT
    form.reason.setText("迁往兴庆区某街道")
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.keyClick(form.reason, Qt.Key.Key_Return)
    assert page.status_label.text() == PersonStatus.TRANSFERRED_OUT.label.render()
    assert page.status_table.item(0, 2).text() == PersonStatus.TRANSFERRED_OUT.label.render()
    assert not page.action_buttons["transfer"].isEnabled()


def test_the_window_opens_a_file_with_a_form_that_survives_locking(qtbot, ui_ctx, person):
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.show()
    page = window.pages["person"]
    assert isinstance(page, PersonFilePage)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        window.open_person(person, "visit")
    form = page.active_form
    assert isinstance(form, VisitForm) and form.isVisible()
    form.summary.setText("写了一半的走访记录")

    window.lock()
    assert not form.isVisible()
    screen = window.lock_screen
    assert screen is not None
    screen.password.setText(WORKER_PASSWORD)
    with qtbot.waitSignal(window.unlocked, timeout=WAIT):
        screen.submit()
    assert form.isVisible() and form.summary.text() == "写了一半的走访记录"
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.keyClick(form.summary, Qt.Key.Key_Return)
    assert top_rows(page)[0].current.data.summary == "写了一半的走访记录"


def test_a_worker_records_a_visit_and_a_test_with_the_keyboard_only(qtbot, ui_ctx, person):
    window = MainWindow(ui_ctx)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    page = window.pages["person"]
    assert isinstance(page, PersonFilePage)
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        window.open_person(person)

    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(page.active_form, VisitForm), timeout=WAIT)
    visit = page.active_form
    assert visit is not None and visit.focusWidget() is visit.visited_on  # typing starts at the top
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.keyClick(visit.focusWidget(), Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(page.active_form, DrugTestForm), timeout=WAIT)
    test = page.active_form
    assert test is not None
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.keyClick(test.focusWidget(), Qt.Key.Key_Return)
    first, second = top_rows(page)[:2]
    assert (first.current.kind, second.current.kind) == (FactKind.DRUG_TEST, FactKind.VISIT)
    assert first.current.data.substance_results == dict.fromkeys(URINE_PANEL, TestResult.NEGATIVE)


def test_recording_the_report_puts_the_person_under_the_measure(qtbot, ui_ctx, page):
    def not_reported(store: Store) -> UUID:
        return next(p.id for p in persons.summaries(store) if p.status is PersonStatus.NOT_REPORTED)

    open_file(qtbot, page, run_op(qtbot, ui_ctx, not_reported))
    assert "not yet reported" in page.measure_label.text()
    assert page.report_button.isEnabled()
    form = page.record_report()
    assert form is not None and form.isVisible()
    with qtbot.waitSignal(page.loaded, timeout=WAIT):
        qtbot.keyClick(form.reported_on, Qt.Key.Key_Return)
    file = page.file
    assert file is not None and file.status in (PersonStatus.IN_TREATMENT, PersonStatus.IN_REHAB)
    assert file.measures[-1].reported_on == DEMO_TODAY
    assert page.measures_table.item(0, 2).text() == DEMO_TODAY.isoformat()
    assert not page.report_button.isEnabled()
